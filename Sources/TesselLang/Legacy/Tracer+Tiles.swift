import TesselIR
import TesselPython

extension Tracer {
  // MARK: - Tiles

  /// Declares a new tensor and returns its whole view.
  func newTensor(_ shape: [Int], _ dtype: DType, _ space: MemorySpace, name: String? = nil, at loc: SourceLocation) throws(TraceError) -> TensorRef {
    if shape.contains(where: { $0 < 1 }) {
      throw TraceError(.kernel(KernelError(.invalidShape(tensor: name ?? "tile", shape: shape))), at: loc)
    }
    var elements = 1
    for d in shape {
      let (product, overflow) = elements.multipliedReportingOverflow(by: d)
      elements = overflow ? Int.max : product
    }
    if elements > 1 << 34 {
      throw TraceError(.kernel(KernelError(.resourceLimit(what: "tensor of shape \(shape)", limit: 1 << 34))), at: loc)
    }
    let declName = name ?? freshName()
    let id = builder.declareTensor(name: declName, space: space, shape: shape, dtype: dtype, location: loc)
    return TensorRef(id: id, view: .whole(id, shape: shape))
  }

  /// Emits an instruction, marks its operands as used, and returns its index.
  @discardableResult
  func emit(_ op: Operation, engine: Engine? = nil, mask: [AffineCondition] = [], at loc: SourceLocation) -> Int {
    for s in op.sources { freshDefinitions[s.view.tensor] = nil }
    builder.emit(op, engine: engine, mask: mask, location: loc)
    return builder.instructionCount - 1
  }

  /// Records that `t` was just produced by instruction `index` and may be retargeted.
  func fresh(_ t: TensorRef, _ index: Int) -> Value {
    freshDefinitions[t.id] = index
    return .tensor(t)
  }

  func decl(_ t: TensorRef) -> TensorDecl { builder.tensor(t.id) }

  /// The dtype a Python scalar takes in NKI's promotion rules (weak types, §5.6).
  func scalarDType(_ v: Value) -> DType? {
    switch v {
    case .bool: return .uint8
    case .int: return .int32
    case .float: return .float32
    default: return nil
    }
  }

  /// NKI's legacy promotion of two dtypes (nki-reference.md §5.6).
  static func promote(_ a: DType, _ b: DType) -> DType {
    if a == b { return a }
    if a.isFloatingPoint && !b.isFloatingPoint { return a }
    if b.isFloatingPoint && !a.isFloatingPoint { return b }
    if a.isFloatingPoint {
      let set: Set<DType> = [a, b]
      if set.contains(.float32) || set.contains(.tfloat32) { return .float32 }
      if set == [.float16, .bfloat16] { return .float32 }
      if a.isFloat8 && b.isFloat8 { return .bfloat16 }
      if set.contains(.float16) { return .float16 }
      if set.contains(.bfloat16) { return .bfloat16 }
      return .float32
    }
    // Integers: the wider, or a widened type when signedness differs.
    let sa = a.isSignedInteger, sb = b.isSignedInteger
    if sa == sb { return a.byteSize >= b.byteSize ? a : b }
    let signed = sa ? a : b, unsigned = sa ? b : a
    if signed.byteSize > unsigned.byteSize { return signed }
    switch unsigned.byteSize {
    case 1: return .int16
    case 2: return .int32
    default: return .float32
    }
  }

  func dtypeArgument(_ v: Value?, at loc: SourceLocation) throws(TraceError) -> DType? {
    guard let v else { return nil }
    if let d = v.dtype { return d }
    switch v {
    case .none: return nil
    case .string(let s):
      if let d = DType(nkiName: s) { return d }
      throw TraceError.python("TypeError", "unknown dtype '\(s)'", at: loc)
    default: throw TraceError.python("TypeError", "dtype must be an NKI dtype such as nl.float32, got \(v.typeName)", at: loc)
    }
  }

  func tensorArgument(_ v: Value, _ name: String, of fn: String, at loc: SourceLocation) throws(TraceError) -> TensorRef {
    if let t = v.tensor { return t }
    throw TraceError.python("TypeError", "\(fn)() expects a tile for '\(name)', got \(v.typeName)", at: loc)
  }

  /// Broadcasts a view to `shape` (numpy rules, right-aligned) with zero steps.
  func broadcast(_ v: View, to shape: [Int]) -> View? {
    if v.shape == shape { return v }
    let rank = v.dims.count
    guard shape.count >= rank else { return nil }
    let tRank = v.start.count
    var dims: [View.Dim] = []
    let pad = shape.count - rank
    for d in 0..<shape.count {
      if d < pad { dims.append(.broadcast(rank: tRank, count: shape[d])); continue }
      let src = v.dims[d - pad]
      if src.count == shape[d] { dims.append(src) } else if src.count == 1 { dims.append(.broadcast(rank: tRank, count: shape[d])) } else { return nil }
    }
    return View(tensor: v.tensor, start: v.start, dims: dims)
  }

  /// The numpy broadcast of two shapes.
  func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    let x = Array(repeating: 1, count: rank - a.count) + a, y = Array(repeating: 1, count: rank - b.count) + b
    var out: [Int] = []
    for (p, q) in zip(x, y) {
      if p == q || q == 1 { out.append(p) } else if p == 1 { out.append(q) } else { return nil }
    }
    return out
  }

  // MARK: - Elementwise

  /// `a op b` where at least one side is a tile: tensor_tensor, or tensor_scalar for scalars and
  /// `[P, 1]` vectors.
  func tileBinary(
    _ alu: ALUOp, _ l: Value, _ r: Value, at loc: SourceLocation, op: BinaryOperator? = nil,
    dtype: DType? = nil, mask: [AffineCondition] = [], engine: Engine? = nil
  ) throws(TraceError) -> Value {
    switch (l.tensor, r.tensor) {
    case (let a?, let b?):
      let da = decl(a).dtype, db = decl(b).dtype
      var outType = dtype ?? (alu.isComparison ? DType.bool : Tracer.promote(da, db))
      if dtype == nil && !alu.isComparison && alu == .divide && !outType.isFloatingPoint { outType = .float32 }
      // Tiles never broadcast across partitions implicitly (use broadcast_to).
      if a.view.dims.count >= 2 && b.view.dims.count >= 2 && a.view.partitionCount != b.view.partitionCount {
        let dstShape = a.view.partitionCount >= b.view.partitionCount ? a.view.shape : b.view.shape
        throw TraceError(.kernel(KernelError(.partitionMismatch(operands: ["data1", "data2", "dst"], shapes: [a.view.shape, b.view.shape, dstShape]), operation: "tensor_tensor")), at: loc)
      }
      guard let shape = broadcastShape(a.view.shape, b.view.shape) else {
        throw TraceError(.kernel(KernelError(.shapeMismatch(operands: ["data1", "data2"], shapes: [a.view.shape, b.view.shape]), operation: "tensor_tensor")), at: loc)
      }
      let dst = try newTensor(shape, outType, .sbuf, at: loc)
      // [P, 1] against [P, F]: a per-partition vector operand of tensor_scalar.
      if a.view.shape == shape && b.view.shape.count == shape.count && shape.count >= 2 && b.view.partitionCount == shape[0] && b.view.freeElementCount == 1 && shape.dropFirst().reduce(1, *) > 1 {
        let i = emit(.tensorScalar(dst: dst.view, src: a.view, op0: alu, operand0: .view(b.view), reverse0: false, op1: nil, operand1: nil, reverse1: false), engine: engine, mask: mask, at: loc)
        return fresh(dst, i)
      }
      if b.view.shape == shape && a.view.shape.count == shape.count && shape.count >= 2 && a.view.partitionCount == shape[0] && a.view.freeElementCount == 1 && shape.dropFirst().reduce(1, *) > 1 {
        let i = emit(.tensorScalar(dst: dst.view, src: b.view, op0: alu, operand0: .view(a.view), reverse0: true, op1: nil, operand1: nil, reverse1: false), engine: engine, mask: mask, at: loc)
        return fresh(dst, i)
      }
      guard let va = broadcast(a.view, to: shape), let vb = broadcast(b.view, to: shape) else {
        throw TraceError(.kernel(KernelError(.shapeMismatch(operands: ["data1", "data2"], shapes: [a.view.shape, b.view.shape]), operation: "tensor_tensor")), at: loc)
      }
      let i = emit(.tensorTensor(dst: dst.view, a: va, b: vb, op: alu), engine: engine, mask: mask, at: loc)
      return fresh(dst, i)
    case (let a?, _), (_, let a?):
      let scalarOnLeft = l.tensor == nil
      let other = scalarOnLeft ? l : r
      let x: Double
      switch other {
      case .int, .float, .bool: x = try floatValue(other, at: loc)
      case _ where other.index != nil:
        guard let g = other.index, g.shape.isEmpty && g.base.isConstant else {
          throw TraceError.unsupported("arithmetic between a tile and a loop index (use nisa.iota to make index values)", at: loc)
        }
        x = Double(g.base.constant)
      default:
        throw TraceError.python("TypeError", "unsupported operand type(s) for \(op?.rawValue ?? alu.nkiName): '\(l.typeName)' and '\(r.typeName)'", at: loc)
      }
      let sd = scalarDType(other) ?? .float32
      var outType = dtype ?? (alu.isComparison ? DType.bool : Tracer.promote(decl(a).dtype, sd))
      if dtype == nil && !alu.isComparison && alu == .divide && !outType.isFloatingPoint { outType = .float32 }
      let dst = try newTensor(a.view.shape, outType, .sbuf, at: loc)
      let i = emit(.tensorScalar(dst: dst.view, src: a.view, op0: alu, operand0: .scalar(Float(x)), reverse0: scalarOnLeft, op1: nil, operand1: nil, reverse1: false), engine: engine, mask: mask, at: loc)
      return fresh(dst, i)
    default:
      throw TraceError.python("TypeError", "unsupported operand types for \(alu.nkiName): '\(l.typeName)' and '\(r.typeName)'", at: loc)
    }
  }

  /// `f(x)` on a tile: an activation on the Scalar engine.
  func tileUnary(_ f: ActivationFunction, _ t: TensorRef, at loc: SourceLocation, dtype: DType? = nil, mask: [AffineCondition] = []) throws(TraceError) -> Value {
    let src = decl(t)
    let dst = try newTensor(t.view.shape, dtype ?? src.dtype, .sbuf, at: loc)
    let i = emit(.activation(dst: dst.view, src: t.view, function: f, scale: .scalar(1), bias: nil, reduceOp: nil, reduceDst: nil), mask: mask, at: loc)
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
    emit(.tensorCopy(dst: c.view, src: t.view), at: loc)
    return c
  }

  // MARK: - Assignment into tiles

  /// The mask of the masked instruction that just produced all of `src`, when `dst[...] = src`
  /// copies it element for element: `t[...] = nl.op(..., mask=m)` writes only the elements `m`
  /// keeps (NKI), so the copy keeps the same ones rather than spreading the result's
  /// never-written elements into `t`. Empty otherwise.
  func producerMask(of src: TensorRef, copiedTo dst: TensorRef) -> [AffineCondition] {
    guard let index = freshDefinitions[src.id], src.view.shape == dst.view.shape else { return [] }
    let producer = builder.instruction(at: index)
    guard producer.operation.iteratesOverDestination, producer.operation.destination == src.view else { return [] }
    return producer.mask
  }

  /// `dst[...] = value` and `dst[...] op= value`.
  func storeInto(_ dst: TensorRef, _ value: Value, at loc: SourceLocation, accumulate: BinaryOperator?) throws(TraceError) {
    let dd = decl(dst)
    if case .native(let o) = value, let r = o as? LoopReduction {
      try r.reduce(into: dst, tracer: self, accumulate: accumulate, at: loc)
      return
    }
    if let op = accumulate {
      let alu = try Tracer.aluOp(op, at: loc)
      if let src = value.tensor, let idx = freshDefinitions[src.id], alu == .add, dd.space == .psum,
        case .matmul(let m) = builder.instruction(at: idx).operation, m.dst == src.view,
        src.view.shape == dst.view.shape || src.view.elementCount == dst.view.elementCount && dst.view.partitionCount == src.view.partitionCount
      {
        var inst = builder.instruction(at: idx)
        let accumulation: Accumulation = onlyMatmulsWrite(dst.id) ? .auto : .add
        inst.operation = .matmul(dst: dst.view, stationary: m.stationary, moving: m.moving, accumulation: accumulation)
        builder.replaceInstruction(at: idx, with: inst)
        freshDefinitions[src.id] = nil
        return
      }
      if let src = value.tensor {
        guard let v = broadcast(src.view, to: dst.view.shape) else {
          throw TraceError(.kernel(KernelError(.shapeMismatch(operands: ["dst", "value"], shapes: [dst.view.shape, src.view.shape]), operation: "tensor_tensor")), at: loc)
        }
        emit(.tensorTensor(dst: dst.view, a: dst.view, b: v, op: alu), at: loc)
      } else {
        let x = try floatValue(value, at: loc)
        emit(.tensorScalar(dst: dst.view, src: dst.view, op0: alu, operand0: .scalar(Float(x)), reverse0: false, op1: nil, operand1: nil, reverse1: false), at: loc)
      }
      return
    }
    if let src = value.tensor {
      let sd = decl(src)
      guard let v = broadcast(src.view, to: dst.view.shape) else {
        throw TraceError(.kernel(KernelError(.malformed("Illegal assignment destination shape in 'a = b': shape \(dst.view.shape) of parameter 'a' is smaller than other parameter shapes b\(src.view.shape)"))), at: loc)
      }
      if dd.space.isHBM {
        emit(sd.space.isHBM ? .dmaCopy(dst: dst.view, src: v) : .store(dst: dst.view, src: v), at: loc)
      } else if sd.space.isHBM {
        emit(.load(dst: dst.view, src: v), at: loc)
      } else {
        emit(.tensorCopy(dst: dst.view, src: v), mask: producerMask(of: src, copiedTo: dst), at: loc)
      }
      return
    }
    switch value {
    case .int, .float, .bool:
      if dd.space.isHBM {
        throw TraceError(.kernel(KernelError(.malformed("Creating HBM tensor with init value is not supported"))), at: loc)
      }
      emit(.memset(dst: dst.view, value: Float(try floatValue(value, at: loc))), at: loc)
    default:
      throw TraceError.python("TypeError", "cannot assign \(value.typeName) to a tile", at: loc)
    }
  }
}
