import TesselHost
import TesselIR

/// A random program over two input tiles: elementwise ops and free-axis reductions broadcast
/// back (`x - nl.max(x, axis=[1], keepdims=True)`), in fp32 or bf16, written both as NKI source
/// and as plain loops.
///
/// Rows are tiled by a random partition count with `nl.affine_range` and a mask on the ragged
/// last tile; a program without reductions may also tile its columns in a nested loop.
struct RandomRowwiseKernel {
  /// One statement of the program; operands index the values (`v0 = x`, `v1 = y`, then one a step).
  enum Step {
    /// `nl.f(va, vb)`: add, subtract, multiply, maximum, minimum.
    case binary(String, Int, Int)
    /// `nl.f(va)`: tanh, abs, square, sigmoid, negative, exp.
    case unary(String, Int)
    /// `nl.f(va, c)`, or `nl.f(c, va)` when `left`: add, multiply, subtract with a Python float.
    case scalar(String, Int, Float, left: Bool)
    /// `nl.f(va, axis=[1], keepdims=True)`: sum, max, min, mean, giving a `[P, 1]` column.
    case reduce(String, Int)
  }

  /// The input and output shape and dtype.
  var rows: Int, cols: Int, dtype: DType
  /// The tile: `tileRows` partitions by `tileCols` columns (`tileCols == cols` unless tiled).
  var tileRows: Int, tileCols: Int
  /// Whether every instruction carries the mask even when the tiles divide the shape.
  var maskAlways: Bool
  /// The program, and for each step an explicit `dtype=` or nil.
  var steps: [Step] = [], stepTypes: [DType?] = []

  /// Builds the program for `seed`.
  init(seed: UInt64) {
    var c = KernelChooser(seed: seed, salt: 0x5257)
    rows = c.pick([1, 7, 128, 130, 300])
    cols = c.pick([1, 5, 64, 130, 513])
    if rows * cols > 20_000 { cols = 65 }  // keeps debug-build runs fast (masked reductions are per element)
    dtype = c.pick([DType.float32, .bfloat16])
    tileRows = c.pick([128, 128, 100, 32, 7])
    maskAlways = c.chance(0.3)
    var isColumn = [false, false]
    var hasReduction = false
    for _ in 0..<(1 + c.below(6)) {
      let values = isColumn.count
      let step: Step
      switch c.below(4) {
      case 0:
        step = .binary(c.pick(["add", "subtract", "multiply", "maximum", "minimum"]), c.below(values), c.below(values))
      case 1: step = .unary(c.pick(["tanh", "abs", "square", "sigmoid", "negative", "exp"]), c.below(values))
      case 2:
        step = .scalar(
          c.pick(["add", "multiply", "subtract"]), c.below(values), Float(c.below(9)) / 4 - 1, left: c.chance(0.25))
      default: step = .reduce(c.pick(["sum", "max", "min", "mean"]), c.below(values))
      }
      steps.append(step)
      stepTypes.append(c.chance(0.2) ? c.pick([DType.float32, .bfloat16]) : nil)
      switch step {
      case .binary(_, let a, let b): isColumn.append(isColumn[a] && isColumn[b])
      case .unary(_, let a), .scalar(_, let a, _, _): isColumn.append(isColumn[a])
      case .reduce:
        isColumn.append(true)
        hasReduction = true
      }
    }
    if isColumn[isColumn.count - 1] {
      // The stored value is a full tile: broadcast the column back against x.
      steps.append(.binary(c.pick(["subtract", "add", "multiply"]), isColumn.count - 1, 0))
      stepTypes.append(nil)
    }
    tileCols = cols
    if !hasReduction && c.chance(0.5) {
      let rowTiles = (rows + tileRows - 1) / tileRows
      tileCols = c.pick([1, 5, 64, 128, 512].filter { rowTiles * ((cols + $0 - 1) / $0) <= maxIterations } + [512])
    }
  }

  /// The most loop iterations a generated kernel runs (the interpreter's cost is per instruction).
  let maxIterations = 48

  /// The number of row and column tiles.
  var rowTiles: Int { (rows + tileRows - 1) / tileRows }
  var colTiles: Int { (cols + tileCols - 1) / tileCols }

  /// The NKI source of kernel `k(x, y)`; with `mutant`, the first `subtract`, `max` or
  /// `maximum` the result depends on becomes `add`, `min` or `minimum` (the reference is
  /// unchanged).
  func source(mutant: Bool = false) -> String {
    let tiledCols = tileCols != cols
    let ragged = rows % tileRows != 0 || cols % tileCols != 0
    let masked = ragged || maskAlways
    let col = tiledCols ? "c * \(tileCols) + jf" : "jf"
    var condition = "t * \(tileRows) + ip < \(rows)"
    if tiledCols { condition = "(\(condition)) & (\(col) < \(cols))" }
    let indent = tiledCols ? "            " : "        "
    let mask = masked ? ", mask=inside" : ""
    var body = ""
    var mutated = !mutant
    let live = liveSteps
    for (i, step) in steps.enumerated() {
      let name = "v\(i + 2)"
      let dt = stepTypes[i].map { ", dtype=\(nkiDType($0))" } ?? ""
      var line: String
      switch step {
      case .binary(let f, let a, let b): line = "nl.\(f)(v\(a), v\(b)\(dt)\(mask))"
      case .unary(let f, let a): line = "nl.\(f)(v\(a)\(dt)\(mask))"
      case .scalar(let f, let a, let x, let left):
        line = left ? "nl.\(f)(\(x), v\(a)\(dt)\(mask))" : "nl.\(f)(v\(a), \(x)\(dt)\(mask))"
      case .reduce(let f, let a): line = "nl.\(f)(v\(a), axis=[1], keepdims=True\(dt)\(mask))"
      }
      if !mutated, live.contains(i),
        let r = [("nl.subtract(", "nl.add("), ("nl.max(", "nl.min("), ("nl.maximum(", "nl.minimum(")].first(where: {
          line.hasPrefix($0.0)
        })
      {
        line = r.1 + line.dropFirst(r.0.count)
        mutated = true
      }
      body += "\(indent)\(name) = \(line)\n"
    }
    let loops =
      tiledCols
      ? "    for t in nl.affine_range(\(rowTiles)):\n        for c in nl.affine_range(\(colTiles)):\n"
      : "    for t in nl.affine_range(\(rowTiles)):\n"
    return """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def k(x, y):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          ip = nl.arange(\(tileRows))[:, None]
          jf = nl.arange(\(tileCols))[None, :]
      \(loops)\(masked ? "\(indent)inside = \(condition)\n" : "")\
      \(indent)v0 = nl.load(x[t * \(tileRows) + ip, \(col)]\(mask))
      \(indent)v1 = nl.load(y[t * \(tileRows) + ip, \(col)]\(mask))
      \(body)\(indent)nl.store(out[t * \(tileRows) + ip, \(col)], value=v\(steps.count + 1)\(mask))
          return out

      """
  }

  /// The steps the stored value depends on (a mutant flips one of these, not a dead one).
  var liveSteps: Set<Int> {
    var live: Set<Int> = [steps.count - 1]
    for i in steps.indices.reversed() where live.contains(i) {
      switch steps[i] {
      case .binary(_, let a, let b): live.formUnion([a - 2, b - 2].filter { $0 >= 0 })
      case .unary(_, let a), .scalar(_, let a, _, _), .reduce(_, let a): if a >= 2 { live.insert(a - 2) }
      }
    }
    return live
  }

  /// Whether the mutant source differs from the real one (some programs have nothing to flip).
  var hasMutant: Bool { source(mutant: true) != source() }

  /// The same computation as plain loops over each row, from NKI's semantics.
  func reference(_ x: [Float], _ y: [Float]) -> [Bounded] {
    var out: [Bounded] = []
    out.reserveCapacity(rows * cols)
    for r in 0..<rows {
      // Each value is a row of `cols` elements, or one element for a `[P, 1]` column.
      var v: [[Bounded]] = [
        x[r * cols..<(r + 1) * cols].map { Bounded($0) }, y[r * cols..<(r + 1) * cols].map { Bounded($0) },
      ]
      var types: [DType] = [dtype, dtype]
      func element(_ i: Int, _ j: Int) -> Bounded { v[i].count == 1 ? v[i][0] : v[i][j] }
      for (i, step) in steps.enumerated() {
        var result: [Bounded]
        var type: DType
        switch step {
        case .binary(let f, let a, let b):
          let n = Swift.max(v[a].count, v[b].count)
          result = (0..<n).map { Bounded.binary(f, element(a, $0), element(b, $0)) }
          type = promoted(types[a], types[b])
        case .unary(let f, let a):
          result = v[a].map { Bounded.unary(f, $0) }
          type = types[a]
        case .scalar(let f, let a, let s, let left):
          result = v[a].map { left ? Bounded.binary(f, Bounded(s), $0) : Bounded.binary(f, $0, Bounded(s)) }
          type = .float32  // a Python float is a weak fp32 scalar: bf16 op float is fp32
        case .reduce(let f, let a):
          result = [Bounded.reduce(f, v[a])]
          type = types[a]
        }
        if let t = stepTypes[i] { type = t }
        v.append(result.map { $0.stored(as: type) })
        types.append(type)
      }
      out += v[v.count - 1].map { $0.stored(as: dtype) }
    }
    return out
  }

  /// The generated case: inputs uniform in [-2, 2], rounded to the kernel's dtype.
  func generated(seed: UInt64, mutant: Bool = false) throws -> GeneratedKernel {
    var c = KernelChooser(seed: seed, salt: 0x5258)
    let x = c.values(rows * cols, in: -2...2, dtype: dtype)
    let y = c.values(rows * cols, in: -2...2, dtype: dtype)
    return try GeneratedKernel(
      family: "rowwise", seed: seed, mutant: mutant, source: source(mutant: mutant), dtype: dtype,
      inputs: [([rows, cols], x), ([rows, cols], y)], expected: [([rows, cols], reference(x, y))])
  }
}
