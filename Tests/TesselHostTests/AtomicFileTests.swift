import Foundation
import Testing

@testable import TesselHost

@Suite("writeAtomically")
struct AtomicFileTests {
  static func contents(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
  }

  static func entries(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
  }

  @Test func createsAndReplacesFiles() throws {
    let dir = try npyTemporaryDirectory()
    let path = dir + "/out.bin"
    try writeAtomically([1, 2, 3], to: path)
    #expect(Self.contents(path) == [1, 2, 3])
    try writeAtomically([], to: path)
    #expect(Self.contents(path) == [])
    let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
    try writeAtomically(big, to: path)
    #expect(Self.contents(path) == big)
    #expect(try Self.entries(dir) == ["out.bin"])  // no temporary files left behind
  }

  @Test func keepsTheModeOfAnExistingFile() throws {
    let dir = try npyTemporaryDirectory()
    let path = dir + "/private.bin"
    try writeAtomically([0], to: path)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    try writeAtomically([1], to: path)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func relativePathsUseTheCurrentDirectory() {
    #expect(splitPath("a.npy") == (".", "a.npy"))
    #expect(splitPath("/a.npy") == ("/", "a.npy"))
    #expect(splitPath("x/y/a.npy") == ("x/y", "a.npy"))
  }

  @Test func failureLeavesTheTargetAndNoTemporaryFile() throws {
    let dir = try npyTemporaryDirectory()
    // The target is a non-empty directory: the rename fails after the data was written.
    let target = dir + "/target"
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
    try writeAtomically([9], to: target + "/keep.bin")
    let error = npyCaught(AtomicWriteError.self) { try writeAtomically([1, 2, 3], to: target) }
    #expect(error?.operation == "rename")
    #expect(error?.path == target)
    #expect(error.map { !$0.description.contains("\n") && $0.description.hasPrefix(target + ": ") } == true)
    #expect(try Self.entries(dir) == ["target"])
    #expect(Self.contents(target + "/keep.bin") == [9])
  }

  @Test func missingDirectoryFailsToCreateTheTemporaryFile() {
    let error = npyCaught(AtomicWriteError.self) { try writeAtomically([1], to: "/nonexistent-tessel-dir/x.bin") }
    #expect(error?.operation.hasPrefix("create temporary file") == true)
    #expect(error?.code == ENOENT)
  }
}
