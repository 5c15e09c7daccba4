import TesselIR
import TesselLang
import Testing

/// Traces `body` as a kernel of one [4, 8] fp32 argument `a`.
private func returns(_ body: String) throws -> (KernelReturn?, Int) {
  let source = """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(a):
        x = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        y = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        nl.store(x, value=nl.load(a))
        nl.store(y, value=nl.load(a))
    \(body)
    """
  let traced = try NKIFile(source: source, file: "t.py").trace(arguments: [.tensor(shape: [4, 8], dtype: .float32)])
  return (traced.returns, traced.kernel.outputs.count)
}

@Suite("How a traced kernel's return value nests its returned tensors")
struct KernelReturnTests {
  @Test(
    "return forms",
    arguments: [
      ("    return x", KernelReturn.tensor(0), 1),
      ("    return x, y", .tuple([.tensor(0), .tensor(1)]), 2),
      ("    return (x,)", .tuple([.tensor(0)]), 1),
      ("    return [y, None]", .list([.tensor(0), .none]), 1),
      ("    return (x, (y, None))", .tuple([.tensor(0), .tuple([.tensor(1), .none])]), 2),
      ("    pass", .none, 0),
    ])
  func forms(body: String, expected: KernelReturn, outputs: Int) throws {
    let (r, n) = try returns(body)
    #expect(r == expected)
    #expect(n == outputs)
  }
}
