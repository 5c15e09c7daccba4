import Foundation
import TesselHost
import TesselIR
import Testing

/// The repository's root folder.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

/// The repository's `kernels/` folder.
let kernelsDirectory = URL(fileURLWithPath: repoRoot).appendingPathComponent("kernels").path

/// The built `tessel` executable, next to the test bundle.
func tesselExecutable() -> String? {
  var candidates: [String] = []
  let arg0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
  candidates.append(arg0.appendingPathComponent("tessel").path)
  candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tessel").path)
  candidates.append(Bundle.main.bundleURL.appendingPathComponent("tessel").path)
  candidates.append(URL(fileURLWithPath: repoRoot).appendingPathComponent(".build/debug/tessel").path)
  return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Runs `tessel` with arguments in the repository root; returns status, stdout and stderr.
func runTessel(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
  let exe = try #require(tesselExecutable(), "the tessel executable was not built")
  let p = Process()
  p.executableURL = URL(fileURLWithPath: exe)
  p.arguments = args
  p.currentDirectoryURL = URL(fileURLWithPath: repoRoot)
  let out = Pipe()
  let err = Pipe()
  p.standardOutput = out
  p.standardError = err
  try p.run()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// A scratch folder for one suite's files, named after the suite and the process.
struct ScratchFolder {
  let path: String

  init(_ name: String) {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes a `.npy` file and returns its path.
  func npy(_ name: String, _ shape: [Int], _ values: [Float], _ dtype: DType = .float32) throws -> String {
    let file = "\(path)/\(name)"
    try HostArray(shape: shape, dtype: dtype, values: values).writeNPY(to: file)
    return file
  }

  /// Writes a text file (a kernel) and returns its path.
  func text(_ name: String, _ contents: String) throws -> String {
    let file = "\(path)/\(name)"
    try contents.write(toFile: file, atomically: true, encoding: .utf8)
    return file
  }
}
