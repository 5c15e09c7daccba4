import TesselHost
import TesselIR

/// A random kernel whose loops carry state: a running value in an SBUF accumulator updated in an
/// `nl.sequential_range`, nested in an `nl.affine_range` over the other dimension, with ragged
/// masks on both; in fp32 or bf16, written both as NKI source and as plain loops.
///
/// Two shapes of kernel:
/// - ``Shape/acrossColumns``: for each row tile (affine), a `[P, 1]` running `nl.sum` or `nl.max`
///   of the column tiles seen so far (sequential); each column tile is stored combined with the
///   running value, and the final value goes to a second output `[rows, 1]`.
/// - ``Shape/acrossRows``: for each column tile (affine), a `[P, C]` accumulator that adds (or
///   takes the maximum of) the row tiles one after the other (sequential); every row tile stores
///   the accumulator so far (a prefix over tiles), and the final accumulator goes to `[P, cols]`.
struct RandomLoopKernel {
  /// Which dimension the sequential loop walks.
  enum Shape { case acrossColumns, acrossRows }

  var shape: Shape
  var rows: Int, cols: Int, dtype: DType
  var tileRows: Int, tileCols: Int
  /// `"add"` (running sum) or `"maximum"` (running max).
  var combine: String
  /// For ``Shape/acrossColumns``: how each tile is combined with the running value.
  var output: String
  /// Whether every instruction carries the mask even when the tiles divide the shape.
  var maskAlways: Bool

  /// Builds the kernel for `seed`.
  init(seed: UInt64) {
    var c = KernelChooser(seed: seed, salt: 0x4C50)
    shape = c.chance(0.5) ? .acrossColumns : .acrossRows
    rows = c.pick([1, 7, 128, 130, 300])
    cols = c.pick([1, 5, 64, 130, 513])
    if rows * cols > 20_000 { cols = 65 }  // keeps debug-build runs fast (masked reductions are per element)
    dtype = c.pick([DType.float32, .bfloat16])
    tileRows = c.pick([128, 100, 32, 7, 1])
    // At most 48 iterations of the loop nest: the interpreter's cost is per instruction.
    var rowTiles = (rows + tileRows - 1) / tileRows
    if rowTiles > 48 {
      tileRows = 32
      rowTiles = (rows + tileRows - 1) / tileRows
    }
    tileCols = c.pick([1, 5, 64, 128, 512].filter { [cols] (t: Int) in rowTiles * ((cols + t - 1) / t) <= 48 } + [512])
    combine = c.pick(["add", "maximum"])
    output = c.pick(["add", "subtract", "multiply"])
    maskAlways = c.chance(0.3)
  }

  var rowTiles: Int { (rows + tileRows - 1) / tileRows }
  var colTiles: Int { (cols + tileCols - 1) / tileCols }
  /// The initial accumulator: 0 for a sum, a very negative number for a maximum.
  var initial: Float { combine == "add" ? 0 : -3.0e38 }
  /// The accumulator's declaration (fp32 SBUF).
  private func accumulator(_ shape: String) -> String {
    combine == "add"
      ? "nl.zeros(\(shape), dtype=nl.float32, buffer=nl.sbuf)"
      : "nl.full(\(shape), -3.0e38, dtype=nl.float32, buffer=nl.sbuf)"
  }

  /// The NKI source of kernel `k(x)`; with `mutant` the running value is not carried (each
  /// update starts again from the tile's own value).
  func source(mutant: Bool = false) -> String {
    let rowMask = "t * \(tileRows) + ip < \(rows)"
    let bothMask = "(\(rowMask)) & (c * \(tileCols) + jf < \(cols))"
    let masked = maskAlways || rows % tileRows != 0 || cols % tileCols != 0
    let m = masked ? ", mask=inside" : ""
    let reduce = combine == "add" ? "nl.sum" : "nl.max"
    let header = """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)

      """
    switch shape {
    case .acrossColumns:
      let update = mutant ? "nl.\(combine)(part, part" : "nl.\(combine)(run, part"
      return header + """
            total = nl.ndarray((\(rows), 1), dtype=nl.float32, buffer=nl.shared_hbm)
            ip = nl.arange(\(tileRows))[:, None]
            jf = nl.arange(\(tileCols))[None, :]
            j0 = nl.arange(1)[None, :]
            for t in nl.affine_range(\(rowTiles)):
                run = \(accumulator("(\(tileRows), 1)"))
                for c in nl.sequential_range(\(colTiles)):
                    inside = \(bothMask)
                    v = nl.load(x[t * \(tileRows) + ip, c * \(tileCols) + jf]\(m))
                    part = \(reduce)(v, axis=[1], keepdims=True\(m))
                    run[...] = \(update)\(masked ? ", mask=(\(rowMask))" : ""))
                    w = nl.\(output)(v, run\(m))
                    nl.store(out[t * \(tileRows) + ip, c * \(tileCols) + jf], value=w\(m))
                nl.store(total[t * \(tileRows) + ip, j0], value=run\(masked ? ", mask=(\(rowMask))" : ""))
            return out, total

        """
    case .acrossRows:
      let update = mutant ? "nl.\(combine)(v, v" : "nl.\(combine)(acc, v"
      return header + """
            total = nl.ndarray((\(tileRows), \(cols)), dtype=nl.float32, buffer=nl.shared_hbm)
            ip = nl.arange(\(tileRows))[:, None]
            jf = nl.arange(\(tileCols))[None, :]
            for c in nl.affine_range(\(colTiles)):
                acc = \(accumulator("(\(tileRows), \(tileCols))"))
                for t in nl.sequential_range(\(rowTiles)):
                    inside = \(bothMask)
                    v = nl.load(x[t * \(tileRows) + ip, c * \(tileCols) + jf]\(m))
                    acc[...] = \(update)\(m))
                    nl.store(out[t * \(tileRows) + ip, c * \(tileCols) + jf], value=acc\(m))
                nl.store(total[ip, c * \(tileCols) + jf], value=acc\(masked ? ", mask=(c * \(tileCols) + jf < \(cols))" : ""))
            return out, total

        """
    }
  }

  /// The outputs as plain loops, from NKI's semantics: `(out, total)`.
  func reference(_ x: [Float]) -> (out: [Bounded], total: [Bounded]) {
    var out = [Bounded](repeating: Bounded(0), count: rows * cols)
    let start = Bounded(initial)
    switch shape {
    case .acrossColumns:
      var total: [Bounded] = []
      for r in 0..<rows {
        var run = start
        for c in 0..<colTiles {
          let js = c * tileCols..<Swift.min((c + 1) * tileCols, cols)
          // The reduction's result has the tile's dtype; the accumulator is fp32.
          let part = Bounded.reduce(combine == "add" ? "sum" : "max", js.map { Bounded(x[r * cols + $0]) }).stored(
            as: dtype)
          run = Bounded.binary(combine, run, part)
          for j in js { out[r * cols + j] = Bounded.binary(output, Bounded(x[r * cols + j]), run).stored(as: dtype) }
        }
        total.append(run)
      }
      return (out, total)
    case .acrossRows:
      var total = [Bounded](repeating: start, count: tileRows * cols)
      for t in 0..<rowTiles {
        for p in 0..<tileRows where t * tileRows + p < rows {
          let r = t * tileRows + p
          for j in 0..<cols {
            total[p * cols + j] = Bounded.binary(combine, total[p * cols + j], Bounded(x[r * cols + j]))
            out[r * cols + j] = total[p * cols + j].stored(as: dtype)
          }
        }
      }
      return (out, total)
    }
  }

  /// The generated case: inputs uniform in [-2, 2], rounded to the kernel's dtype.
  func generated(seed: UInt64, mutant: Bool = false) throws -> GeneratedKernel {
    var c = KernelChooser(seed: seed, salt: 0x4C51)
    let x = c.values(rows * cols, in: -2...2, dtype: dtype)
    let (out, total) = reference(x)
    return try GeneratedKernel(
      family: "loops", seed: seed, mutant: mutant, source: source(mutant: mutant), dtype: dtype,
      inputs: [([rows, cols], x)],
      expected: [([rows, cols], out), (shape == .acrossColumns ? [rows, 1] : [tileRows, cols], total)])
  }
}
