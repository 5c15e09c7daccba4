import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupport
import Testing

@Suite("A kernel staging q @ k.T in a PSUM block tensor runs with block liveness")
struct BlockTensorKernelTests {
  @Test("attention_staged matches the attention reference", arguments: [(512, 64), (1024, 16)])
  func matchesReference(shape: (Int, Int)) throws {
    let (seq, d) = shape
    let q = randomArray(count: seq * d, in: -1...1, seed: 41)
    let k = randomArray(count: seq * d, in: -1...1, seed: 42)
    let v = randomArray(count: seq * d, in: -1...1, seed: 43)
    let (res, _) = try runKernelFile(
      "attention_staged.py",
      [
        .tensor([d, seq], referenceTranspose(q, rows: seq, cols: d)),
        .tensor([d, seq], referenceTranspose(k, rows: seq, cols: d)),
        .tensor([seq, d], v),
      ])
    let expected = referenceAttention(q: q, k: k, v: v, seq: seq, d: d, scale: 0.125)
    _ = expectClose(res.outputs[0].floatValues(), expected, shape: [seq, d], rtol: 1e-4, atol: 1e-5)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
    #expect(res.report.psumHighWaterBytes <= 16384)
  }

  @Test("at seq 4096 one query tile's eight blocks fill PSUM exactly; the whole tensor is 512 KiB")
  func fitsAt4096() throws {
    let nki = try NKIFile.load(path: "\(kernelsDirectory)/attention_staged.py")
    let traced = try nki.trace(
      arguments: [
        .tensor(shape: [128, 4096], dtype: .float32), .tensor(shape: [128, 4096], dtype: .float32),
        .tensor(shape: [4096, 128], dtype: .float32),
      ], target: .trn2)
    let qk = try #require(traced.kernel.tensors.first { $0.name == "qk" })
    #expect(qk.bytesPerPartition == 512 * 1024)
    #expect(
      try Interpreter(kernel: traced.kernel, options: RunOptions(target: .trn2)).allocation.psumHighWater == 16384)
  }
}
