import TesselIR
import TesselNKI
import TesselPython

extension Tracer {
  // MARK: - Tiles

  /// Declares a new tensor and returns its whole view; an SBUF or PSUM tensor's first
  /// `blockDimensions` dimensions after the partition dimension are blocks
  /// (``TensorDecl/blockDimensions``), the others free (none: one tile, whatever its rank).
  func newTensor(
    _ shape: [Int], _ dtype: DType, _ space: MemorySpace, name: String? = nil, blockDimensions: Int = 0,
    at loc: SourceLocation
  ) throws(TraceError) -> TensorRef {
    if shape.contains(where: { $0 < 1 }) {
      throw TraceError(rule: .invalidShape(tensor: name ?? "tile", shape: shape), at: loc)
    }
    var elements = 1
    for d in shape {
      let (product, overflow) = elements.multipliedReportingOverflow(by: d)
      elements = overflow ? Int.max : product
    }
    if elements > 1 << 34 {
      throw TraceError(rule: .resourceLimit(what: "tensor of shape \(shape)", limit: 1 << 34), at: loc)
    }
    if concreteProgram != nil, space == .hbm || space == .sharedHBM {
      if let id = try sharedTensor(shape, dtype, at: loc) { return TensorRef(id: id, view: .whole(id, shape: shape)) }
    }
    let declName = name ?? freshName()
    let id = builder.declareTensor(
      name: declName, space: space, shape: shape, dtype: dtype, location: loc,
      blockDimensions: space.isOnChip ? blockDimensions : 0)
    if concreteProgram != nil, space == .hbm || space == .sharedHBM { sharedHBM.append(id) }
    if !loopScopes.isEmpty { tensorLoops[id] = loopScopes }
    try interactive?.allocateAtCreation(id, openLoops: !builder.openLoops.isEmpty)
    return TensorRef(id: id, view: .whole(id, shape: shape))
  }

  /// Emits an instruction, marks its operands as used, and returns its index.
  ///
  /// An operand declared inside a loop that has ended is NKI's scope error: on hardware the tile
  /// is new in every iteration, so after the loop it holds one iteration's value
  /// (`acc = nl.maximum(acc, x)` in a loop, then `acc` after it).
  @discardableResult
  func emit(_ op: Operation, engine: Engine? = nil, mask: [AffineCondition] = [], at loc: SourceLocation)
    throws(TraceError) -> Int
  {
    if !tensorLoops.isEmpty {
      for u in op.operands {
        if let loops = tensorLoops[u.view.tensor], !loopScopes.starts(with: loops) {
          let name = builder.tensor(u.view.tensor).name
          throw TraceError(
            rule: .malformed("Local variable '\(name)' is referenced outside of its parent scope"), at: loc)
        }
      }
    }
    for s in op.sources { freshDefinitions[s.view.tensor] = nil }
    var op = op
    var mask = mask
    if !operandMasks.isEmpty {
      let moved = try operandMaskConditions(of: op)
      mask += moved.mask
      if !moved.contraction.isEmpty, case .matmul(var m) = op {
        m.contraction += moved.contraction
        op = .matmul(m)
      }
    }
    builder.emit(op, engine: engine, mask: mask, location: loc)
    return builder.instructionCount - 1
  }

  /// Records that `t` was just produced by instruction `index` and may be retargeted.
  func fresh(_ t: TensorRef, _ index: Int) -> Value {
    freshDefinitions[t.id] = index
    return .tensor(t)
  }

  func decl(_ t: TensorRef) -> TensorDecl { builder.tensor(t.id) }

  func dtypeArgument(_ v: Value?, at loc: SourceLocation) throws(TraceError) -> DType? {
    guard let v else { return nil }
    if let d = v.dtype { return d }
    switch v {
    case .none: return nil
    case .string(let s):
      if let d = DType(nkiName: s) { return d }
      throw TraceError.python("TypeError", "unknown dtype '\(s)'", at: loc)
    default:
      throw TraceError.python("TypeError", "dtype must be an NKI dtype such as nl.float32, got \(v.typeName)", at: loc)
    }
  }

  func tensorArgument(_ v: Value, _ name: String, of fn: String, at loc: SourceLocation) throws(TraceError) -> TensorRef
  {
    if let t = v.tensor { return t }
    if v.native(IndirectAccessObject.self) != nil {
      throw TraceError.unsupported(
        "an indirect access (a tensor indexed by a tile of indices) as '\(name)' of \(fn)(); only nl.load, nl.store and nisa.dma_copy move one",
        at: loc)
    }
    if interactive != nil, let array = v.native(NDArray.self) {
      return try deviceCopy(of: array, for: name, of: fn, at: loc)
    }
    throw TraceError.python("TypeError", "\(fn)() expects a tile for '\(name)', got \(v.typeName)", at: loc)
  }

  /// `v` broadcast to `shape` by NKI's rules (``NKIRules/broadcast(_:to:)``).
  func broadcast(_ v: View, to shape: [Int]) -> View? { NKIRules.broadcast(v, to: shape) }

  // MARK: - Elementwise

  /// `a op b` where at least one side is a tile, lowered by NKI's rules (``ElementwiseBinary``):
  /// tensor_tensor, or tensor_scalar for scalars and `[P, 1]` vectors.
  func tileBinary(
    _ alu: ALUOp, _ l: Value, _ r: Value, at loc: SourceLocation, op: BinaryOperator? = nil,
    dtype: DType? = nil, mask: [AffineCondition] = [], engine: Engine? = nil, broadcastsRows: Bool = true
  ) throws(TraceError) -> Value {
    guard l.tensor != nil || r.tensor != nil else {
      throw TraceError.python(
        "TypeError", "unsupported operand types for \(alu.nkiName): '\(l.typeName)' and '\(r.typeName)'", at: loc)
    }
    func input(_ v: Value) throws(TraceError) -> ElementwiseBinary.Input {
      if let t = v.tensor { return .tile(t.view, decl(t).dtype) }
      switch v {
      case .bool: return .scalar(Float(try floatValue(v, at: loc)), .bool)
      case .int: return .scalar(Float(try floatValue(v, at: loc)), .int)
      case .float: return .scalar(Float(try floatValue(v, at: loc)), .float)
      case _ where v.index != nil:
        guard let g = v.index, g.shape.isEmpty && g.base.isConstant else {
          throw TraceError.unsupported(
            "arithmetic between a tile and a loop index (use nisa.iota to make index values)", at: loc)
        }
        return .scalar(Float(g.base.constant), .int)
      default:
        throw TraceError.python(
          "TypeError",
          "unsupported operand type(s) for \(op?.rawValue ?? alu.nkiName): '\(l.typeName)' and '\(r.typeName)'", at: loc
        )
      }
    }
    let a = try input(l)
    let b = try input(r)
    let plan: ElementwiseBinary
    do {
      plan = try ElementwiseBinary(alu, a, b, dtype: dtype, broadcastsRows: broadcastsRows)
    } catch {
      throw TraceError(.kernel(error), at: loc)
    }
    var column: View?
    if let pb = plan.partitionBroadcast {
      // A one-partition tile against more partitions: copied to every partition first.
      let t = try newTensor(pb.shape, pb.dtype, .sbuf, at: loc)
      try emit(.broadcast(dst: t.view, src: pb.source), mask: plan.broadcastMask(mask), at: loc)
      column = t.view
    }
    let dst = try newTensor(plan.shape, plan.dtype, .sbuf, at: loc)
    return fresh(
      dst, try emit(plan.operation(writing: dst.view, broadcast: column), engine: engine, mask: mask, at: loc))
  }

  /// `f(x)` on a tile: an activation on the Scalar engine.
  func tileUnary(
    _ f: ActivationFunction, _ t: TensorRef, at loc: SourceLocation, dtype: DType? = nil, mask: [AffineCondition] = []
  ) throws(TraceError) -> Value {
    let src = decl(t)
    let dst = try newTensor(t.view.shape, dtype ?? src.dtype, .sbuf, at: loc)
    let i = try emit(
      .activation(dst: dst.view, src: t.view, function: f, scale: .scalar(1), bias: nil, reduceOp: nil, reduceDst: nil),
      mask: mask, at: loc)
    return fresh(dst, i)
  }

  /// `t` itself when it is not in PSUM; else an SBUF copy of it (a `tensor_copy` into a tile
  /// named `<t>_sbuf`, visible in `tessel ir` and `--json`).
  ///
  /// The Tensor engine and `affine_select` (GpSimd) read SBUF only; NKI's compiler copies a PSUM
  /// operand of `nl.matmul`, `nisa.nc_matmul` and `nisa.affine_select` out to SBUF first, and
  /// Tessel does the same.
  func inSBUF(_ t: TensorRef, at loc: SourceLocation) throws(TraceError) -> TensorRef {
    guard decl(t).space == .psum else { return t }
    let c = try newTensor(t.view.shape, decl(t).dtype, .sbuf, name: "\(decl(t).name)_sbuf", at: loc)
    try emit(.tensorCopy(dst: c.view, src: t.view), at: loc)
    return c
  }

  // MARK: - Assignment into tiles

  /// The mask of the masked instruction that just produced all of `src`, when `dst[...] = src`
  /// copies it element for element: `t[...] = nl.op(..., mask=m)` writes only the elements `m`
  /// keeps (NKI), so the copy keeps the same ones rather than spreading the result's
  /// never-written elements into `t`.
  ///
  /// Empty otherwise.
  func producerMask(of src: TensorRef, copiedTo dst: TensorRef) -> [AffineCondition] {
    if let mask = freshCollectiveMasks[src.id], src.view.shape == dst.view.shape { return mask }
    guard let index = freshDefinitions[src.id], src.view.shape == dst.view.shape else { return [] }
    let producer = builder.instruction(at: index)
    guard producer.operation.iteratesOverDestination, producer.operation.destination == src.view else { return [] }
    return producer.mask
  }

  /// A Python number stored into memory, as NKI's `nl.store(dst, 0.0)` does it: a new SBUF tile of
  /// `shape` set to the number under `mask`, for the caller to copy from; nil when `value` is not
  /// a number.
  func numberTile(_ value: Value, shape: [Int], dtype: DType, mask: [AffineCondition], at loc: SourceLocation)
    throws(TraceError) -> TensorRef?
  {
    switch value {
    case .int, .float, .bool:
      let fill = try newTensor(shape, dtype, .sbuf, at: loc)
      try emit(.memset(dst: fill.view, value: Float(try floatValue(value, at: loc))), mask: mask, at: loc)
      return fill
    default:
      return nil
    }
  }

  /// `dst[...] = value` and `dst[...] op= value`.
  func storeInto(_ dst: TensorRef, _ value: Value, at loc: SourceLocation, accumulate: BinaryOperator?)
    throws(TraceError)
  {
    let dd = decl(dst)
    if case .native(let o) = value, let r = o as? LoopReduction {
      try r.reduce(into: dst, tracer: self, accumulate: accumulate, at: loc)
      return
    }
    if let op = accumulate {
      let alu = try Tracer.aluOp(op, at: loc)
      if let src = value.tensor, let idx = freshDefinitions[src.id], alu == .add, dd.space == .psum,
        case .matmul(let m) = builder.instruction(at: idx).operation, m.dst == src.view,
        src.view.shape == dst.view.shape
          || src.view.elementCount == dst.view.elementCount && dst.view.partitionCount == src.view.partitionCount
      {
        var inst = builder.instruction(at: idx)
        var accumulating = m
        accumulating.dst = dst.view
        accumulating.accumulation = builder.onlyMatmulsWrite(dst.id) ? .auto : .add
        inst.operation = .matmul(accumulating)
        builder.replaceInstruction(at: idx, with: inst)
        freshDefinitions[src.id] = nil
        return
      }
      if let src = value.tensor {
        guard let v = broadcast(src.view, to: dst.view.shape) else {
          throw TraceError(
            rule: .shapeMismatch(operands: ["dst", "value"], shapes: [dst.view.shape, src.view.shape]),
            operation: "tensor_tensor", at: loc)
        }
        try emit(.tensorTensor(dst: dst.view, a: dst.view, b: v, op: alu), at: loc)
      } else {
        let x = try floatValue(value, at: loc)
        try emit(
          .tensorScalar(
            dst: dst.view, src: dst.view, op0: alu, operand0: .scalar(Float(x)), reverse0: false, op1: nil,
            operand1: nil, reverse1: false), at: loc)
      }
      return
    }
    if let src = value.tensor {
      let sd = decl(src)
      guard let v = broadcast(src.view, to: dst.view.shape) else {
        throw TraceError(
          rule: .malformed(
            "Illegal assignment destination shape in 'a = b': shape \(dst.view.shape) of parameter 'a' is smaller than other parameter shapes b\(src.view.shape)"
          ), at: loc)
      }
      if dd.space.isHBM {
        try emit(sd.space.isHBM ? .dmaCopy(dst: dst.view, src: v) : .store(dst: dst.view, src: v), at: loc)
      } else if sd.space.isHBM {
        try emit(.load(dst: dst.view, src: v), at: loc)
      } else {
        try emit(.tensorCopy(dst: dst.view, src: v), mask: producerMask(of: src, copiedTo: dst), at: loc)
      }
      return
    }
    switch value {
    case .int, .float, .bool:
      if dd.space.isHBM {
        throw TraceError(rule: .malformed("Creating HBM tensor with init value is not supported"), at: loc)
      }
      try emit(.memset(dst: dst.view, value: Float(try floatValue(value, at: loc))), at: loc)
    default:
      throw TraceError.python("TypeError", "cannot assign \(value.typeName) to a tile", at: loc)
    }
  }
}
