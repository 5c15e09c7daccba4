import Foundation
import TesselIR
import TesselNKI
import TesselPython

extension Tracer {
  func engineArgument(_ v: Value?, at loc: SourceLocation) -> Engine? {
    guard case .string(let s)? = v, s.hasPrefix("engine:") else { return nil }
    switch s.dropFirst(7) {
    case "tensor": return .tensor
    case "vector": return .vector
    case "scalar", "activation": return .scalar
    case "gpsimd", "pool": return .gpsimd
    default: return nil
    }
  }

  /// An `operand0=`-style argument: a scalar immediate or a `[P, 1]` tile.
  func operandArgument(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Operand {
    if let t = v.tensor { return .view(t.view) }
    return .scalar(Float(try floatValue(v, at: loc)))
  }

  // MARK: - nisa

  func callNISA(_ fn: String, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    func tile(_ i: Int, _ name: String) throws(TraceError) -> TensorRef {
      try tensorArgument(try a.require(i, name), name, of: "nisa.\(fn)", at: loc)
    }
    let engine = engineArgument(a.get(-1, "engine"), at: loc)
    switch fn {
    case "nc_matmul":
      let st = try inSBUF(try tile(0, "stationary"), at: loc)
      let mv = try inSBUF(try tile(1, "moving"), at: loc)
      var doubleRow = false
      if let mode = a.get(-1, "perf_mode") {
        switch mode {
        case .none: break
        case .string(let m) where m == "none" || m.isEmpty: break
        case .string(let m) where m == "double_row_gen3" || m == "double_row": doubleRow = true
        default: throw TraceError.unsupported("nisa.nc_matmul perf_mode=\((try? repr(mode)) ?? "?")", at: loc)
        }
      }
      let rows = doubleRow ? 2 : 1
      // Check the operands before making the [M, N] PSUM result, so the error names them.
      if st.view.freeElementCount / rows > target.gemmStationaryFmax {
        throw TraceError(
          rule: .matmulFreeSizeTooLarge(
            operand: "stationary", size: st.view.freeElementCount / rows, limit: target.gemmStationaryFmax),
          operation: "nc_matmul", at: loc)
      }
      if mv.view.freeElementCount / rows > target.gemmMovingFmax {
        throw TraceError(
          rule: .matmulFreeSizeTooLarge(
            operand: "moving", size: mv.view.freeElementCount / rows, limit: target.gemmMovingFmax),
          operation: "nc_matmul", at: loc)
      }
      // Double-row operands are [K, 2, M] and [K, 2, N] (the verifier checks the middle 2).
      let shape =
        doubleRow
        ? [st.view.shape.last ?? 1, mv.view.shape.last ?? 1] : [st.view.freeElementCount, mv.view.freeElementCount]
      let m = try matmulMask(a.get(-1, "mask"), operation: "nisa.nc_matmul", output: (shape[0], shape[1]), at: loc)
      if doubleRow && !m.isEmpty {
        throw TraceError.unsupported("mask= on a double-row nisa.nc_matmul", at: loc)
      }
      // A PE-array transpose (is_transpose=True) keeps the input dtype from NeuronCore-v3 on.
      let isTranspose = try truth(a.get(-1, "is_transpose") ?? .bool(false), at: loc)
      let dtype = isTranspose && target != .trn1 ? decl(st).dtype : .float32
      let dst = try newTensor(shape, dtype, .psum, at: loc)
      let op = Operation.matmul(
        dst: dst.view, stationary: st.view, moving: mv.view, accumulation: .auto, doubleRow: doubleRow,
        isTranspose: isTranspose)
      return fresh(dst, try emit(op, mask: m, at: loc))
    case "nc_transpose":
      let x = try tile(0, "data")
      let e = engine ?? (x.view.partitionCount <= 32 && x.view.freeElementCount <= 32 && false ? .vector : .tensor)
      let m = try transposeMask(a.get(-1, "mask"), source: x.view, at: loc)
      let dst = try newTensor(
        [x.view.freeElementCount, x.view.partitionCount], decl(x).dtype, e == .tensor ? .psum : .sbuf, at: loc)
      return fresh(dst, try emit(.transpose(dst: dst.view, src: x.view), engine: e, mask: m, at: loc))
    case "dma_transpose":
      let src = try tensorArgument(try a.require(0, "src"), "src", of: "nisa.dma_transpose", at: loc)
      let rank = src.view.dims.count
      var axes = NKIRules.defaultTransposeAxes(rank: rank)
      if let v = a.get(-1, "axes"), !v.isNone { axes = try axesArgument(v, at: loc) }
      guard axes.count == rank, Set(axes) == Set(0..<rank) else {
        throw TraceError.python(
          "ValueError", "axes \(axes) is not a permutation of the \(rank) axes of src \(src.view.shape)", at: loc)
      }
      let shape = axes.map { src.view.shape[$0] }
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(src).dtype
      let dst = try newTensor(shape, dtype, .sbuf, at: loc)
      let hardwareDGE = try dgeMode(a.get(-1, "dge_mode"), of: "nisa.dma_transpose", at: loc) == "hwdge"
      return fresh(
        dst,
        try emit(
          .dmaTranspose(dst: dst.view, src: src.view, axes: axes, hardwareDGE: hardwareDGE),
          mask: try maskArgument(a, shape: shape), at: loc))
    case "activation", "activation_reduce":
      let f = try activationFunction(of: try a.require(0, "op"), at: loc)
      let x = try tile(1, "data")
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(x).dtype
      let scale = try operandArgument(a.get(-1, "scale") ?? .float(1), at: loc)
      var bias: View?
      if let b = a.get(-1, "bias") {
        if let bt = b.tensor {
          bias = bt.view
        } else if !b.isNone {
          throw TraceError.python("TypeError", "bias must be a [P, 1] tile", at: loc)
        }
      }
      var rop: ALUOp?
      var rdst: View?
      if let r = a.get(-1, "reduce_op"), !r.isNone { rop = try aluOp(of: r, at: loc) }
      if let rt = a.get(-1, "reduce_res")?.tensor { rdst = rt.view }
      if rop != nil && rdst == nil {
        let rt = try newTensor([x.view.partitionCount, 1], .float32, .sbuf, at: loc)
        rdst = rt.view
      }
      if rdst != nil && rop == nil { rop = .add }
      let dst = try newTensor(x.view.shape, dtype, .sbuf, at: loc)
      let i = try emit(
        .activation(dst: dst.view, src: x.view, function: f, scale: scale, bias: bias, reduceOp: rop, reduceDst: rdst),
        mask: try maskArgument(a, shape: x.view.shape), at: loc)
      return fresh(dst, i)
    case "scalar_tensor_tensor", "tensor_scalar_reduce":
      return try callFusedVector(fn, a)
    case "tensor_reduce":
      let op = try aluOp(of: try a.require(0, "op"), at: loc)
      let x = try tile(1, "data")
      let rank = x.view.dims.count
      let axes = try axesArgument(try a.require(2, "axis"), at: loc).map { $0 < 0 ? $0 + rank : $0 }
      let negate = try truth(a.get(-1, "negate") ?? .bool(false), at: loc)
      let keep = try truth(a.get(-1, "keepdims") ?? .bool(false), at: loc)
      return try reduceTile(
        op, x, axes: axes, keepdims: keep, dtype: try dtypeArgument(a.get(-1, "dtype"), at: loc), negate: negate,
        mask: try maskArgument(a, rank: rank), at: loc)
    case "tensor_tensor":
      let x = try a.require(0, "data1")
      let y = try a.require(1, "data2")
      let op = try aluOp(of: try a.require(2, "op"), at: loc)
      var rank = 0
      if let t = x.tensor { rank = t.view.dims.count }
      return try tileBinary(
        op, x, y, at: loc, dtype: try dtypeArgument(a.get(-1, "dtype"), at: loc), mask: try maskArgument(a, rank: rank),
        engine: engine, broadcastsRows: false)
    case "tensor_scalar":
      let x = try tile(0, "data")
      let o0 = try operandArgument(try a.require(2, "operand0"), at: loc)
      let op0 = try aluStage(
        try a.require(1, "op0"), operand: o0, opName: "op0", operandName: "operand0", of: "tensor_scalar", at: loc)
      let r0 = try truth(a.get(3, "reverse0") ?? .bool(false), at: loc)
      var op1: ALUOp?
      var o1: Operand?
      if let v = a.get(4, "op1"), !v.isNone {
        let operand1 = try operandArgument(try a.require(5, "operand1"), at: loc)
        op1 = try aluStage(v, operand: operand1, opName: "op1", operandName: "operand1", of: "tensor_scalar", at: loc)
        o1 = operand1
      }
      let r1 = try truth(a.get(6, "reverse1") ?? .bool(false), at: loc)
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(x).dtype
      let dst = try newTensor(x.view.shape, dtype, .sbuf, at: loc)
      return fresh(
        dst,
        try emit(
          .tensorScalar(
            dst: dst.view, src: x.view, op0: op0, operand0: o0, reverse0: r0, op1: op1, operand1: o1, reverse1: r1),
          engine: engine, mask: try maskArgument(a, shape: x.view.shape), at: loc))
    case "tensor_copy":
      let x = try tile(0, "src")
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(x).dtype
      let dst = try newTensor(x.view.shape, dtype, .sbuf, at: loc)
      return fresh(
        dst,
        try emit(
          .tensorCopy(dst: dst.view, src: x.view), engine: engine, mask: try maskArgument(a, shape: x.view.shape),
          at: loc))
    case "reciprocal":
      let x = try tile(0, "data")
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(x).dtype
      let dst = try newTensor(x.view.shape, dtype, .sbuf, at: loc)
      return fresh(
        dst, try emit(.reciprocal(dst: dst.view, src: x.view), mask: try maskArgument(a, shape: x.view.shape), at: loc))
    case "iota":
      let e = try a.require(0, "expr")
      guard let g = try asGrid(e, at: loc), !g.shape.isEmpty else {
        throw TraceError.python("TypeError", "nisa.iota expects an affine expression of nl.arange indices", at: loc)
      }
      let dtype = try dtypeArgument(a.get(1, "dtype"), at: loc) ?? .int32
      // Over `nl.mgrid` components, the tile spans the whole grid (axes the expression does not
      // use repeat its values).
      var shape = g.shape
      var coefficients = g.coefficients
      if let full = g.gridShape, full.count == shape.count, zip(shape, full).allSatisfy({ $0 == $1 || $0 == 1 }) {
        shape = full
        for d in shape.indices where g.shape[d] == 1 && full[d] != 1 { coefficients[d] = 0 }
      }
      let dst = try newTensor(shape, dtype, .sbuf, at: loc)
      return fresh(
        dst,
        try emit(
          .iota(
            dst: dst.view, expression: AffineCondition(coefficients: coefficients, offset: g.base, comparison: .equal)),
          mask: try maskArgument(a, shape: shape), at: loc))
    case "affine_select":
      let pred = try a.require(0, "pred")
      let t = try inSBUF(try tile(1, "on_true_tile"), at: loc)
      let f = Float(try floatValue(try a.require(2, "on_false_value"), at: loc))
      let conds = try maskConditions(pred, rank: t.view.dims.count, at: loc)
      guard conds.count == 1, let c = conds.first else {
        throw TraceError.unsupported(
          "affine_select with a predicate of \(conds.count) conditions (use one affine comparison)", at: loc)
      }
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(t).dtype
      let dst = try newTensor(t.view.shape, dtype, .sbuf, at: loc)
      return fresh(
        dst,
        try emit(
          .affineSelect(dst: dst.view, predicate: c, onTrue: t.view, onFalse: f),
          mask: try maskArgument(a, shape: t.view.shape),
          at: loc))
    case "memset":
      let shape = try shapeArgument(try a.require(0, "shape"), at: loc)
      let v = Float(try floatValue(try a.require(1, "value"), at: loc))
      guard let dtype = try dtypeArgument(a.get(2, "dtype"), at: loc) else {
        throw TraceError.python("TypeError", "nisa.memset() missing required argument: 'dtype'", at: loc)
      }
      let dst = try newTensor(shape, dtype, .sbuf, at: loc)
      return fresh(
        dst,
        try emit(.memset(dst: dst.view, value: v), engine: engine, mask: try maskArgument(a, shape: shape), at: loc))
    case "bn_stats", "bn_aggr":
      // Six statistics per partition, or the (mean, variance) they fold into.
      let x = try tile(0, "data")
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? .float32
      let stats = fn == "bn_stats"
      let dst = try newTensor([x.view.partitionCount, stats ? 6 : 2], dtype, .sbuf, at: loc)
      let op: TesselIR.Operation = stats ? .bnStats(dst: dst.view, src: x.view) : .bnAggr(dst: dst.view, src: x.view)
      return fresh(dst, try emit(op, mask: try maskArgument(a, shape: x.view.shape), at: loc))
    case "tensor_tensor_scan":
      let d0 = try tile(0, "data0")
      let d1 = try tile(1, "data1")
      let initial = try operandArgument(try a.require(2, "initial"), at: loc)
      let op0 = try aluOp(of: try a.require(3, "op0"), at: loc)
      let op1 = try aluOp(of: try a.require(4, "op1"), at: loc)
      let reversed0 = try truth(a.get(5, "reverse0") ?? .bool(false), at: loc)
      let reversed1 = try truth(a.get(6, "reverse1") ?? .bool(false), at: loc)
      if reversed0 || reversed1 {
        throw TraceError.unsupported("nisa.tensor_tensor_scan with reverse0 or reverse1", at: loc)
      }
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? NKIRules.promote(decl(d0).dtype, decl(d1).dtype)
      let dst = try newTensor(d0.view.shape, dtype, .sbuf, at: loc)
      return fresh(
        dst,
        try emit(
          .tensorTensorScan(dst: dst.view, data0: d0.view, data1: d1.view, initial: initial, op0: op0, op1: op1),
          mask: try maskArgument(a, shape: d0.view.shape), at: loc))
    case "tensor_partition_reduce":
      let op = try aluOp(of: try a.require(0, "op"), at: loc)
      let x = try tile(1, "data")
      let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(x).dtype
      let dst = try newTensor([1] + Array(x.view.shape.dropFirst()), dtype, .sbuf, at: loc)
      return fresh(
        dst,
        try emit(
          .tensorPartitionReduce(dst: dst.view, src: x.view, op: op), mask: try maskArgument(a, shape: x.view.shape),
          at: loc))
    case "dma_copy":
      let (dv, sv) = (try a.require(0, "dst"), try a.require(1, "src"))
      if let ia = dv.native(IndirectAccessObject.self) ?? sv.native(IndirectAccessObject.self) {
        try indirectCopy(
          dst: dv, src: sv, of: "nisa.dma_copy", mask: try maskArgument(a, shape: ia.base.view.shape),
          oob: try indirectOOBMode(a.get(-1, "oob_mode"), of: "nisa.dma_copy", at: loc), at: loc)
        return .none
      }
      let dst = try tensorArgument(try a.require(0, "dst"), "dst", of: "nisa.dma_copy", at: loc)
      let src = try tensorArgument(try a.require(1, "src"), "src", of: "nisa.dma_copy", at: loc)
      try emit(.dmaCopy(dst: dst.view, src: src.view), mask: try maskArgument(a, shape: dst.view.shape), at: loc)
      return .none
    case "get_nc_version":
      return .int(target == .trn1 ? 2 : target == .trn2 ? 3 : 4)
    default:
      throw TraceError.unsupported("nisa.\(fn)", at: loc)
    }
  }

  // MARK: - numpy on Python numbers

  /// `np.*` (and `nl.*` elementwise functions) applied to Python numbers at trace time.
  func callMath(_ name: String, _ p: [Value], at loc: SourceLocation) throws(TraceError) -> Value {
    let short = String(name.split(separator: ".").last ?? "")
    func x() throws(TraceError) -> Double {
      guard let v = p.first else { throw TraceError.typeError(.message("\(name)() needs an argument"), at: loc) }
      return try floatValue(v, at: loc)
    }
    switch short {
    case "sqrt": return .float(Foundation.sqrt(try x()))
    case "exp": return .float(Foundation.exp(try x()))
    case "log": return .float(Foundation.log(try x()))
    case "log2": return .float(Foundation.log2(try x()))
    case "tanh": return .float(Foundation.tanh(try x()))
    case "sin": return .float(Foundation.sin(try x()))
    case "cos": return .float(Foundation.cos(try x()))
    case "ceil": return .int(try pyInt(try x().rounded(.up), at: loc))
    case "floor": return .int(try pyInt(try x().rounded(.down), at: loc))
    case "abs", "fabs", "absolute": return .float(Swift.abs(try x()))
    case "prod":
      var acc: Value = .int(1)
      for v in try iterate(p.first ?? .none, at: loc) { acc = try ev.binary(.multiply, acc, v, at: loc) }
      return acc
    case "add", "subtract", "multiply", "divide", "maximum", "minimum", "power", "mod", "fmod", "true_divide":
      guard p.count >= 2 else {
        throw TraceError.typeError(.message("\(name)() takes 2 arguments (\(p.count) given)"), at: loc)
      }
      switch short {
      case "add": return try ev.binary(.add, p[0], p[1], at: loc)
      case "subtract": return try ev.binary(.subtract, p[0], p[1], at: loc)
      case "multiply": return try ev.binary(.multiply, p[0], p[1], at: loc)
      case "divide", "true_divide": return try ev.binary(.divide, p[0], p[1], at: loc)
      case "power": return try ev.binary(.power, p[0], p[1], at: loc)
      case "mod": return try ev.binary(.modulo, p[0], p[1], at: loc)
      case "maximum": return try truth(try ev.compare(.greater, p[0], p[1], at: loc), at: loc) ? p[0] : p[1]
      case "minimum": return try truth(try ev.compare(.less, p[0], p[1], at: loc), at: loc) ? p[0] : p[1]
      default: return .float(Foundation.fmod(try floatValue(p[0], at: loc), try floatValue(p[1], at: loc)))
      }
    case "float32", "float16", "int32": return p.first ?? .float(0)
    default:
      if name.hasPrefix("np.") {
        throw TraceError.unsupported("\(name) inside a kernel (numpy runs on the host; use the nl equivalent)", at: loc)
      }
      throw TraceError.unsupported(name, at: loc)
    }
  }

  /// A numpy function called with keyword arguments Tessel does not read is refused, not ignored.
  func callMath(_ name: String, _ a: CallArguments) throws(TraceError) -> Value {
    if let k = a.keywords.first {
      throw TraceError.unsupported("\(name)(\(k.0)=...) at trace time", at: a.location)
    }
    return try callMath(name, a.positional, at: a.location)
  }
}
