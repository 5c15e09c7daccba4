import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

/// The destination-passing vocabulary (the current dialect's `nki.isa` calls): errors are located
/// at the Swift call, and each call writes its destination, checked against plain loops.
@Suite("Destination-passing DSL calls: located errors and results")
struct DestinationPassingTests {
  /// Builds `kernel`, expecting an error; returns it.
  func buildError(_ kernel: SwiftKernel) -> KernelError? {
    do {
      _ = try kernel.build(target: .trn2)
      Issue.record("expected an error")
      return nil
    } catch {
      return error
    }
  }

  @Test("operands of different shapes: the verifier's error at the tensorTensor(into:) call")
  func shapeMismatch() {
    let line = #line + 5
    let k = SwiftKernel(name: "bad", KernelParameter("x", shape: [128, 64])) { x in
      let a = ndarray([128, 64], dtype: .float32)
      dmaCopy(dst: a, src: x)
      let sum = ndarray([128, 32], dtype: .float32)
      tensorTensor(into: sum, a, a, op: .add)
    }
    let e = buildError(k)
    #expect(e?.location.file == "TesselDSLTests/DestinationPassingTests.swift")
    #expect(e?.location.line == line)
    #expect(e?.operation == "tensor_tensor")
  }

  @Test("an access pattern that leaves the tensor: an unsupported-pattern error at the ap call")
  func patternOutside() {
    let line = #line + 3
    let k = SwiftKernel(name: "bad", KernelParameter("w", shape: [64])) { w in
      let t = ndarray([128, 64], dtype: .float32)
      dmaCopy(dst: t, src: w.ap([[0, 128], [1, 65]]))
    }
    let e = buildError(k)
    #expect(e?.location.line == line)
    #expect(
      e?.message
        == "unsupported: the access pattern [[0, 128], [1, 65]] (offset 0) over `w` [64]: each [stride, count] pair must walk one dimension of the tensor and stay inside it (and on chip only the first may cross partitions)"
    )
  }

  @Test("a malformed access pattern (a count of 0) is a located error")
  func patternMalformed() {
    let line = #line + 3
    let k = SwiftKernel(name: "bad", KernelParameter("w", shape: [64])) { w in
      let t = ndarray([1, 64], dtype: .float32)
      dmaCopy(dst: t, src: w.ap([[1, 0]]))
    }
    let e = buildError(k)
    #expect(e?.location.line == line)
    #expect(e?.message == "an access pattern of `w` is a non-empty list of [stride, count] pairs with counts ≥ 1")
  }

  @Test("activation(into:) with reduceOp but no reduceInto is a located error")
  func reduceWithoutDestination() {
    let line = #line + 5
    let k = SwiftKernel(name: "bad", KernelParameter("x", shape: [128, 64])) { x in
      let a = ndarray([128, 64], dtype: .float32)
      dmaCopy(dst: a, src: x)
      let e = ndarray([128, 64], dtype: .float32)
      activation(into: e, .exp, a, reduceOp: .add)
    }
    let e = buildError(k)
    #expect(e?.location.line == line)
    #expect(
      e?.message == "invalid op reduce_op for 'activation': a reduction needs reduceInto: (NKI's reduce_res)")
  }

  @Test(
    "tensorScalar(into:) with a [P, 1] operand, written into part of a tile, matches a plain loop",
    arguments: [1, 7, 128])
  func tensorScalarColumn(rows: Int) throws {
    let cols = 13
    let k = SwiftKernel(name: "scaled", KernelParameter("x", shape: [rows, cols])) { x in
      let out = output("out", shape: [rows, cols], dtype: .float32)
      let t = ndarray([128, cols], dtype: .float32)
      dmaCopy(dst: t[0..<rows, 0...], src: x)
      let first = ndarray([128, 1], dtype: .float32)
      tensorCopy(into: first[0..<rows, 0...], t[0..<rows, 0..<1])
      let y = ndarray([128, cols], dtype: .float32)
      tensorScalar(
        into: y[0..<rows, 0...], t[0..<rows, 0...], op0: .subtract, operand0: .tile(first[0..<rows, 0...]),
        op1: .multiply, operand1: 3.0)
      dmaCopy(dst: out, src: y[0..<rows, 0...])
    }
    let x = randomArray(count: rows * cols, in: -1...1, seed: 5)
    let result = try k.run([try HostArray(shape: [rows, cols], dtype: .float32, values: x)])
    var expected = [Float](repeating: 0, count: rows * cols)
    for r in 0..<rows {
      for c in 0..<cols { expected[r * cols + c] = (x[r * cols + c] - x[r * cols]) * 3 }
    }
    #expect(result.outputs[0].floatValues() == expected)
  }
}
