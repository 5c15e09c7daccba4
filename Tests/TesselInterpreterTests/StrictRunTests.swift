import TesselIR
import TesselInterpreter
import Testing

/// A kernel on a grid of `instances` whose instance `pid` sets rows `pid*64 ..< pid*64 + 64` of `c`.
///
/// It computes `c[pid*64 : pid*64 + 64, :] = a[...] + 1` over an output parameter of `rows` rows:
/// with fewer instances than `rows / 64`, some rows are written by no instance. With
/// `accumulating`, each instance adds its rows of `c` too (`c[...] = a[...] + 1 + c[...]`).
func spmdKernel(rows: Int, instances: Int, accumulating: Bool = false) throws -> Kernel {
  var b = KernelBuilder(name: "spmd")
  let a = b.addParameter(name: "a", shape: [rows, 8], dtype: .float32)
  let c = b.addParameter(name: "c", shape: [rows, 8], dtype: .float32)
  b.setGrid([instances])
  let pid = b.programID(axis: 0)
  let t = b.declareTensor(name: "t", space: .sbuf, shape: [64, 8], dtype: .float32)
  let rowsOf = { (x: TensorID) in
    View(tensor: x, start: [AffineExpr(pid) * 64, 0], dims: [.along(0, of: 2, count: 64), .along(1, of: 2, count: 8)])
  }
  b.emit(.load(dst: .whole(t, shape: [64, 8]), src: rowsOf(a)))
  b.emit(
    .tensorScalar(
      dst: .whole(t, shape: [64, 8]), src: .whole(t, shape: [64, 8]), op0: .add, operand0: .scalar(1), reverse0: false,
      op1: nil, operand1: nil, reverse1: false))
  if accumulating {
    let old = b.declareTensor(name: "old", space: .sbuf, shape: [64, 8], dtype: .float32)
    b.emit(.load(dst: .whole(old, shape: [64, 8]), src: rowsOf(c)))
    b.emit(
      .tensorTensor(
        dst: .whole(t, shape: [64, 8]), a: .whole(t, shape: [64, 8]), b: .whole(old, shape: [64, 8]), op: .add))
  }
  b.emit(.store(dst: rowsOf(c), src: .whole(t, shape: [64, 8])))
  return try b.finish(target: .trn2)
}

@Suite("Strict runs and output-parameter coverage")
struct StrictRunTests {
  @Test(
    "an output parameter covered by every instance gives no warning; one left partly unwritten warns",
    arguments: [(128, 2), (128, 1), (192, 2), (192, 3)])
  func coverage(rows: Int, instances: Int) throws {
    let k = try spmdKernel(rows: rows, instances: instances)
    let a = (0..<(rows * 8)).map { Float($0) }
    let c = Array(repeating: Float(-5), count: rows * 8)
    let r = try Interpreter(kernel: k).run([a, c])
    // Plain loops: the rows the instances cover get a + 1, the others keep -5.
    let covered = min(instances, rows / 64) * 64 * 8
    let expected = (0..<(rows * 8)).map { $0 < covered ? a[$0] + 1 : -5 }
    #expect(r.parameters[1] == expected)
    let warnings = r.report.warnings.map(\.message)
    if covered == rows * 8 {
      #expect(warnings.isEmpty, "\(warnings)")
    } else {
      let by =
        instances > 1 ? "written by no program instance of the grid [\(instances)]" : "never written by the kernel"
      #expect(
        warnings == [
          "parameter `c`: \(rows * 8 - covered) of \(rows * 8) elements were \(by); they keep the values passed in"
        ])
    }
  }

  @Test("RunOptions.strict turns the warnings of a run into one error that carries them all")
  func strict() throws {
    let k = try spmdKernel(rows: 192, instances: 1)
    let args = [Array(repeating: Float(1), count: 192 * 8), Array(repeating: Float(0), count: 192 * 8)]
    let lenient = try Interpreter(kernel: k).run(args)
    #expect(lenient.report.warnings.count == 1)
    var options = RunOptions()
    options.strict = true
    #expect {
      _ = try Interpreter(kernel: k, options: options).run(args)
    } throws: { e in
      guard let e = e as? KernelError, case .warningsAsErrors(let ws) = e.kind else { return false }
      return ws.map(\.message) == lenient.report.warnings.map(\.message)
        && e.message.hasSuffix("; a strict run makes warnings errors") && e.diagnostic.severity == .error
    }
    // A clean kernel runs the same under strict.
    let clean = try spmdKernel(rows: 128, instances: 2)
    let r = try Interpreter(kernel: clean, options: options).run([
      Array(repeating: 1, count: 1024), Array(repeating: 0, count: 1024),
    ])
    #expect(r.parameters[1].allSatisfy { $0 == 2 })
  }
}
