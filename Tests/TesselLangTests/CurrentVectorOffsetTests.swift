import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupportCore
import Testing

/// `t.ap(pattern, vector_offset=idx, indirect_dim=d)` in `nisa.dma_copy`: each partition of the
/// access is placed by its index (a vector-indirect DMA), gathering from or scattering into HBM.
@Suite("Current dialect: ap(vector_offset=...) places partitions by index")
struct CurrentVectorOffsetTests {
  /// Gathers rows of `table` ([rows, cols]) by `idx` ([p, 1] int32) into `[p, cols]`, and
  /// scatters the gathered rows back into a zeroed `[rows, cols]` output at the same rows.
  static let source = """
    import nki
    import nki.isa as nisa
    import nki.language as nl


    @nki.jit
    def k(table, idx):
        rows, cols = table.shape
        p = idx.shape[0]
        ix = nl.ndarray((p, 1), dtype=nl.int32, buffer=nl.sbuf)
        nisa.dma_copy(dst=ix, src=idx)
        got = nl.ndarray((p, cols), dtype=table.dtype, buffer=nl.sbuf)
        nisa.dma_copy(dst=got, src=table.ap([[cols, p], [1, cols]], offset=0, vector_offset=ix, indirect_dim=0))
        gathered = nl.ndarray((p, cols), dtype=table.dtype, buffer=nl.shared_hbm)
        nisa.dma_copy(dst=gathered, src=got)
        zero = nl.ndarray((rows, cols), dtype=table.dtype, buffer=nl.sbuf)
        nisa.memset(dst=zero, value=0.0)
        scattered = nl.ndarray((rows, cols), dtype=table.dtype, buffer=nl.shared_hbm)
        nisa.dma_copy(dst=scattered, src=zero)
        flat = scattered.reshape((rows * cols,))
        nisa.dma_copy(dst=flat.ap([[cols, p], [1, cols]], offset=0, vector_offset=ix, indirect_dim=0), src=got)
        return gathered, scattered
    """

  static func run(rows: Int, cols: Int, indices: [Int]) throws -> (HostArray, HostArray, [Float]) {
    let p = indices.count
    let table = (0..<(rows * cols)).map { Float($0) * 0.5 - 3 }
    let traced = try NKIFile(source: source, file: "vector_offset.py").trace(
      arguments: [.tensor(shape: [rows, cols], dtype: .float32), .tensor(shape: [p, 1], dtype: .int32)])
    let r = try Interpreter(kernel: traced.kernel).run(
      hostArrays: [
        try HostArray(shape: [rows, cols], dtype: .float32, values: table),
        try HostArray(shape: [p, 1], dtype: .int32, values: indices.map { Float($0) }),
      ])
    return (r.outputs[0], r.outputs[1], table)
  }

  @Test("gather and scatter of whole rows match plain loops", arguments: [1, 7, 128])
  func gatherScatter(p: Int) throws {
    let rows = 128
    let cols = 5
    // Distinct rows (37 is coprime to 128), in a scrambled order; the gather's indices count
    // rows (the stride of dimension 0 of `table`), the scatter's elements of the 1-D reshape.
    let rowsPicked = (0..<p).map { ($0 * 37 + 11) % rows }
    let (gathered, scattered, table) = try Self.run(rows: rows, cols: cols, indices: rowsPicked)
    let g = gathered.floatValues()
    for i in 0..<p {
      for j in 0..<cols { #expect(g[i * cols + j] == table[rowsPicked[i] * cols + j], "gathered[\(i), \(j)]") }
    }
    // The scatter's indices are the same values, now in elements of the flat tensor (unit 1):
    // partition i's row lands at element rowsPicked[i]; where rows overlap, the higher partition's
    // value stays.
    var expected = [Float](repeating: 0, count: rows * cols)
    for i in 0..<p {
      for j in 0..<cols { expected[rowsPicked[i] + j] = table[rowsPicked[i] * cols + j] }
    }
    #expect(scattered.floatValues() == expected)
  }

  @Test("an index past the tensor is a located out-of-bounds error")
  func outOfBounds() throws {
    do {
      _ = try Self.run(rows: 4, cols: 3, indices: [0, 9])
      Issue.record("row 9 of a 4-row table was gathered without an error")
    } catch {
      #expect("\(error)".contains("out-of-bound access: index 9 of partition 1"), "\(error)")
    }
  }
}
