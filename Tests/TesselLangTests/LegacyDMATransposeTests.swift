import TesselHost
import TesselIR
import TesselTestSupportCore
import Testing

/// Legacy `nisa.dma_transpose(src)`: a DMA moving `src` into SBUF with its axes reversed.
@Suite("legacy nisa.dma_transpose")
struct LegacyDMATransposeTests {
  static let source = """
    import neuronxcc.nki as nki
    import neuronxcc.nki.isa as nisa
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(x):
        out = nl.ndarray((x.shape[1], x.shape[0]), dtype=x.dtype, buffer=nl.shared_hbm)
        t = nisa.dma_transpose(x[:, :])
        nl.store(out, t)
        return out
    """

  @Test("an HBM [r, c] bf16 tensor arrives as [c, r] (plain loops)", arguments: [(1, 7), (7, 128), (128, 33)])
  func transposes(shape: (Int, Int)) throws {
    let (r, c) = shape
    var rng = SeededGenerator(seed: UInt64(r * 1000 + c))
    let x = (0..<(r * c)).map { _ in roundToBFloat16(Float.random(in: -4...4, using: &rng)) }
    let (_, result) = try traceAndRun(Self.source, [try HostArray(shape: [r, c], dtype: .bfloat16, values: x)])
    let out = result.outputs[0].floatValues()
    for i in 0..<c {
      for j in 0..<r { #expect(out[i * r + j] == x[j * c + i], "out[\(i), \(j)]") }
    }
  }

  @Test("an fp32 source transposes in the default DGE mode (plain loops)", arguments: [(1, 7), (7, 128), (128, 33)])
  func fp32Transposes(shape: (Int, Int)) throws {
    let (r, c) = shape
    var rng = SeededGenerator(seed: UInt64(r * 1000 + c + 1))
    let x = (0..<(r * c)).map { _ in Float.random(in: -4...4, using: &rng) }
    let (_, result) = try traceAndRun(Self.source, [try HostArray(shape: [r, c], dtype: .float32, values: x)])
    let out = result.outputs[0].floatValues()
    for i in 0..<c {
      for j in 0..<r { #expect(out[i * r + j] == x[j * c + i], "out[\(i), \(j)]") }
    }
  }

  @Test("with dge_mode=hwdge an fp32 source is refused with the located 2-byte rule")
  func hardwareDGEFp32Refused() throws {
    let source = Self.source.replacing(
      "nisa.dma_transpose(x[:, :])", with: "nisa.dma_transpose(x[:, :], dge_mode=nisa.dge_mode.hwdge)")
    do {
      _ = try traceAndRun(
        source, [try HostArray(shape: [4, 4], dtype: .float32, values: Array(repeating: 1, count: 16))])
      Issue.record("an fp32 hwdge dma_transpose ran")
    } catch {
      #expect("\(error)".contains("dma_transpose with dge_mode=hwdge moves 2-byte elements"), "\(error)")
    }
    // bf16 with hwdge transposes.
    let y = (0..<16).map { Float($0) }
    let (_, ok) = try traceAndRun(source, [try HostArray(shape: [4, 4], dtype: .bfloat16, values: y)])
    let transposed: [Float] = (0..<16).map { i in Float((i % 4) * 4 + i / 4) }
    #expect(ok.outputs[0].floatValues() == transposed)
  }
}
