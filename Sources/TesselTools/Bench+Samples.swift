import Foundation
import TesselLang

/// AWS's flash attention kernels from an nki-samples checkout (its `reference/attention.py`,
/// which is not part of this repository): `flash_fwd` and `flash_attn_bwd`, one head, causal,
/// `d` 128, each against numpy computing the same thing in fp32 (the forward: the causal softmax
/// of the scaled scores times `v`; the backward: that softmax recomputed, then `dq`, `dk`, `dv`).
extension BenchmarkSuite {
  /// The flash attention cases, when ``samplesDirectory`` names the folder of `attention.py`.
  func sampleCases() -> [Case] {
    guard let samplesDirectory else { return [] }
    let file = URL(fileURLWithPath: samplesDirectory).appendingPathComponent("attention.py").path
    let (seq, d) = (quick ? 1024 : 4096, 128)
    let scale = "np.float32(\(1 / Double(d).squareRoot()))"
    // The causal softmax of q·k scaled, rows = queries, from q and k as [d, seq]; masked scores
    // are -9984 as the kernels use.
    let probabilities = """
      (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp((lambda s: s - s.max(axis=1, keepdims=True))\
      (np.where(np.tri(\(seq), dtype=bool), (q * \(scale)).T @ k, np.float32(-9984.0)))))
      """
    let headMajor = [1, 1, d, seq]
    let causal: [String: PythonLiteral] = ["use_causal_mask": .bool(true), "mixed_precision": .bool(true)]
    var cases: [Case] = []
    cases.append(
      Case(
        name: "flash_fwd (nki-samples) causal seq \(seq) d \(d)", file: file, kernel: "flash_fwd",
        inputs: [headMajor, headMajor, [1, 1, seq, d]], literals: causal.merging(["seed": .none]) { a, _ in a },
        numpy: "(lambda q, k, v: \(probabilities) @ v)(a0[0, 0], a1[0, 0], a2[0, 0])", grid: [1, 1],
        flops: 2 * Double(seq) * Double(seq) * Double(d), baselineName: "-", baseline: nil))
    // q, k, v, o, dy as [1, 1, d, seq]; lse as the kernel keeps it, [1, 1, 128, seq / 128].
    cases.append(
      Case(
        name: "flash_attn_bwd (nki-samples) causal seq \(seq) d \(d)", file: file, kernel: "flash_attn_bwd",
        inputs: [headMajor, headMajor, headMajor, headMajor, headMajor, [1, 1, 128, seq / 128]],
        literals: causal.merging(["seed_ref": .none, "sliding_window": .int(-1)]) { a, _ in a },
        numpy: """
          (lambda q, k, v, dy: (lambda p, dp: (lambda ds: (k @ ds.T * \(scale), (q * \(scale)) @ ds, dy @ p))\
          (p * (dp - (dp * p).sum(axis=1, keepdims=True))))(\(probabilities), dy.T @ v))\
          (a0[0, 0], a1[0, 0], a2[0, 0], a4[0, 0])
          """,
        grid: [1, 1], flops: 5 * Double(seq) * Double(seq) * Double(d), baselineName: "-", baseline: nil))
    return cases
  }

  /// The path of a case's kernel file: as given when absolute, else in ``kernelsDirectory``.
  func kernelPath(_ c: Case) -> String {
    c.file.hasPrefix("/") ? c.file : kernelsDirectory + "/" + c.file
  }
}
