import TesselIR
import TesselPython

/// One entry of a subscript after evaluation.
enum IndexEntry {
  case scalar(AffineExpr)
  case grid(IndexGrid)
  case slice(start: AffineExpr?, stop: AffineExpr?, step: Int)
  case newAxis
  case ellipsis
  /// A tile of indices (an indirect access, ``Tracer/indirectAccess(_:_:at:)``).
  case indices(TensorRef)
}

extension Tracer {
  // MARK: - Symbolic index arithmetic

  func asGrid(_ v: Value, at loc: SourceLocation) throws(TraceError) -> IndexGrid? {
    if let g = v.index { return g }
    switch v {
    case .native(let n as NonAffineIndex): throw n.error
    case .int(let i): return IndexGrid(AffineExpr(constant: i))
    case .bool(let b): return IndexGrid(AffineExpr(constant: b ? 1 : 0))
    case .float(let f) where Int(exactly: f) != nil: return IndexGrid(AffineExpr(constant: Int(exactly: f)!))
    default: return nil
    }
  }

  /// Broadcasts two grids to a common shape, zeroing coefficients of expanded dims: NumPy's
  /// rule, except that grids of different ranks align from the partition axis
  /// (``IndexGrid/padded(to:)``).
  func broadcastGrids(_ a: IndexGrid, _ b: IndexGrid, at loc: SourceLocation) throws(TraceError) -> (
    IndexGrid, IndexGrid
  ) {
    let rank = max(a.shape.count, b.shape.count)
    var x = a.padded(to: rank)
    var y = b.padded(to: rank)
    for d in 0..<rank where x.shape[d] != y.shape[d] {
      if x.shape[d] == 1 {
        x.shape[d] = y.shape[d]
        x.coefficients[d] = 0
      } else if y.shape[d] == 1 {
        y.shape[d] = x.shape[d]
        y.coefficients[d] = 0
      } else {
        throw TraceError.python(
          "ValueError", "index shapes \(a.shape) and \(b.shape) cannot be broadcast together", at: loc)
      }
    }
    return (x, y)
  }

  func indexArithmetic(_ op: BinaryOperator, _ l: Value, _ r: Value, at loc: SourceLocation) throws(TraceError) -> Value
  {
    guard let a = try asGrid(l, at: loc), let b = try asGrid(r, at: loc) else {
      throw TraceError.python(
        "TypeError", "unsupported operand type(s) for \(op.rawValue): '\(l.typeName)' and '\(r.typeName)'", at: loc)
    }
    let aConst = a.shape.isEmpty && a.base.isConstant
    let bConst = b.shape.isEmpty && b.base.isConstant
    switch op {
    case .add, .subtract:
      let (x, y) = try broadcastGrids(a, b, at: loc)
      let s = op == .add ? 1 : -1
      var g = IndexGrid(
        shape: x.shape, coefficients: zip(x.coefficients, y.coefficients).map { $0 + s * $1 },
        base: x.base + y.base * s)
      g.gridShape = a.gridShape ?? b.gridShape
      if let ga = a.gridShape, let gb = b.gridShape, ga != gb { g.gridShape = nil }
      return .index(g)
    case .multiply:
      if bConst {
        var g = IndexGrid(
          shape: a.shape, coefficients: a.coefficients.map { $0 * b.base.constant }, base: a.base * b.base.constant)
        g.gridShape = a.gridShape
        return .index(g)
      }
      if aConst {
        var g = IndexGrid(
          shape: b.shape, coefficients: b.coefficients.map { $0 * a.base.constant }, base: b.base * a.base.constant)
        g.gridShape = b.gridShape
        return .index(g)
      }
    case .floorDivide, .modulo:
      // (c·i + r) // d with every coefficient c divisible by d is (c/d)·i + r // d, and the
      // remainder is r mod d: still affine (`k * TILES // 2` with an even TILES).
      if !aConst && bConst, b.base.constant > 0 {
        let d = b.base.constant
        let divisible = a.coefficients.allSatisfy { $0 % d == 0 } && a.base.terms.allSatisfy { $0.coefficient % d == 0 }
        if divisible {
          let r = a.base.constant
          if op == .modulo { return .int(r - pyFloorDiv(r, d) * d) }
          let terms = a.base.terms.map { AffineExpr.Term($0.variable, $0.coefficient / d) }
          var g = IndexGrid(
            shape: a.shape, coefficients: a.coefficients.map { $0 / d },
            base: AffineExpr(constant: pyFloorDiv(r, d), terms: terms))
          g.gridShape = a.gridShape
          return .index(g)
        }
      }
      if aConst && bConst {
        let x = a.base.constant
        let y = b.base.constant
        if y == 0 { throw TraceError.python("ZeroDivisionError", "integer division or modulo by zero", at: loc) }
        return .int(op == .floorDivide ? pyFloorDiv(x, y) : x - pyFloorDiv(x, y) * y)
      }
    default: break
    }
    let error = TraceError(
      rule: .unsupported(
        "index expression `\(op.rawValue)` is not affine in the loop indices (NKI index expressions must be affine)"
      ), at: loc)
    if a.shape.isEmpty && b.shape.isEmpty {
      // Loop indices and program ids alone (no `nl.arange`): a Python integer once the loops
      // over them are specialised (`i % dilation == 0` in Python control flow), never an index.
      return .native(NonAffineIndex(operands: [a.base, b.base], error: error))
    }
    throw error
  }

  func indexComparison(_ op: ComparisonOperator, _ l: Value, _ r: Value, at loc: SourceLocation) throws(TraceError)
    -> Value
  {
    for case .native(let n as NonAffineIndex) in [l, r] { throw n.refusal(ev, at: loc) }
    guard let a = try asGrid(l, at: loc), let b = try asGrid(r, at: loc) else {
      if op == .equal || op == .is { return .bool(false) }
      if op == .notEqual || op == .isNot { return .bool(true) }
      throw TraceError.python("TypeError", "cannot compare '\(l.typeName)' and '\(r.typeName)'", at: loc)
    }
    let (x, y) = try broadcastGrids(a, b, at: loc)
    let diff = IndexGrid(
      shape: x.shape, coefficients: zip(x.coefficients, y.coefficients).map { $0 - $1 }, base: x.base - y.base)
    let comparison = Tracer.aluComparison(op).flatMap(AffineCondition.Comparison.init)
    if diff.coefficients.allSatisfy({ $0 == 0 }) && diff.base.isConstant {
      // Two equal constant indices are also the same object.
      let identity: AffineCondition.Comparison? = op == .is ? .equal : op == .isNot ? .notEqual : nil
      if let c = comparison ?? identity { return .bool(c.holds(diff.base.constant)) }
    }
    guard let cmp = comparison else {
      throw TraceError.python("TypeError", "'\(op.rawValue)' is not supported on indices", at: loc)
    }
    return .predicate([
      GridCondition(shape: diff.shape, coefficients: diff.coefficients, offset: diff.base, comparison: cmp)
    ])
  }

  /// The `mask=` argument of an NKI call, as conditions over an instruction with `rank`
  /// iteration axes.
  func maskArgument(_ a: CallArguments, rank: Int) throws(TraceError) -> [AffineCondition] {
    try maskConditions(a.get(-1, "mask"), rank: rank, at: a.location)
  }

  /// The `mask=` argument of an NKI call, as conditions over an instruction whose iteration
  /// space is `shape`.
  func maskArgument(_ a: CallArguments, shape: [Int]) throws(TraceError) -> [AffineCondition] {
    try maskConditions(a.get(-1, "mask"), rank: shape.count, shape: shape, at: a.location)
  }

  /// Mask conditions mapped onto an instruction's iteration dimensions (aligned from the
  /// partition axis, as index grids are).
  func maskConditions(_ v: Value?, rank: Int, shape iteration: [Int]? = nil, at loc: SourceLocation) throws(TraceError)
    -> [AffineCondition]
  {
    guard let v else { return [] }
    switch v {
    case .none: return []
    case .bool(true): return []
    case .bool(false):
      // A mask that is false at trace time keeps nothing: `-1 >= 0`.
      return [
        AffineCondition(
          coefficients: Array(repeating: 0, count: rank), offset: AffineExpr(constant: -1), comparison: .greaterEqual)
      ]
    case _ where v.predicate != nil:
      let conds = v.predicate ?? []
      var out: [AffineCondition] = []
      for c in conds {
        var coef = c.coefficients
        // A mask of fewer index dimensions than the instruction keeps its axes from the partition
        // axis on, as index grids do (`IndexGrid.padded(to:)`).
        if coef.count < rank { coef += Array(repeating: 0, count: rank - coef.count) }
        var shape = c.shape
        if shape.count < coef.count { shape += Array(repeating: 1, count: coef.count - shape.count) }
        while coef.count > rank {
          // A size-1 index dimension only ever takes the value 0: it adds nothing to the condition.
          guard let d = shape.firstIndex(of: 1) ?? (coef.first == 0 ? 0 : nil) else {
            throw TraceError(
              rule: .invalidMask("the mask has \(c.shape.count) index dimensions, more than the instruction's \(rank)"),
              at: loc)
          }
          coef.remove(at: d)
          shape.remove(at: d)
        }
        // Masks name index grids, which the subscript may have laid out differently (an
        // `nl.mgrid` component used on another axis): when a mask axis's extent does not match
        // the instruction's axis there, move it to the one axis of that extent.
        if let iteration, iteration.count == coef.count, shape.count == coef.count {
          var moved = Array(repeating: 0, count: coef.count)
          var ok = true
          for d in coef.indices where coef[d] != 0 {
            if shape[d] == iteration[d] || shape[d] == 1 && iteration[d] == 1 {
              moved[d] += coef[d]
            } else {
              let candidates = iteration.indices.filter { iteration[$0] == shape[d] }
              if candidates.count == 1, let e = candidates.first { moved[e] += coef[d] } else { ok = false }
            }
          }
          if ok { coef = moved }
        }
        out.append(AffineCondition(coefficients: coef, offset: c.offset, comparison: c.comparison))
      }
      return out
    default:
      throw TraceError(
        rule: .invalidMask(
          "mask= must be a comparison of nl.arange / nl.mgrid indices, loop indices or program ids, combined with &"
        ), at: loc)
    }
  }

  // MARK: - Subscripts

  /// The entries of a subscript key (`t[i, 0:n, None]`): a value or a tuple of values.
  func indexEntries(_ key: Value, at loc: SourceLocation) throws(TraceError) -> [IndexEntry] {
    if case .tuple(let parts) = key {
      var out: [IndexEntry] = []
      for p in parts { out.append(try indexEntry(p, at: loc)) }
      return out
    }
    return [try indexEntry(key, at: loc)]
  }

  func indexEntry(_ v: Value, at loc: SourceLocation) throws(TraceError) -> IndexEntry {
    if let g = v.index { return g.shape.isEmpty ? .scalar(g.base) : .grid(g) }
    if let t = v.tensor { return .indices(t) }
    switch v {
    case .none: return .newAxis
    case .ellipsis: return .ellipsis
    case .int(let i): return .scalar(AffineExpr(constant: i))
    case .bool(let b): return .scalar(AffineExpr(constant: b ? 1 : 0))
    case .slice(let s):
      let l: AffineExpr? = s.lower.isNone ? nil : try affine(s.lower, at: loc)
      let h: AffineExpr? = s.upper.isNone ? nil : try affine(s.upper, at: loc)
      var step = 1
      if !s.step.isNone { step = try intValue(s.step, at: loc) }
      if step == 0 { throw TraceError.python("ValueError", "slice step cannot be zero", at: loc) }
      return .slice(start: l, stop: h, step: step)
    case .native(let n as NonAffineIndex): throw n.error
    default:
      throw TraceError.python(
        "TypeError", "indices must be integers, slices or nl.arange indices, not \(v.typeName)", at: loc)
    }
  }

  func affine(_ v: Value, at loc: SourceLocation) throws(TraceError) -> AffineExpr {
    if let g = v.index, g.shape.isEmpty { return g.base }
    switch v {
    case .int(let i): return AffineExpr(constant: i)
    case .bool(let b): return AffineExpr(constant: b ? 1 : 0)
    case .native(let n as NonAffineIndex): throw n.error
    case .float(let f):
      guard let i = Int(exactly: f) else { fallthrough }
      return AffineExpr(constant: i)
    default:
      throw TraceError.python("TypeError", "slice indices must be integers or loop indices, not \(v.typeName)", at: loc)
    }
  }

  /// The view `t[entries]`.
  func subscriptTensor(_ t: TensorRef, _ entriesIn: [IndexEntry], at loc: SourceLocation) throws(TraceError)
    -> TensorRef
  {
    let v = t.view
    let rank = v.dims.count
    let decl = builder.tensor(t.id)
    for case .indices in entriesIn {
      throw TraceError.unsupported(
        "indexing `\(decl.name)` with a tile of indices here (an indirect access is read by nl.load or nisa.dma_copy and written by nl.store or nisa.dma_copy)",
        at: loc)
    }
    // Expand `...` and pad with full slices.
    var entries: [IndexEntry] = []
    let consuming = entriesIn.filter {
      if case .newAxis = $0 { return false }
      if case .ellipsis = $0 { return false }
      return true
    }.count
    if consuming > rank {
      throw TraceError.python(
        "IndexError",
        "too many indices for tensor `\(decl.name)`: it has \(rank) dimensions but \(consuming) were indexed", at: loc)
    }
    var sawEllipsis = false
    for e in entriesIn {
      if case .ellipsis = e {
        if sawEllipsis {
          throw TraceError.python("IndexError", "an index can only have a single ellipsis ('...')", at: loc)
        }
        sawEllipsis = true
        for _ in 0..<(rank - consuming) { entries.append(.slice(start: nil, stop: nil, step: 1)) }
      } else {
        entries.append(e)
      }
    }
    if !sawEllipsis && consuming < rank
      && entriesIn.contains(where: {
        if case .grid = $0 { return true } else { return false }
      })
      && !entriesIn.contains(where: {
        // A 1-D arange has its own error, below.
        if case .grid(let g) = $0 { return g.shape.count == 1 && g.shape[0] > 1 } else { return false }
      })
    {
      // `y[i * P + pi, fi]` on a 3-D `y`: the dimensions left out are an implicit `:`.
      let left = rank - consuming
      throw TraceError.python(
        "IndexError",
        "Mixing basic tensor indexing and advanced tensor indexing is not supported: `\(decl.name)` has \(rank) "
          + "dimensions and is indexed with \(consuming) \(consuming == 1 ? "index" : "indices"), one of them an index grid, so its last "
          + (left == 1 ? "dimension is" : "\(left) dimensions are")
          + " an implicit full slice `:` (index every dimension, or reshape `\(decl.name)` first)", at: loc)
    }
    if !sawEllipsis { for _ in 0..<(rank - consuming) { entries.append(.slice(start: nil, stop: nil, step: 1)) } }

    let hasGrid = entries.contains {
      if case .grid = $0 { return true }
      return false
    }
    let tRank = decl.shape.count
    var start = v.start
    var dims: [View.Dim] = []
    func addStart(_ e: AffineExpr, along dim: View.Dim) {
      for k in 0..<tRank where dim.steps[k] != 0 { start[k] = start[k] + e * dim.steps[k] }
    }
    if hasGrid {
      for e in entries {
        switch e {
        case .slice(let s, let st, _) where s != nil || st != nil:
          throw TraceError.python(
            "IndexError", "Mixing basic tensor indexing and advanced tensor indexing is not supported", at: loc)
        case .newAxis:
          throw TraceError.python(
            "IndexError", "Mixing basic tensor indexing and advanced tensor indexing is not supported", at: loc)
        default: break
        }
      }
      // Broadcast every grid to one shape.
      var grids: [IndexGrid] = []
      var vd = 0
      var shape: [Int] = []
      for e in entries {
        if case .grid(let g) = e {
          if g.shape.count == 1 && g.shape[0] > 1 {
            throw TraceError.python(
              "IndexError", "indexing tensor `\(decl.name)` with 1d arange is not supported", at: loc)
          }
          if shape.count < g.shape.count { shape += Array(repeating: 1, count: g.shape.count - shape.count) }
          let pg = g.padded(to: shape.count)
          for d in shape.indices {
            if shape[d] == 1 {
              shape[d] = pg.shape[d]
            } else if pg.shape[d] != 1 && pg.shape[d] != shape[d] {
              throw TraceError.python(
                "IndexError", "shape mismatch: indexing arrays could not be broadcast together", at: loc)
            }
          }
        }
      }
      for e in entries {
        switch e {
        case .scalar(let s):
          grids.append(
            IndexGrid(
              shape: Array(repeating: 1, count: shape.count), coefficients: Array(repeating: 0, count: shape.count),
              base: s))
        case .grid(let g):
          var pg = g.padded(to: shape.count)
          for d in shape.indices where pg.shape[d] == 1 && shape[d] != 1 { pg.coefficients[d] = 0 }
          grids.append(pg)
        case .slice:
          // A full slice `:` alongside grids: walk the whole dimension as a new trailing grid dim.
          throw TraceError.python(
            "IndexError", "Mixing basic tensor indexing and advanced tensor indexing is not supported", at: loc)
        default: break
        }
      }
      // The access has the shape of the index grids broadcast together, as NumPy advanced
      // indexing has it (NKI: index expressions broadcast NumPy-style; `nl.mgrid` components are
      // open grids): `t[i_c, w, i_h]` with components of a 3-D grid and an integer `w` keeps the
      // size-1 dimensions no index walks, in the grid's order.
      dims = shape.map { View.Dim(count: $0, steps: Array(repeating: 0, count: tRank)) }
      for (u, g) in grids.enumerated() {
        let ud = v.dims[u]
        addStart(g.base, along: ud)
        for d in shape.indices where g.coefficients[d] != 0 {
          for k in 0..<tRank { dims[d].steps[k] += g.coefficients[d] * ud.steps[k] }
        }
      }
      _ = vd
      vd = 0
    } else {
      var u = 0
      for e in entries {
        switch e {
        case .newAxis:
          dims.append(View.Dim(count: 1, steps: Array(repeating: 0, count: tRank)))
        case .scalar(var s):
          let n = v.dims[u].count
          if s.isConstant && s.constant < 0 { s = s + n }
          if s.isConstant && (s.constant < 0 || s.constant >= n) {
            throw TraceError(
              rule: .outOfBounds(tensor: decl.name, dimension: u, low: s.constant, high: s.constant, size: n), at: loc)
          }
          addStart(s, along: v.dims[u])
          u += 1
        case .slice(let s, let e, let step):
          let n = v.dims[u].count
          try checkSliceBounds(
            lower: s.flatMap { $0.isConstant ? $0.constant : nil },
            upper: e.flatMap { $0.isConstant ? $0.constant : nil },
            step: step, size: n, tensor: decl.name, dimension: u, at: loc)
          func norm(_ x: AffineExpr?, _ dflt: Int) -> AffineExpr {
            guard var x else { return AffineExpr(constant: dflt) }
            if x.isConstant && x.constant < 0 { x = x + n }
            if x.isConstant { x = AffineExpr(constant: min(max(x.constant, step > 0 ? 0 : -1), n)) }
            return x
          }
          let lo = norm(s, step > 0 ? 0 : n - 1)
          let hi = norm(e, step > 0 ? n : -1)
          let extent = hi - lo
          guard extent.isConstant else {
            throw TraceError.python(
              "IndexError",
              "the size of slice \(lo.formatted { self.builder.kernel.indexVars[$0.index].name }):\(hi.formatted { self.builder.kernel.indexVars[$0.index].name }) depends on a loop index; use nl.ds(start, size)",
              at: loc)
          }
          let count =
            step > 0 ? max(0, (extent.constant + step - 1) / step) : max(0, (-extent.constant + (-step) - 1) / (-step))
          if count == 0 {
            throw TraceError.python("IndexError", "empty slice of tensor `\(decl.name)` on dimension \(u)", at: loc)
          }
          addStart(lo, along: v.dims[u])
          dims.append(View.Dim(count: count, steps: v.dims[u].steps.map { $0 * step }))
          u += 1
        default:
          u += 1
        }
      }
    }
    if !decl.space.isOnChip && dims.count < 2 && dims.allSatisfy({ $0.count == 1 }) {
      // A single HBM element is a [1, 1] tile, as NKI has it: fully integer-indexed
      // (`nl.load(x[b, h])`) or one element left of a row (`x[i]` of an [N, 1] tensor).
      while dims.count < 2 { dims.append(View.Dim(count: 1, steps: Array(repeating: 0, count: tRank))) }
    }
    if decl.space.isOnChip && dims.count < 2 {
      // An integer index on a free dimension keeps it as size 1 when the tile would drop below
      // two dimensions ([P, 1]), as NKI does.
      while dims.count < 2 { dims.append(View.Dim(count: 1, steps: Array(repeating: 0, count: tRank))) }
    }
    return TensorRef(id: t.id, view: View(tensor: t.id, start: start, dims: dims))
  }

  /// `nl.arange(n)[:, None]` and friends.
  func subscriptIndex(_ g: IndexGrid, _ key: Value, at loc: SourceLocation) throws(TraceError) -> Value {
    let entries = try indexEntries(key, at: loc)
    var shape: [Int] = []
    var coef: [Int] = []
    var d = 0
    for e in entries {
      switch e {
      case .newAxis:
        shape.append(1)
        coef.append(0)
      case .slice(nil, nil, 1):
        guard d < g.shape.count else { throw TraceError.python("IndexError", "too many indices for index", at: loc) }
        shape.append(g.shape[d])
        coef.append(g.coefficients[d])
        d += 1
      case .ellipsis:
        while d < g.shape.count {
          shape.append(g.shape[d])
          coef.append(g.coefficients[d])
          d += 1
        }
      default:
        throw TraceError.unsupported("this subscript of an nl.arange index (use [:, None] or [None, :])", at: loc)
      }
    }
    while d < g.shape.count {
      shape.append(g.shape[d])
      coef.append(g.coefficients[d])
      d += 1
    }
    return .index(IndexGrid(shape: shape, coefficients: coef, base: g.base))
  }

  /// `nl.mgrid[a:b, c:d, ...]`: one grid per slice, each along its own axis.
  func mgrid(_ key: Value, at loc: SourceLocation) throws(TraceError) -> Value {
    let entries = try indexEntries(key, at: loc)
    let r = entries.count
    var grids: [Value] = []
    for (d, e) in entries.enumerated() {
      guard case .slice(let s, let t, let step) = e, let stop = t, stop.isConstant, (s ?? AffineExpr()).isConstant
      else {
        throw TraceError.python("TypeError", "nl.mgrid takes constant slices like nl.mgrid[0:128, 0:512]", at: loc)
      }
      let lo = s?.constant ?? 0
      let n = max(0, (stop.constant - lo + step - 1) / step)
      var shape = Array(repeating: 1, count: r)
      var coef = Array(repeating: 0, count: r)
      shape[d] = n
      coef[d] = step
      var g = IndexGrid(shape: shape, coefficients: coef, base: AffineExpr(constant: lo))
      g.gridShape = entries.compactMap { e -> Int? in
        if case .slice(let s, let t, let st) = e, let stop = t {
          return max(0, (stop.constant - (s?.constant ?? 0) + st - 1) / st)
        }
        return nil
      }
      grids.append(.index(g))
    }
    return .native(GridComponents(grids))
  }
}
