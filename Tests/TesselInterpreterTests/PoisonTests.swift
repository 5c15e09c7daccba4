import TesselIR
import TesselInterpreter
import Testing

@Suite("Poisoned memory")
struct PoisonTests {
  let here = SourceLocation(file: "k.py", line: 7, column: 5)

  @Test(
    "reading never-written elements warns with the location, for float and int tiles",
    arguments: [DType.float32, .int32, .float8e4m3])
  func uninitializedRead(dtype: DType) throws {
    var b = KernelBuilder(name: "k")
    let here = SourceLocation(file: "k.py", line: 12, column: 3)
    let a = b.addParameter(name: "a", shape: [8, 8], dtype: dtype)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [8, 8], dtype: dtype)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [8, 8], dtype: dtype)
    let u = b.declareTensor(name: "u", space: .sbuf, shape: [8, 8], dtype: dtype)
    // Only the first 4 partitions are loaded.
    b.emit(
      .load(dst: .whole(t, shape: [8, 8]), src: .whole(a, shape: [8, 8])),
      mask: [AffineCondition(coefficients: [-1, 0], offset: 3, comparison: .greaterEqual)])
    b.emit(.tensorCopy(dst: .whole(u, shape: [8, 8]), src: .whole(t, shape: [8, 8])), location: here)
    b.emit(.store(dst: .whole(out, shape: [8, 8]), src: .whole(u, shape: [8, 8])))
    b.setOutputs([out])
    let r = try Interpreter(kernel: try b.finish(target: .trn2)).run([Array(repeating: 1, count: 64)])
    let w = try #require(r.report.warnings.first)
    #expect(w.message == "'tensor_copy' reads 32 of 64 elements of `t` (operand 'data') that were never written")
    #expect(w.location == here)
  }

  @Test("masked out-of-bounds is caught at run time over the mask's extent")
  func maskedOutOfBounds() throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "x", shape: [100, 8], dtype: .float32)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
    // mask p < 120 still reaches row 119 of a 100-row tensor.
    b.emit(
      .load(
        dst: .whole(t, shape: [128, 8]),
        src: .whole(a, shape: [100, 8]).withDims([.along(0, of: 2, count: 128), .along(1, of: 2, count: 8)])),
      mask: [AffineCondition(coefficients: [-1, 0], offset: 119, comparison: .greaterEqual)], location: here)
    let k = try b.finish(target: .trn2)
    #expect(throws: KernelError.self) { try Interpreter(kernel: k).run([Array(repeating: 1, count: 800)]) }
    do { _ = try Interpreter(kernel: k).run([Array(repeating: 1, count: 800)]) } catch {
      #expect(
        error.message
          == "Out-of-bound access for tensor `x` on dimension 0: index range [0, 119] exceed dimension size of 100")
    }
  }
}

extension View {
  /// The same start with other dimensions.
  func withDims(_ dims: [Dim]) -> View { View(tensor: tensor, start: start, dims: dims) }
}
