import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupport
import Testing

/// A legacy kernel staging row blocks of `a` in an SBUF block tensor
/// `buf = nl.ndarray((blocks, nl.par_dim(p), f))`: each block is loaded, tripled and stored in one
/// `nl.affine_range` iteration (`staged: false`), or all blocks are loaded by a first loop and
/// stored by a `nl.sequential_range` loop (`staged: true`).
private func source(blocks: Int, partitions p: Int, free f: Int, staged: Bool) -> String {
  let body =
    staged
    ? """
        for i in nl.affine_range(\(blocks)):
            buf[i, i_p, i_f] = nl.load(a[i * \(p) + i_p, i_f])
        for i in nl.sequential_range(\(blocks)):
            buf[i, i_p, i_f] = nl.multiply(buf[i, i_p, i_f], 3.0)
            nl.store(out[i * \(p) + i_p, i_f], value=buf[i, i_p, i_f])
    """
    : """
        for i in nl.affine_range(\(blocks)):
            buf[i, i_p, i_f] = nl.load(a[i * \(p) + i_p, i_f])
            buf[i, i_p, i_f] = nl.multiply(buf[i, i_p, i_f], 3.0)
            nl.store(out[i * \(p) + i_p, i_f], value=buf[i, i_p, i_f])
    """
  return """
    from neuronxcc import nki
    import neuronxcc.nki.language as nl


    @nki.jit
    def triple(a):
        out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        buf = nl.ndarray((\(blocks), nl.par_dim(\(p)), \(f)), dtype=nl.float32, buffer=nl.sbuf)
        i_p = nl.arange(\(p))[:, None]
        i_f = nl.arange(\(f))[None, :]
    \(body)
        return out

    """
}

@Suite("A legacy SBUF block tensor larger than SBUF runs when few of its blocks are live at once")
struct SBUFBlockTensorKernelTests {
  @Test(
    "blocks loaded, tripled and stored one iteration at a time match plain loops",
    arguments: [(128, 8, 8192), (7, 12, 7001), (1, 5, 50_000)])
  func oneBlockPerIteration(partitions p: Int, blocks: Int, free f: Int) throws {
    // The whole tensor is more than SBUF's 212,984 bytes per partition; one block is not.
    #expect(blocks * f * 4 > 212_984 && f * 4 <= 212_984)
    let values = randomArray(count: blocks * p * f, seed: 91)
    let a = try HostArray(shape: [blocks * p, f], dtype: .float32, values: values)
    let traced = try NKIFile(source: source(blocks: blocks, partitions: p, free: f, staged: false), file: "triple.py")
      .trace(kernel: nil, arguments: [.tensor(shape: [blocks * p, f], dtype: .float32)], keywords: [:], grid: [])
    let result = try Interpreter(kernel: traced.kernel, options: RunOptions(target: .trn2)).run(hostArrays: [a])
    var expected = [Float](repeating: 0, count: values.count)
    for i in 0..<values.count { expected[i] = values[i] * 3 }
    #expect(result.outputs[0].floatValues() == expected)
    #expect(result.report.sbufHighWaterBytes == f * 4)
    #expect(result.report.warnings.isEmpty, "\(result.report.warnings.map(\.message))")
  }

  @Test("every block loaded before any is stored is live at once: the capacity error at the declaration")
  func allBlocksLive() throws {
    let traced = try NKIFile(source: source(blocks: 8, partitions: 128, free: 8192, staged: true), file: "triple.py")
      .trace(kernel: nil, arguments: [.tensor(shape: [1024, 8192], dtype: .float32)], keywords: [:], grid: [])
    let error = #expect(throws: KernelError.self) {
      _ = try Interpreter(kernel: traced.kernel, options: RunOptions(target: .trn2))
    }
    #expect(error?.location.line == 8)
    #expect(
      error?.message
        == "SBUF capacity exceeded: 8 blocks of `buf` live at once need 262144 bytes per partition on 128 "
        + "partitions, more than the 212984 bytes per partition of SBUF on their own (262144 > 212984)")
    // Six such blocks fit (196,608 bytes), with the loads' and products' order kept.
    let six = try NKIFile(source: source(blocks: 6, partitions: 128, free: 8192, staged: true), file: "triple.py")
      .trace(kernel: nil, arguments: [.tensor(shape: [768, 8192], dtype: .float32)], keywords: [:], grid: [])
    let values = randomArray(count: 768 * 8192, seed: 92)
    let a = try HostArray(shape: [768, 8192], dtype: .float32, values: values)
    let result = try Interpreter(kernel: six.kernel, options: RunOptions(target: .trn2)).run(hostArrays: [a])
    #expect(result.outputs[0].floatValues() == values.map { $0 * 3 })
    #expect(result.report.sbufHighWaterBytes == 6 * 32_768)
  }
}
