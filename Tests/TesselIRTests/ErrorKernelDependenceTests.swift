import Foundation
import TesselIR
import Testing

/// One file of `kernels/errors/`: its text, the expected message and the line that carries it.
struct ErrorKernelFile {
  var name: String
  var lines: [Substring]
  var message: String
  var errorLine: Int

  /// The repository's `kernels/errors/` directory, found from this test file's path.
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("kernels/errors").path

  /// Reads `kernels/errors/<name>.py` from the repository this test file lives in.
  init(_ name: String) throws {
    let path = ErrorKernelFile.directory + "/\(name).py"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    self.name = name
    lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let marker = "# error: "
    let hits = lines.enumerated().filter { $0.element.contains(marker) }
    guard hits.count == 1, let hit = hits.first, let r = hit.element.range(of: marker) else {
      throw ErrorKernelFileError(message: "\(path): expected exactly one `# error:` comment")
    }
    message = String(hit.element[r.upperBound...])
    errorLine = hit.offset + 1
  }

  /// The location of the first line containing `text`.
  func at(_ text: String) throws -> TesselIR.SourceLocation {
    guard let i = lines.firstIndex(where: { $0.contains(text) }) else {
      throw ErrorKernelFileError(message: "\(name).py has no line containing \(text)")
    }
    return TesselIR.SourceLocation(file: "kernels/errors/\(name).py", line: i + 1)
  }
}

/// A malformed file of `kernels/errors/`.
struct ErrorKernelFileError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// The IR a tracer produces for the `dep_*` kernels of `kernels/errors/`, checked against the
/// `# error:` text and line each file carries, so the files and the analysis cannot drift apart.
@Suite("kernels/errors dependence kernels")
struct ErrorKernelDependenceTests {
  func expectMessage(_ file: ErrorKernelFile, grid: [Int] = [], _ body: (inout KernelBuilder) throws -> Void) throws {
    var b = KernelBuilder(name: file.name)
    try body(&b)
    if !grid.isEmpty { b.setGrid(grid) }
    let kernel = try b.finish(target: .trn2)
    let errors = DependenceAnalysis().diagnose(kernel, limit: 1)
    let e = try #require(errors.first)
    #expect(e.message == file.message)
    #expect(e.location.line == file.errorLine)
  }

  @Test func depStoreSameBlock() throws {
    let f = try ErrorKernelFile("dep_store_same_block")
    try expectMessage(f) { b in
      let x = b.addParameter(name: "x", shape: [1024, 512], dtype: .float32)
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 512], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 8)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(
        .load(dst: .whole(t, shape: [128, 512]), src: block(x, [AffineExpr(i) * 128, 0], [128, 512])),
        location: try f.at("t = nl.load"))
      b.emit(
        .store(dst: .whole(out, shape: [128, 512]), src: .whole(t, shape: [128, 512])), location: try f.at("nl.store"))
      try b.endLoop()
      b.setOutputs([out])
    }
  }

  @Test func depHoistedTile() throws {
    let f = try ErrorKernelFile("dep_hoisted_tile")
    try expectMessage(f) { b in
      let x = b.addParameter(name: "x", shape: [4, 128, 512], dtype: .float32)
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [4, 128, 512], dtype: .float32)
      let buf = b.declareTensor(name: "buf", space: .sbuf, shape: [128, 512], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 4)
      let row = View(
        tensor: x, start: [AffineExpr(i), 0, 0], dims: [.along(1, of: 3, count: 128), .along(2, of: 3, count: 512)])
      b.emit(.load(dst: .whole(buf, shape: [128, 512]), src: row), location: try f.at("nl.load"))
      b.emit(
        .store(dst: View(tensor: out, start: row.start, dims: row.dims), src: .whole(buf, shape: [128, 512])),
        location: try f.at("nl.store"))
      try b.endLoop()
      b.setOutputs([out])
    }
  }

  @Test func depReadOtherIteration() throws {
    let f = try ErrorKernelFile("dep_read_other_iteration")
    try expectMessage(f) { b in
      let x = b.addParameter(name: "x", shape: [512, 512], dtype: .float32)
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [640, 512], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 4)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(
        .load(dst: .whole(t, shape: [128, 512]), src: block(x, [AffineExpr(i) * 128, 0], [128, 512])),
        location: try f.at("t = nl.load"))
      b.emit(
        .store(dst: block(out, [AffineExpr(i) * 128, 0], [128, 512]), src: .whole(t, shape: [128, 512])),
        location: try f.at("nl.store"))
      let u = b.declareTensor(name: "u", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(
        .load(dst: .whole(u, shape: [128, 512]), src: block(out, [AffineExpr(i) * 128 + 128, 0], [128, 512])),
        location: try f.at("u = nl.load"))
      try b.endLoop()
      b.setOutputs([out])
    }
  }

  @Test func depNestedMissingIndex() throws {
    let f = try ErrorKernelFile("dep_nested_missing_index")
    try expectMessage(f) { b in
      let x = b.addParameter(name: "x", shape: [512, 2048], dtype: .float32)
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [512, 512], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 4)
      let j = b.beginLoop(name: "j", kind: .affine, stop: 4)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(
        .load(
          dst: .whole(t, shape: [128, 512]), src: block(x, [AffineExpr(i) * 128, AffineExpr(j) * 512], [128, 512])),
        location: try f.at("t = nl.load"))
      b.emit(
        .store(dst: block(out, [AffineExpr(i) * 128, 0], [128, 512]), src: .whole(t, shape: [128, 512])),
        location: try f.at("nl.store"))
      try b.endLoop()
      try b.endLoop()
      b.setOutputs([out])
    }
  }

  @Test func depStridedOverlap() throws {
    let f = try ErrorKernelFile("dep_strided_overlap")
    try expectMessage(f) { b in
      let a = b.addParameter(name: "a", shape: [128, 32], dtype: .float32)
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 128], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 32], dtype: .float32)
      b.emit(
        .load(dst: .whole(t, shape: [128, 32]), src: .whole(a, shape: [128, 32])), location: try f.at("t = nl.load"))
      let j = b.beginLoop(name: "j", kind: .affine, stop: 4)
      b.emit(
        .store(
          dst: View(
            tensor: out, start: [0, AffineExpr(j) * 4],
            dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 32, stride: 2)]),
          src: .whole(t, shape: [128, 32])), location: try f.at("nl.store"))
      try b.endLoop()
      b.setOutputs([out])
    }
  }

  @Test func depSPMDOverlap() throws {
    let f = try ErrorKernelFile("dep_spmd_overlap")
    try expectMessage(f, grid: [2]) { b in
      let a = b.addParameter(name: "a", shape: [256, 512], dtype: .float32)
      let c = b.addParameter(name: "c_output", shape: [128, 512], dtype: .float32)
      let pid = b.programID(axis: 0)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(
        .load(dst: .whole(t, shape: [128, 512]), src: block(a, [AffineExpr(pid) * 128, 0], [128, 512])),
        location: try f.at("t = nl.load"))
      b.emit(
        .store(dst: .whole(c, shape: [128, 512]), src: .whole(t, shape: [128, 512])), location: try f.at("nl.store"))
    }
  }
}
