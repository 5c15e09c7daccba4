import ArgumentParser
import Foundation
import Tessel
import TesselTools

/// `tessel bench`: the canonical kernels at real shapes against same-run baselines.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Benchmark the canonical kernels at real shapes against same-run baselines (use a release build).")
  @Flag(help: "Fewer repetitions and only the smaller shapes.") var quick = false
  @Flag(help: "Print JSON on stdout.") var json = false
  @Option(help: "Only cases whose name contains this text.") var filter: String?
  @Flag(help: "Skip timing numpy (through python3) on the same shapes.") var noNumpy = false
  @Option(help: "The directory of the tutorial kernels.") var kernels: String = BenchmarkSuite.defaultKernelsDirectory
  @Option(
    help: ArgumentHelp(
      "An nki-samples checkout's reference folder (src/nki_samples/reference): adds AWS's flash attention forward and backward.",
      valueName: "dir"))
  var samples: String?

  func run() throws {
    var suite = BenchmarkSuite(kernelsDirectory: kernels, quick: quick, filter: filter)
    suite.numpy = !noNumpy
    suite.executable = Self.executablePath
    suite.samplesDirectory = samples
    let results = try suite.run { FileHandle.standardError.write(Data("bench: \($0)\n".utf8)) }
    print(
      json
        ? BenchmarkSuite.json(results) : BenchmarkSuite.table(results) + "\n\n" + BenchmarkSuite.userPathTable(results))
  }

  /// This executable's absolute path, for the whole-process figures.
  static var executablePath: String? {
    #if os(Linux)
    if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
    #endif
    return Bundle.main.executablePath
  }
}
