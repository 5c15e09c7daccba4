import TesselIR
import TesselNKI
import TesselPython

extension Tracer {
  // MARK: - nl

  static let elementwiseUnary = Set(LegacyNKIAPI.unary)
  static let elementwiseBinary = Set(LegacyNKIAPI.binary)

  func callNL(_ fn: String, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    if Tracer.elementwiseUnary.contains(fn) {
      let x = try a.require(0, "x")
      let dtype = try dtypeArgument(a.get(1, "dtype"), at: loc)
      if let t = x.tensor {
        guard let f = ActivationFunction(rawValue: fn) else { throw TraceError.unsupported("nl.\(fn)", at: loc) }
        return try tileUnary(f, t, at: loc, dtype: dtype, mask: try maskArgument(a, shape: t.view.shape))
      }
      try refuseNumpyArrays([x], of: fn, at: loc)
      return try callMath("math.\(fn)", [x], at: loc)
    }
    if Tracer.elementwiseBinary.contains(fn) {
      let x = try a.require(0, "x")
      let y = try a.require(1, "y")
      guard let alu = ALUOp(rawValue: fn) else { throw TraceError.unsupported("nl.\(fn)", at: loc) }
      try refuseNumpyArrays([x, y], of: fn, at: loc)
      let dtype = try dtypeArgument(a.get(2, "dtype"), at: loc)
      var rank = 0
      if let t = x.tensor { rank = max(rank, t.view.dims.count) }
      if let t = y.tensor { rank = max(rank, t.view.dims.count) }
      if rank == 0 {
        // Both scalars: compute at trace time.
        return try callMath("np.\(fn)", [x, y], at: loc)
      }
      return try tileBinary(alu, x, y, at: loc, dtype: dtype, mask: try maskArgument(a, rank: rank))
    }
    if let op = LegacyNKIAPI.reductionOp(fn) {
      return try reduce(fn, op, a)
    }
    switch fn {
    case "ndarray", "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "empty_like", "full_like":
      return try allocate(fn, a)
    case "par_dim":
      return .native(ParDimObject(try intValue(try a.require(0, "size"), at: loc)))
    case "arange":
      let p = try a.positional.map { (x) throws(TraceError) in try intValue(x, at: loc) }
      let (start, stop) = p.count >= 2 ? (p[0], p[1]) : (0, p.first ?? 0)
      let step = p.count >= 3 ? p[2] : 1
      guard step > 0, stop > start else {
        throw TraceError.python("ValueError", "nl.arange needs a non-empty range, got (\(start), \(stop))", at: loc)
      }
      let (span, overflow) = stop.subtractingReportingOverflow(start)
      guard !overflow else {
        throw TraceError.python("OverflowError", "nl.arange range (\(start), \(stop)) is too large", at: loc)
      }
      return .index(IndexGrid(shape: [(span - 1) / step + 1], coefficients: [step], base: AffineExpr(constant: start)))
    case "ds":
      let start = try affine(try a.require(0, "start"), at: loc)
      let size = try intValue(try a.require(1, "size"), at: loc)
      return .slice(PySlice(lower: .index(IndexGrid(start)), upper: .index(IndexGrid(start + size)), step: .int(1)))
    case "affine_range", "sequential_range", "static_range":
      let kind: RangeValue.Kind =
        fn == "affine_range" ? .affine : fn == "sequential_range" ? .sequential : .staticUnrolled
      return try makeRange(kind, a.positional, at: loc)
    case "program_id":
      let axis = try intValue(a.get(0, "axis") ?? .int(0), at: loc)
      guard axis >= 0 && axis < max(1, grid.count) else {
        throw TraceError.python(
          "IndexError", "nl.program_id(\(axis)) outside the launch grid \(grid) (pass --grid)", at: loc)
      }
      if grid.isEmpty || (axis < grid.count && grid[axis] == 1) { return .int(0) }
      if let c = concreteProgram { return .int(axis < c.count ? c[axis] : 0) }
      return .index(IndexGrid(AffineExpr(builder.programID(axis: axis))))
    case "num_programs":
      guard let axes = a.get(0, "axes"), !axes.isNone else { return .int(grid.reduce(1, *)) }
      let axis = try intValue(axes, at: loc)
      return .int(axis < grid.count ? grid[axis] : 1)
    case "program_ndim":
      return .int(grid.count)
    case "device_print":
      return try devicePrint(a)
    case "load":
      if let ia = try a.require(0, "src").native(IndirectAccessObject.self) {
        let oob = try indirectOOBMode(a.get(-1, "mode"), of: "nl.load", at: loc)
        let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc)
        return try indirectLoad(
          ia, dtype: dtype, mask: try maskArgument(a, shape: ia.base.view.shape), oob: oob, at: loc)
      }
      try checkOOBMode(a.get(-1, "mode"), of: "nl.load", at: loc)
      let src = try tensorArgument(try a.require(0, "src"), "src", of: "nl.load", at: loc)
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(src).dtype
      let dst = try newTensor(src.view.shape, dtype, .sbuf, at: loc)
      let i = try emit(.load(dst: dst.view, src: src.view), mask: try maskArgument(a, shape: src.view.shape), at: loc)
      return fresh(dst, i)
    case "store":
      if let ia = try a.require(0, "dst").native(IndirectAccessObject.self) {
        try indirectCopy(
          dst: .native(ia), src: try a.require(1, "value"), of: "nl.store",
          mask: try maskArgument(a, shape: ia.base.view.shape),
          oob: try indirectOOBMode(a.get(-1, "mode"), of: "nl.store", at: loc), at: loc)
        return .none
      }
      try checkOOBMode(a.get(-1, "mode"), of: "nl.store", at: loc)
      let dst = try tensorArgument(try a.require(0, "dst"), "dst", of: "nl.store", at: loc)
      let value = try a.require(1, "value")
      let m = try maskArgument(a, shape: dst.view.shape)
      if let src = value.tensor {
        guard let v = broadcast(src.view, to: dst.view.shape) else {
          throw TraceError(
            rule: .shapeMismatch(operands: ["dst", "value"], shapes: [dst.view.shape, src.view.shape]),
            operation: "store", at: loc)
        }
        try emit(.store(dst: dst.view, src: v), mask: m, at: loc)
        return .none
      }
      guard let fill = try numberTile(value, shape: dst.view.shape, dtype: decl(dst).dtype, mask: m, at: loc) else {
        throw TraceError.python(
          "TypeError", "nl.store expects a tile or a number as value, got \(value.typeName)", at: loc)
      }
      try emit(.store(dst: dst.view, src: fill.view), mask: m, at: loc)
      return .none
    case "load_transpose2d":
      let src = try tensorArgument(try a.require(0, "src"), "src", of: "nl.load_transpose2d", at: loc)
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(src).dtype
      guard src.view.dims.count == 2 else {
        throw TraceError(
          rule: .shapeMismatch(operands: ["src"], shapes: [src.view.shape]), operation: "load_transpose2d", at: loc)
      }
      let dst = try newTensor([src.view.shape[1], src.view.shape[0]], dtype, .sbuf, at: loc)
      return fresh(
        dst, try emit(.loadTranspose(dst: dst.view, src: src.view), mask: try maskArgument(a, rank: 2), at: loc))
    case "copy":
      let src = try tensorArgument(try a.require(0, "src"), "src", of: "nl.copy", at: loc)
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(src).dtype
      let dst = try newTensor(src.view.shape, dtype, .sbuf, at: loc)
      return fresh(
        dst,
        try emit(.tensorCopy(dst: dst.view, src: src.view), mask: try maskArgument(a, shape: src.view.shape), at: loc))
    case "broadcast_to":
      let src = try tensorArgument(try a.require(0, "src"), "src", of: "nl.broadcast_to", at: loc)
      return try broadcastTo(src, try shapeArgument(try a.require(1, "shape"), at: loc), at: loc)
    case "matmul":
      let x0 = try tensorArgument(try a.require(0, "x"), "x", of: "nl.matmul", at: loc)
      let y0 = try tensorArgument(try a.require(1, "y"), "y", of: "nl.matmul", at: loc)
      let tx = try truth(a.get(2, "transpose_x") ?? .bool(false), at: loc)
      let x = try inSBUF(x0, at: loc)
      let y = try inSBUF(y0, at: loc)
      // The output is [M, N]: x is [M, K], or [K, M] with transpose_x=True.
      let rows = tx ? x.view.freeElementCount : x.view.partitionCount
      let m = try matmulMask(a.get(3, "mask"), operation: "nl.matmul", output: (rows, y.view.freeElementCount), at: loc)
      var stationary = x
      if !tx {
        // x[M, K] → xᵀ[K, M] through the Tensor engine, then back to SBUF.
        let pt = try newTensor([x.view.freeElementCount, x.view.partitionCount], decl(x).dtype, .psum, at: loc)
        try emit(.transpose(dst: pt.view, src: x.view), engine: .tensor, at: loc)
        let st = try newTensor(pt.view.shape, decl(x).dtype, .sbuf, at: loc)
        try emit(.tensorCopy(dst: st.view, src: pt.view), at: loc)
        stationary = st
      }
      let dst = try newTensor([stationary.view.freeElementCount, y.view.freeElementCount], .float32, .psum, at: loc)
      return fresh(
        dst,
        try emit(
          .matmul(dst: dst.view, stationary: stationary.view, moving: y.view, accumulation: .auto), mask: m, at: loc))
    case "transpose":
      let x = try tensorArgument(try a.require(0, "x"), "x", of: "nl.transpose", at: loc)
      if x.view.dims.count > 2 {
        throw TraceError(
          rule: .malformed("exceed max supported number of dimensions of 2"), operation: "transpose", at: loc)
      }
      let m = try transposeMask(a.get(2, "mask"), source: x.view, at: loc)
      let dst = try newTensor([x.view.freeElementCount, x.view.partitionCount], decl(x).dtype, .psum, at: loc)
      return fresh(dst, try emit(.transpose(dst: dst.view, src: x.view), engine: .tensor, mask: m, at: loc))
    case "where":
      let c = try tensorArgument(try a.require(0, "condition"), "condition", of: "nl.where", at: loc)
      let x = try a.require(1, "x")
      let y = try a.require(2, "y")
      let dtype = try dtypeArgument(a.get(3, "dtype"), at: loc)
      var branches: [DType] = []
      func operand(_ v: Value) throws(TraceError) -> Operand {
        guard let t = v.tensor else { return .scalar(Float(try floatValue(v, at: loc))) }
        branches.append(decl(t).dtype)
        guard let bv = broadcast(t.view, to: c.view.shape) else {
          throw TraceError(
            rule: .shapeMismatch(operands: ["condition", "x"], shapes: [c.view.shape, t.view.shape]),
            operation: "where", at: loc)
        }
        return .view(bv)
      }
      let ox = try operand(x)
      let oy = try operand(y)
      let dst = try newTensor(
        c.view.shape, NKIRules.whereDType(tileBranches: branches, explicit: dtype), .sbuf, at: loc)
      return fresh(
        dst,
        try emit(
          .select(dst: dst.view, predicate: c.view, onTrue: ox, onFalse: oy),
          mask: try maskArgument(a, shape: c.view.shape),
          at: loc))
    case "finfo", "iinfo":
      // `nl.finfo(dtype).min` / `.max` / `.eps`: the dtype's finite range.
      guard let d = try dtypeArgument(try a.require(0, "dtype"), at: loc) else {
        throw TraceError.python("TypeError", "nl.\(fn) needs a dtype", at: loc)
      }
      let mx = Double(Tracer.dtypeMax(d))
      var eps = 0.0
      switch d {
      case .float32, .tfloat32: eps = Double(Float.ulpOfOne)
      case .bfloat16: eps = 1.0 / 128
      case .float16: eps = 1.0 / 1024
      case .float8e4m3, .float8e4m3fn: eps = 0.125
      case .float8e5m2: eps = 0.25
      default: eps = 1
      }
      let mn = d.isSignedInteger || d.isFloatingPoint ? -mx - (d.isSignedInteger ? 1 : 0) : 0
      let isFloat = d.isFloatingPoint
      return .native(
        AttributeBag([
          "max": isFloat ? .float(mx) : .int(Int(mx)), "min": isFloat ? .float(mn) : .int(Int(mn)),
          "eps": .float(eps), "dtype": .dtype(d), "bits": .int(d.byteSize * 8),
        ]))
    case "reciprocal":
      let x = try a.require(0, "x")
      guard let t = x.tensor else {
        let f = try floatValue(x, at: loc)
        if f == 0 { throw TraceError.python("ZeroDivisionError", "float division by zero", at: loc) }
        return .float(1 / f)
      }
      let dtype = try dtypeArgument(a.get(1, "dtype"), at: loc) ?? decl(t).dtype
      let dst = try newTensor(t.view.shape, dtype, .sbuf, at: loc)
      return fresh(
        dst, try emit(.reciprocal(dst: dst.view, src: t.view), mask: try maskArgument(a, shape: t.view.shape), at: loc))
    case "softmax":
      let x = try tensorArgument(try a.require(0, "x"), "x", of: "nl.softmax", at: loc)
      let rank = x.view.dims.count
      var axis = try intValue(try a.require(1, "axis"), at: loc)
      if axis < 0 { axis += rank }
      guard axis == rank - 1 else {
        throw TraceError.unsupported(
          "nl.softmax along axis \(axis) of a rank-\(rank) tile (Tessel reduces the last axis)", at: loc)
      }
      let mx = try reduceTile(.maximum, x, axes: [rank - 1], keepdims: true, dtype: .float32, at: loc)
      guard let mt = mx.tensor else { return .none }
      guard let shifted = try tileBinary(.subtract, .tensor(x), .tensor(mt), at: loc, dtype: .float32).tensor else {
        return .none
      }
      guard let e = try tileUnary(.exp, shifted, at: loc).tensor else { return .none }
      guard let s = try reduceTile(.add, e, axes: [rank - 1], keepdims: true, dtype: .float32, at: loc).tensor else {
        return .none
      }
      return try tileBinary(.divide, .tensor(e), .tensor(s), at: loc, dtype: decl(x).dtype)
    case "loop_reduce":
      return try loopReduce(a)
    case "shared_constant", "shared_identity_matrix":
      return try sharedConstant(fn, a)
    case "all_reduce":
      return try allReduce(a)
    case "random_seed", "dropout", "rand",
      "atomic_rmw", "gather_flattened", "static_cast", "expand_dims", "spmd_dim", "nc", "rms_norm", "var":
      throw TraceError.unsupported("nl.\(fn)", at: loc)
    default:
      throw TraceError.unsupported("nl.\(fn)", at: loc)
    }
  }

  /// An `axis=`/`axes=` argument: one int, or a tuple or list of ints.
  func axesArgument(_ v: Value, at loc: SourceLocation) throws(TraceError) -> [Int] {
    switch v {
    case .tuple(let xs): return try xs.map { x throws(TraceError) in try intValue(x, at: loc) }
    case .list(let b): return try b.items.map { x throws(TraceError) in try intValue(x, at: loc) }
    default: return [try intValue(v, at: loc)]
    }
  }

  func shapeArgument(_ v: Value, at loc: SourceLocation) throws(TraceError) -> [Int] {
    try shapeWithParDim(v, at: loc).sizes
  }

  /// A shape argument (an int, or a tuple or list of ints and `nl.par_dim(n)`): its sizes, and
  /// the position of its `par_dim` if it has one.
  func shapeWithParDim(_ v: Value, at loc: SourceLocation) throws(TraceError) -> (sizes: [Int], parDim: Int?) {
    let items: [Value]
    switch v {
    case .tuple(let xs): items = xs
    case .list(let b): items = b.items
    case .int: items = [v]
    default: throw TraceError.python("TypeError", "shape must be a tuple of ints, got \(v.typeName)", at: loc)
    }
    var sizes: [Int] = []
    var parDim: Int?
    for (i, x) in items.enumerated() {
      if let p = x.native(ParDimObject.self) {
        parDim = i
        sizes.append(p.size)
      } else {
        sizes.append(try intValue(x, at: loc))
      }
    }
    return (sizes, parDim)
  }

  /// Allocates a tensor for `nl.ndarray`, `nl.zeros`, `nl.full` and the like, in SBUF, PSUM or HBM.
  func allocate(_ fn: String, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    var shapeValue: Value
    var dtype: DType?
    var space: MemorySpace = .sbuf
    if fn.hasSuffix("_like") {
      let t = try tensorArgument(try a.require(0, "a"), "a", of: "nl.\(fn)", at: loc)
      shapeValue = .tuple(t.view.shape.map { .int($0) })
      dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(t).dtype
      space = decl(t).space
    } else {
      shapeValue = try a.require(0, "shape")
      let dIndex = fn == "full" ? 2 : 1
      dtype = try dtypeArgument(a.get(dIndex, "dtype"), at: loc)
    }
    if let b = a.get(-1, "buffer"), !b.isNone {
      guard let s = b.memorySpace else {
        throw TraceError.python(
          "TypeError", "buffer= must be nl.sbuf, nl.psum, nl.hbm, nl.shared_hbm or nl.private_hbm", at: loc)
      }
      space = s
    }
    guard let dt = dtype else {
      throw TraceError.python("TypeError", "nl.\(fn)() missing required argument: 'dtype'", at: loc)
    }
    // Shapes with nl.par_dim: leading block dimensions go after the partition dimension in storage.
    let (userShape, parIndex) = try shapeWithParDim(shapeValue, at: loc)
    var name: String? = ev.assignmentTarget
    if case .string(let n)? = a.get(-1, "name"), !n.isEmpty { name = n }
    // The dimensions before nl.par_dim are blocks; those after it (or after the first) are free.
    let blocks = parIndex ?? 0
    if space.isOnChip {
      // Check tile limits where the tile is declared, so the error points at its line.
      let storage =
        parIndex.map { p in [userShape[p]] + userShape.enumerated().filter { $0.offset != p }.map(\.element) }
        ?? userShape
      var checked = TensorDecl(name: name ?? "tile", space: space, shape: storage, dtype: dt, location: loc)
      checked.blockDimensions = blocks
      do {
        try Verifier(target: target).verifyDecl(checked)
      } catch {
        throw TraceError(.kernel(error), at: loc)
      }
    }
    let ref: TensorRef
    if let p = parIndex, p > 0, space.isOnChip {
      // Storage [P, blocks..., free...]; the user's view keeps their order.
      let storage = [userShape[p]] + Array(userShape[0..<p]) + Array(userShape[(p + 1)...])
      let t = try newTensor(storage, dt, space, name: name, blockDimensions: blocks, at: loc)
      let rank = storage.count
      var dims: [View.Dim] = []
      for u in 0..<userShape.count {
        let k = u < p ? u + 1 : (u == p ? 0 : u)
        dims.append(.along(k, of: rank, count: userShape[u]))
      }
      ref = TensorRef(
        id: t.id, view: View(tensor: t.id, start: Array(repeating: AffineExpr(), count: rank), dims: dims))
    } else {
      ref = try newTensor(userShape, dt, space, name: name, at: loc)
    }
    let fill: Double?
    switch fn {
    case "zeros", "zeros_like": fill = 0
    case "ones", "ones_like": fill = 1
    case "full", "full_like": fill = try floatValue(try a.require(1, "fill_value"), at: loc)
    default: fill = nil
    }
    if let fill {
      if space.isHBM {
        throw TraceError(rule: .malformed("Creating HBM tensor with init value is not supported"), at: loc)
      }
      let d = builder.tensor(ref.id)
      try emit(.memset(dst: .whole(ref.id, shape: d.shape), value: Float(fill)), at: loc)
    }
    return .tensor(ref)
  }

  /// `nl.sum(x, axis, dtype, keepdims)` and the other reductions of the table, with `op` their ALU
  /// operation.
  func reduce(_ fn: String, _ op: ALUOp, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    let x = try tensorArgument(try a.require(0, "x"), "x", of: "nl.\(fn)", at: loc)
    let rank = x.view.dims.count
    let axes = try axesArgument(try a.require(1, "axis"), at: loc).map { $0 < 0 ? $0 + rank : $0 }
    let keep = try truth(a.get(-1, "keepdims") ?? .bool(false), at: loc)
    let dtype = try dtypeArgument(a.get(2, "dtype"), at: loc)
    let m = try maskConditions(a.get(-1, "mask"), rank: rank, at: loc)
    let r = try reduceTile(op, x, axes: axes, keepdims: keep, dtype: dtype, mask: m, at: loc)
    if fn == "mean", let t = r.tensor {
      let n = axes.map { x.view.shape[$0] }.reduce(1, *)
      try emit(
        .tensorScalar(
          dst: t.view, src: t.view, op0: .multiply, operand0: .scalar(1 / Float(n)), reverse0: false, op1: nil,
          operand1: nil, reverse1: false), at: loc)
    }
    return r
  }

  func reduceTile(
    _ op: ALUOp, _ x: TensorRef, axes: [Int], keepdims: Bool, dtype: DType?, negate: Bool = false,
    mask: [AffineCondition] = [], at loc: SourceLocation
  ) throws(TraceError) -> Value {
    let shape = x.view.shape
    if axes.contains(0) {
      throw TraceError(
        rule: .invalidOp(
          op: "axis=0",
          reason:
            "reductions run along free axes; the partition axis 0 cannot be reduced (use nisa.tensor_partition_reduce or a matmul)"
        ), operation: "tensor_reduce", at: loc)
    }
    for ax in axes where ax < 0 || ax >= shape.count {
      throw TraceError.python("IndexError", "axis \(ax) is out of bounds for a tile of rank \(shape.count)", at: loc)
    }
    let outShape: [Int]
    do {
      outShape = try NKIRules.reduceShape(shape, axes: axes, keepDims: keepdims)
    } catch {
      throw TraceError(.kernel(error), at: loc)
    }
    let dst = try newTensor(outShape, dtype ?? decl(x).dtype, .sbuf, at: loc)
    return fresh(
      dst,
      try emit(
        .tensorReduce(dst: dst.view, src: x.view, op: op, axes: axes.sorted(), negate: negate), mask: mask, at: loc))
  }

  // MARK: - Tensor methods

  /// `nl.broadcast_to(src, shape)` and `tile.broadcast_to(shape)`: a new SBUF tile of `shape`
  /// holding `src` broadcast (NumPy rules); a shape mismatch when it does not broadcast.
  func broadcastTo(_ src: TensorRef, _ shape: [Int], at loc: SourceLocation) throws(TraceError) -> Value {
    guard let v = broadcast(src.view, to: shape) else {
      throw TraceError(
        rule: .shapeMismatch(operands: ["src", "shape"], shapes: [src.view.shape, shape]), operation: "broadcast_to",
        at: loc)
    }
    let dst = try newTensor(shape, decl(src).dtype, .sbuf, at: loc)
    return fresh(dst, try emit(.broadcast(dst: dst.view, src: v), at: loc))
  }

  func callTensorMethod(_ fn: String, _ t: TensorRef, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    switch fn {
    case "reshape":
      return try reshape(t, a)
    case "view":
      return try bitcastView(t, a)
    case "broadcast_to":
      return try broadcastTo(t, try shapeArgument(.tuple(try shapeValues(a)), at: loc), at: loc)
    case "astype":
      guard let dtype = try dtypeArgument(try a.onlyArgument("dtype"), at: loc) else {
        throw TraceError.typeError(
          .arguments(function: a.function, problem: .missing(["dtype"], keywordOnly: false)), at: loc)
      }
      if interactive != nil && decl(t).space.isHBM { return try hostAstype(t, dtype, at: loc) }
      let dst = try newTensor(t.view.shape, dtype, .sbuf, at: loc)
      return fresh(dst, try emit(.tensorCopy(dst: dst.view, src: t.view), at: loc))
    default:
      throw TraceError.unsupported("tensor.\(fn)", at: loc)
    }
  }
}

extension Tracer {
  /// `mode=` of `nl.load`/`nl.store`: only the default out-of-bounds behaviour (an error) is modelled.
  func checkOOBMode(_ v: Value?, of fn: String, at loc: SourceLocation) throws(TraceError) {
    guard let v, !v.isNone else { return }
    if case .string(let s) = v, s == "nisa.oob_mode.error" { return }
    throw TraceError.unsupported("\(fn)(mode=\(try repr(v))) (out-of-bounds skipping DMA)", at: loc)
  }
}
