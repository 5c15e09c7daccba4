import TesselHost
import TesselIR
import Testing

/// A one-element tile (`[1, 1]`) against a tile of more partitions is broadcast across the
/// partitions, as NKI's compiler does (`x + sink` where `sink` is a `[1, 1]` tile).
@Suite("partition broadcast of a one-element tile")
struct PartitionBroadcastTests {
  static let source = """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(x, s):
        sum_out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
        col_out = nl.ndarray((x.shape[0], 1), dtype=x.dtype, buffer=nl.shared_hbm)
        rev_out = nl.ndarray((x.shape[0], 1), dtype=x.dtype, buffer=nl.shared_hbm)
        t = nl.load(x)
        one = nl.load(s)
        col = nl.max(t, axis=1, keepdims=True)
        nl.store(sum_out, nl.multiply(t, one))
        nl.store(col_out, nl.add(col, one))
        nl.store(rev_out, nl.subtract(one, col))
        return sum_out, col_out, rev_out
    """

  @Test("[P, F] * [1, 1], [P, 1] + [1, 1] and [1, 1] - [P, 1] match plain loops", arguments: [1, 7, 128])
  func matchesPlainLoops(partitions p: Int) throws {
    let f = 13
    let x = (0..<(p * f)).map { Float(($0 * 37) % 101) / 8 - 6 }
    let s: Float = 2.5
    let (_, r) = try traceAndRun(
      Self.source,
      [
        try HostArray(shape: [p, f], dtype: .float32, values: x),
        try HostArray(shape: [1, 1], dtype: .float32, values: [s]),
      ])
    let product = r.outputs[0].floatValues()
    let column = r.outputs[1].floatValues()
    let reversed = r.outputs[2].floatValues()
    for i in 0..<p {
      var m = -Float.infinity
      for j in 0..<f {
        m = max(m, x[i * f + j])
        #expect(product[i * f + j] == x[i * f + j] * s, "product[\(i), \(j)]")
      }
      #expect(column[i] == m + s, "column[\(i)]")
      #expect(reversed[i] == s - m, "reversed[\(i)]")
    }
  }
}
