import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// `nisa.scalar_tensor_tensor` and `nisa.tensor_scalar_reduce` traced from NKI source, against
/// plain loops over their documented meaning.
@Suite("nisa.scalar_tensor_tensor and nisa.tensor_scalar_reduce in kernels")
struct FusedVectorKernelTests {
  static func data(_ n: Int, _ seed: Int) -> [Float] { (0..<n).map { Float(($0 * 5 + seed * 3) % 13) / 4 - 1.5 } }

  @Test(
    "scalar_tensor_tensor: (data op0 operand0) op1 operand1, operand0 a column or an immediate, either side reversed",
    arguments: [
      (1, 3, false, false, true), (7, 10, true, false, false), (128, 5, false, true, true), (7, 1, true, true, false),
    ])
  func scalarTensorTensor(p: Int, f: Int, reverse0: Bool, reverse1: Bool, column: Bool) throws {
    let op0 = column ? "v" : "2.5"
    let src =
      header + """
        @nki.jit
        def k(x, v, y):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            t = nl.load(x)
            v = nl.load(v)
            u = nl.load(y)
            r = nisa.scalar_tensor_tensor(data=t, op0=nl.subtract, operand0=\(op0), op1=nl.multiply, operand1=u,
                                          reverse0=\(reverse0 ? "True" : "False"), reverse1=\(reverse1 ? "True" : "False"))
            nl.store(out, r)
            return out
        """
    let x = Self.data(p * f, 1)
    let v = Self.data(p, 2)
    let y = Self.data(p * f, 3)
    let (_, r) = try traceAndRun(
      src,
      [
        try HostArray(shape: [p, f], dtype: .float32, values: x),
        try HostArray(shape: [p, 1], dtype: .float32, values: v),
        try HostArray(shape: [p, f], dtype: .float32, values: y),
      ])
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      for j in 0..<f {
        let a = x[i * f + j]
        let s = column ? v[i] : 2.5
        let t = reverse0 ? s - a : a - s
        #expect(out[i * f + j] == t * y[i * f + j], "\(i), \(j)")
      }
    }
  }

  @Test(
    "tensor_scalar_reduce: data op0 operand0, and its free-axis reduction written into reduce_res",
    arguments: [("nl.add", 1, 4), ("nl.max", 7, 9), ("nl.min", 128, 3), ("nl.multiply", 5, 2)])
  func tensorScalarReduce(reduce: String, p: Int, f: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            red = nl.ndarray((x.shape[0], 1), dtype=nl.float32, buffer=nl.shared_hbm)
            res = nl.ndarray((x.shape[0], 1), dtype=nl.float32, buffer=nl.sbuf)
            r = nisa.tensor_scalar_reduce(data=nl.load(x), op0=nl.multiply, operand0=-0.5, reduce_op=\(reduce), reduce_res=res)
            nl.store(out, r)
            nl.store(red, res)
            return out, red
        """
    let x = Self.data(p * f, 4)
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [p, f], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    let red = r.outputs[1].floatValues()
    for i in 0..<p {
      let row = (0..<f).map { x[i * f + $0] * -0.5 }
      for j in 0..<f { #expect(out[i * f + j] == row[j]) }
      let expected: Float
      switch reduce {
      case "nl.add": expected = row.reduce(0, +)
      case "nl.max": expected = row.max() ?? 0
      case "nl.min": expected = row.min() ?? 0
      default: expected = row.reduce(1, *)
      }
      #expect(abs(red[i] - expected) <= 1e-6 * max(1, abs(expected)), "row \(i)")
    }
    #expect(r.report.warnings.isEmpty)
  }

  @Test("their keywords are checked against NKI's signatures")
  func unknownKeyword() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            t = nl.load(x)
            nl.store(out, nisa.scalar_tensor_tensor(data=t, op0=nl.add, operand0=1.0, op1=nl.add, operand1=t, revers1=True))
            return out
        """
    do {
      _ = try traceAndRun(src, [try HostArray(shape: [2, 2], dtype: .float32, values: [1, 2, 3, 4])])
      Issue.record("expected a TypeError")
    } catch {
      #expect("\(error)".contains("revers1"))
    }
  }
}
