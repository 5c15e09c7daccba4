import TesselIR
import TesselNKI
import TesselPython

/// The `nki.isa` functions of the current dialect: NKI 0.6's signatures (destination first,
/// positional or keyword), each lowered to one IR instruction at the call's location.
enum CurrentISA {
  /// One function: its Python signature and its lowering.
  struct Function: Sendable {
    let signature: String
    let lower: @Sendable (CurrentArguments) throws(TraceError) -> Value
  }

  /// The functions by name.
  static let functions: [String: Function] = {
    var f: [String: Function] = [:]
    func add(_ signature: String, _ lower: @escaping @Sendable (CurrentArguments) throws(TraceError) -> Value) {
      let name = String(signature.prefix { $0 != "(" })
      f[name] = Function(signature: "nisa." + signature, lower: lower)
    }
    add(
      "dma_copy(dst, src, priority=None, oob_mode=oob_mode.error, dge_mode=dge_mode.unknown, engine=engine.unknown, name=None)",
      dmaCopy)
    add("tensor_copy(dst, src, engine=engine.unknown, name=None, dtype=None)", tensorCopy)
    add("memset(dst, value, engine=engine.unknown, name=None)", memset)
    add(
      "nc_matmul(dst, stationary, moving, is_stationary_onezero=False, is_moving_onezero=False, is_transpose=False, accumulate=None, tile_position=(), tile_size=(), perf_mode=matmul_perf_mode.none, name=None)",
      ncMatmul)
    add("nc_transpose(dst, data, engine=engine.unknown, name=None)", ncTranspose)
    add("tensor_tensor(dst, data1, data2, op, engine=engine.unknown, name=None)", tensorTensor)
    add(
      "tensor_scalar(dst, data, op0, operand0, reverse0=False, op1=None, operand1=None, reverse1=False, engine=engine.unknown, name=None)",
      tensorScalar)
    add("tensor_reduce(dst, op, data, axis, negate=False, keepdims=False, name=None)", tensorReduce)
    add("tensor_partition_reduce(dst, op, data, name=None)", tensorPartitionReduce)
    add(
      "activation(dst, op, data, bias=None, scale=1.0, reduce_op=None, reduce_res=None, reduce_cmd=reduce_cmd.idle, name=None)",
      activation)
    add("activation_reduce(dst, op, data, reduce_op, reduce_res, bias=None, scale=1.0, name=None)", activation)
    add("reciprocal(dst, data, name=None)", reciprocal)
    add(
      "scalar_tensor_tensor(dst, data, op0, operand0, op1, operand1, reverse0=False, reverse1=False, name=None)",
      scalarTensorTensor)
    add(
      "tensor_scalar_reduce(dst, data, op0, operand0, reduce_op, reduce_res, reverse0=False, name=None)",
      tensorScalarReduce)
    add("iota(dst, pattern, offset=0, channel_multiplier=0, name=None)", iota)
    add(
      "affine_select(dst, pattern, channel_multiplier, on_true_tile, on_false_value, cmp_op=equal, offset=0, name=None)",
      affineSelect)
    add(
      "tensor_tensor_scan(dst, data0, data1, initial, op0, op1, reverse0=False, reverse1=False, name=None)",
      tensorTensorScan)
    add("bn_stats(dst, data, name=None)") { a throws(TraceError) in try unary(a, "data") { .bnStats(dst: $0, src: $1) }
    }
    add("bn_aggr(dst, data, name=None)") { a throws(TraceError) in try unary(a, "data") { .bnAggr(dst: $0, src: $1) } }
    add(
      "dma_transpose(dst, src, axes=None, priority=None, dge_mode=dge_mode.unknown, oob_mode=oob_mode.error, name=None)",
      dmaTranspose)
    add(
      "dma_compute(dst, srcs, reduce_op, scales=None, unique_indices=True, oob_mode=oob_mode.error, name=None)",
      dmaCompute)
    add("max8(dst, src, name=None)") { a throws(TraceError) in try unary(a, "src") { .max8(dst: $0, src: $1) } }
    add("nc_find_index8(dst, data, vals, name=None)") { a throws(TraceError) in
      a.tracer.emit(
        .findIndex8(dst: try a.view("dst"), data: try a.view("data"), vals: try a.view("vals")), at: a.location)
      return .none
    }
    add("nc_match_replace8(dst, data, vals, imm, dst_idx=None, name=None)") { a throws(TraceError) in
      a.tracer.emit(
        .matchReplace8(
          dst: try a.view("dst"), data: try a.view("data"), vals: try a.view("vals"),
          imm: Float(try a.float("imm") ?? 0),
          dstIdx: try a.optionalTensor("dst_idx")?.irView(at: a.location)), at: a.location)
      return .none
    }
    add("nc_stream_shuffle(dst, src, shuffle_mask, name=None)") { a throws(TraceError) in
      a.tracer.emit(
        .streamShuffle(dst: try a.view("dst"), src: try a.view("src"), mask: try a.ints("shuffle_mask") ?? []),
        at: a.location)
      return .none
    }
    add(
      "range_select(dst, on_true_tile, comp_op0, comp_op1, bound0, bound1, reduce_cmd=reduce_cmd.reset_reduce, reduce_res=None, reduce_op=maximum, range_start=0, on_false_value=None, name=None)",
      rangeSelect)
    add("quantize_mx(dst, src, dst_scale, name=None)") { a throws(TraceError) in
      a.tracer.emit(
        .quantizeMX(dst: try a.view("dst"), src: try a.view("src"), dstScale: try a.view("dst_scale")), at: a.location)
      return .none
    }
    add(
      "nc_matmul_mx(dst, stationary, moving, stationary_scale, moving_scale, tile_position=None, tile_size=None, accumulate=None, name=None)",
      ncMatmulMX)
    add("register_alloc(x=None)", registerAlloc)
    add("register_load(dst, src)") { a throws(TraceError) in try unary(a, "src") { .registerLoad(dst: $0, src: $1) } }
    add("register_store(dst, src)") { a throws(TraceError) in try unary(a, "src") { .registerStore(dst: $0, src: $1) } }
    add("register_move(dst, src)") { a throws(TraceError) in try unary(a, "src") { .registerMove(dst: $0, src: $1) } }
    add("get_nc_version()") { a throws(TraceError) in
      NkiEnumMember.member("nc_version", a.tracer.target.generation) ?? .none
    }
    add("sendrecv(src, dst, send_to_rank, recv_from_rank, pipe_id, dma_engine=dma_engine.dma, name=None)", sendrecv)
    add("core_barrier(data, cores, engine=engine.gpsimd, name=None)", coreBarrier)
    return f
  }()

  /// The names `nki.isa` exports that Tessel does not model yet: calling one is a located error.
  static let unmodelled: Set<String> = [
    "tensor_copy_predicated", "tensor_scalar_cumulative", "activate2", "local_gather", "nc_n_gather",
    "rng", "dropout", "set_rng_seed", "rand_set_state", "rand_get_state", "rand2", "exponential", "sequence_bounds",
    "select_reduce", "nonzero_with_count", "topk", "get_nc_sub_version",
  ]

  // MARK: - Lowerings

  /// An instruction with one destination and one source of the same tile shape.
  static func unary(
    _ a: CurrentArguments, _ source: String, _ make: (View, View) -> Operation
  ) throws(TraceError) -> Value {
    let (d, s) = try a.tracer.aligned(try a.view("dst"), try a.view(source), at: a.location)
    a.tracer.emit(make(d, s), engine: try a.engine(), at: a.location)
    return .none
  }

  static func dmaCopy(_ a: CurrentArguments) throws(TraceError) -> Value {
    let dst = try a.tensor("dst")
    let src = try a.tensor("src")
    if src.space == .psum {
      throw TraceError(
        rule: .wrongMemorySpace(operand: "src", expected: "sbuf|hbm", actual: .psum), operation: "dma_copy",
        at: a.location)
    }
    if try a.enumMember("dge_mode", "dge_mode") == "hwdge" && dst.dtype != src.dtype {
      throw TraceError(
        rule: .invalidDType(
          operand: "dst", dtype: dst.dtype,
          reason: "a hwdge DMA copies without converting: src is \(src.dtype.nkiName) (use .view to reinterpret)"),
        operation: "dma_copy", at: a.location)
    }
    let skip = try a.enumMember("oob_mode", "oob_mode") == "skip"
    guard dst.elementCount == src.elementCount else {
      throw TraceError(
        rule: .shapeMismatch(operands: ["dst", "src"], shapes: [dst.shape, src.shape]), operation: "dma_copy",
        at: a.location)
    }
    if dst.vectorOffset != nil && src.vectorOffset != nil {
      throw TraceError.unsupported("dma_copy with vector_offset on both dst and src", at: a.location)
    }
    for (side, t, other) in [(Operation.IndirectDMA.Side.destination, dst, src), (.source, src, dst)] {
      guard let indirect = try t.indirectAccess(at: a.location) else { continue }
      let plain = try other.irView(at: a.location)
      let (d, s) = side == .destination ? (indirect.view, plain) : (plain, indirect.view)
      a.tracer.emit(
        .indirectDMA(
          dst: d, src: s, indices: indirect.indices, side: side, offsetSteps: indirect.offsetSteps,
          outOfBounds: skip ? .skip : .error),
        at: a.location)
      return .none
    }
    if skip {
      throw TraceError.unsupported(
        "dma_copy(oob_mode=nisa.oob_mode.skip) without a vector_offset view (skipping out-of-bounds direct accesses)",
        at: a.location)
    }
    a.tracer.emit(.dmaCopy(dst: try dst.irView(at: a.location), src: try src.irView(at: a.location)), at: a.location)
    return .none
  }

  static func tensorCopy(_ a: CurrentArguments) throws(TraceError) -> Value {
    if a.given("dtype") {
      a.tracer.warn(
        "nisa.tensor_copy(dtype=...) is not an NKI 0.6 parameter; the destination's dtype decides the conversion",
        at: a.location)
    }
    return try unary(a, "src") { .tensorCopy(dst: $0, src: $1) }
  }

  static func memset(_ a: CurrentArguments) throws(TraceError) -> Value {
    let dst = try a.tensor("dst")
    guard let v = a.get("value") else {
      throw TraceError.typeError(.message("memset() argument 'value' must be a number, not None"), at: a.location)
    }
    let x = try a.ev.floatValue(v, at: a.location)
    if dst.dtype.isInteger, case .float = v {
      throw TraceError(
        rule: .invalidDType(
          operand: "value", dtype: dst.dtype,
          reason: "memset value \(x) must match the dtype of dst (an integer for an integer tile)"),
        operation: "memset", at: a.location)
    }
    a.tracer.emit(.memset(dst: try dst.irView(at: a.location), value: Float(x)), engine: try a.engine(), at: a.location)
    return .none
  }

  static func ncMatmul(_ a: CurrentArguments) throws(TraceError) -> Value {
    if try a.bool("is_transpose", default: false) {
      // A matmul against an identity moving through the array: dst = stationaryᵀ.
      return try unary(a, "stationary") { .transpose(dst: $0, src: $1) }
    }
    if try a.enumMember("perf_mode", "matmul_perf_mode") == "double_row" {
      throw TraceError.unsupported("nc_matmul(perf_mode=nisa.matmul_perf_mode.double_row)", at: a.location)
    }
    var acc = Accumulation.auto
    if let v = a.get("accumulate") { acc = try a.ev.truth(v, at: a.location) ? .add : .overwrite }
    let dst = try a.view("dst")
    let st = try a.view("stationary")
    let mv = try a.view("moving")
    try checkPETile(a, stationary: st)
    a.tracer.emit(.matmul(dst: dst, stationary: st, moving: mv, accumulation: acc), at: a.location)
    return .none
  }

  /// `nisa.nc_matmul_mx`: `dst` (PSUM) receives `stationaryᵀ @ moving` of the packed MX tiles
  /// with their block scales applied (``Operation/MatmulMX``); accumulation as for `nc_matmul`.
  static func ncMatmulMX(_ a: CurrentArguments) throws(TraceError) -> Value {
    var acc = Accumulation.auto
    if let v = a.get("accumulate") { acc = try a.ev.truth(v, at: a.location) ? .add : .overwrite }
    let st = try a.view("stationary")
    try checkPETile(a, stationary: st, mx: true)
    a.tracer.emit(
      .matmulMX(
        dst: try a.view("dst"), stationary: st, moving: try a.view("moving"),
        stationaryScale: try a.view("stationary_scale"), movingScale: try a.view("moving_scale"), accumulation: acc),
      at: a.location)
    return .none
  }

  static func ncTranspose(_ a: CurrentArguments) throws(TraceError) -> Value {
    let dst = try a.view("dst")
    let src = try a.view("data")
    a.tracer.emit(.transpose(dst: dst, src: src), engine: try a.engine() ?? .tensor, at: a.location)
    return .none
  }

  static func tensorTensor(_ a: CurrentArguments) throws(TraceError) -> Value {
    let views = try a.tracer.aligned([try a.view("dst"), try a.view("data1"), try a.view("data2")], at: a.location)
    a.tracer.emit(
      .tensorTensor(dst: views[0], a: views[1], b: views[2], op: try a.alu("op")), engine: try a.engine(),
      at: a.location)
    return .none
  }

  static func tensorScalar(_ a: CurrentArguments) throws(TraceError) -> Value {
    let f = try a.firstStage()
    a.tracer.emit(
      .tensorScalar(
        dst: f.dst, src: f.data, op0: f.op, operand0: f.operand, reverse0: f.reverse, op1: try a.optionalALU("op1"),
        operand1: try a.operand("operand1"), reverse1: try a.bool("reverse1", default: false)),
      engine: try a.engine(), at: a.location)
    return .none
  }

  static func tensorReduce(_ a: CurrentArguments) throws(TraceError) -> Value {
    let src = try a.tensor("data")
    var axes: [Int] = []
    if let v = a.get("axis") {
      if case .int(let i) = v {
        axes = [i]
      } else {
        for x in try a.ev.iterate(v, at: a.location) { axes.append(try a.ev.intValue(x, at: a.location)) }
      }
    }
    axes = axes.map { $0 < 0 ? $0 + src.shape.count : $0 }
    axes = a.tracer.reductionAxes(axes, rank: src.shape.count, at: a.location)
    let dst = try a.tensor("dst")
    // The destination has the kept dimensions (size 1 on reduced ones when keepdims).
    let dv = NKIRules.reductionDestination(
      try dst.irView(at: a.location), sourceShape: src.shape, axes: axes,
      keepDims: try a.bool("keepdims", default: false))
    let sv = try src.irView(at: a.location)
    a.tracer.emit(
      .tensorReduce(dst: dv, src: sv, op: try a.alu("op"), axes: axes, negate: try a.bool("negate", default: false)),
      at: a.location)
    return .none
  }

  static func tensorPartitionReduce(_ a: CurrentArguments) throws(TraceError) -> Value {
    a.tracer.emit(
      .tensorPartitionReduce(dst: try a.view("dst"), src: try a.view("data"), op: try a.alu("op")), at: a.location)
    return .none
  }

  static func activation(_ a: CurrentArguments) throws(TraceError) -> Value {
    let (d, s) = try a.tracer.aligned(try a.view("dst"), try a.view("data"), at: a.location)
    var bias: View?
    if let b = a.get("bias") {
      guard case .native(let o) = b, let t = o as? NkiTensor else {
        throw TraceError.unsupported("activation(bias=<a number>) (pass a [P, 1] tensor)", at: a.location)
      }
      bias = try t.irView(at: a.location)
    }
    let reduceOp = try a.optionalALU("reduce_op")
    let reduceRes = try a.optionalTensor("reduce_res")?.irView(at: a.location)
    if let cmd = try a.enumMember("reduce_cmd", "reduce_cmd"), cmd != "idle" && cmd != "reset_reduce" {
      throw TraceError.unsupported(
        "activation(reduce_cmd=nisa.reduce_cmd.\(cmd)) (accumulator state across instructions)", at: a.location)
    }
    if reduceOp != nil && reduceRes == nil {
      throw TraceError.unsupported(
        "activation(reduce_op=..., reduce_res=None) (a reduction kept in the accumulator)", at: a.location)
    }
    a.tracer.emit(
      .activation(
        dst: d, src: s, function: try a.activation("op"), scale: try a.operand("scale") ?? .scalar(1), bias: bias,
        reduceOp: reduceRes == nil ? nil : reduceOp, reduceDst: reduceRes), at: a.location)
    return .none
  }

  static func reciprocal(_ a: CurrentArguments) throws(TraceError) -> Value {
    try unary(a, "data") { .reciprocal(dst: $0, src: $1) }
  }

  static func iota(_ a: CurrentArguments) throws(TraceError) -> Value {
    let pattern = try a.pattern("pattern")
    let dst = try a.tracer.patterned(try a.view("dst"), pattern, operation: "iota", at: a.location)
    let c = NKIRules.patternValue(
      steps: pattern.map(\.step), channelMultiplier: try a.int("channel_multiplier", default: 0),
      offset: try a.int("offset", default: 0))
    a.tracer.emit(.iota(dst: dst, expression: c), at: a.location)
    return .none
  }

  static func affineSelect(_ a: CurrentArguments) throws(TraceError) -> Value {
    let pattern = try a.pattern("pattern")
    let dst = try a.tracer.patterned(try a.view("dst"), pattern, operation: "affine_select", at: a.location)
    let src = try a.tracer.patterned(try a.view("on_true_tile"), pattern, operation: "affine_select", at: a.location)
    var cmpName = "equal"
    if let v = a.get("cmp_op") {
      guard case .native(let o) = v, let op = o as? NkiOp else {
        throw a.typeError("cmp_op", "a comparison such as nl.equal", v)
      }
      cmpName = op.name
    }
    guard let alu = ALUOp(rawValue: cmpName), let cmp = AffineCondition.Comparison(alu) else {
      throw TraceError(
        rule: .invalidOp(op: "nl.\(cmpName)", reason: "cmp_op must be a comparison"), operation: "affine_select",
        at: a.location)
    }
    let c = NKIRules.patternValue(
      steps: pattern.map(\.step), channelMultiplier: try a.int("channel_multiplier", default: 0),
      offset: try a.int("offset", default: 0), comparison: cmp)
    a.tracer.emit(
      .affineSelect(dst: dst, predicate: c, onTrue: src, onFalse: Float(try a.float("on_false_value") ?? 0)),
      at: a.location)
    return .none
  }

  static func tensorTensorScan(_ a: CurrentArguments) throws(TraceError) -> Value {
    let r0 = try a.bool("reverse0", default: false)
    let r1 = try a.bool("reverse1", default: false)
    if r0 || r1 {
      throw TraceError.unsupported("tensor_tensor_scan(reverse0=True / reverse1=True)", at: a.location)
    }
    let views = try a.tracer.aligned([try a.view("dst"), try a.view("data0"), try a.view("data1")], at: a.location)
    guard let initial = try a.operand("initial") else {
      throw TraceError.typeError(
        .message("tensor_tensor_scan() argument 'initial' must be a number or a [P, 1] tensor"), at: a.location)
    }
    a.tracer.emit(
      .tensorTensorScan(
        dst: views[0], data0: views[1], data1: views[2], initial: initial, op0: try a.alu("op0"), op1: try a.alu("op1")),
      at: a.location)
    return .none
  }

  static func dmaTranspose(_ a: CurrentArguments) throws(TraceError) -> Value {
    let src = try a.tensor("src")
    let axes = try a.ints("axes") ?? NKIRules.defaultTransposeAxes(rank: src.shape.count)
    let hardwareDGE = try a.enumMember("dge_mode", "dge_mode") == "hwdge"
    a.tracer.emit(
      .dmaTranspose(dst: try a.view("dst"), src: try src.irView(at: a.location), axes: axes, hardwareDGE: hardwareDGE),
      at: a.location)
    return .none
  }

  static func dmaCompute(_ a: CurrentArguments) throws(TraceError) -> Value {
    if try a.alu("reduce_op") != .add {
      throw TraceError(
        rule: .invalidOp(op: "reduce_op", reason: "dma_compute supports only nl.add"), operation: "dma_compute",
        at: a.location)
    }
    var srcs: [View] = []
    for v in try a.ev.iterate(a.get("srcs") ?? .none, at: a.location) {
      guard case .native(let o) = v, let t = o as? NkiTensor else { throw a.typeError("srcs", "a list of tensors", v) }
      srcs.append(try t.irView(at: a.location))
    }
    if let scales = a.get("scales") {
      for s in try a.ev.iterate(scales, at: a.location) where try a.ev.floatValue(s, at: a.location) != 1 {
        throw TraceError.unsupported("dma_compute(scales=...) other than 1.0 (NKI supports only 1.0)", at: a.location)
      }
    }
    a.tracer.emit(.dmaCompute(dst: try a.view("dst"), srcs: srcs), at: a.location)
    return .none
  }

  static func rangeSelect(_ a: CurrentArguments) throws(TraceError) -> Value {
    if let cmd = try a.enumMember("reduce_cmd", "reduce_cmd"), cmd != "reset_reduce" {
      throw TraceError.unsupported(
        "range_select(reduce_cmd=nisa.reduce_cmd.\(cmd)) (accumulator state across instructions)", at: a.location)
    }
    if let op = try a.optionalALU("reduce_op"), op != .maximum {
      throw TraceError(
        rule: .invalidOp(op: op.nkiName, reason: "range_select reduces with nl.maximum only"),
        operation: "range_select", at: a.location)
    }
    let (d, s) = try a.tracer.aligned(try a.view("dst"), try a.view("on_true_tile"), at: a.location)
    a.tracer.emit(
      .rangeSelect(
        dst: d, onTrue: s, cmp0: try a.alu("comp_op0"), cmp1: try a.alu("comp_op1"), bound0: try a.view("bound0"),
        bound1: try a.view("bound1"), rangeStart: try a.int("range_start", default: 0),
        onFalse: Float(try a.float("on_false_value") ?? -Double(Float.greatestFiniteMagnitude)),
        reduceDst: try a.optionalTensor("reduce_res")?.irView(at: a.location)), at: a.location)
    return .none
  }

  static func registerAlloc(_ a: CurrentArguments) throws(TraceError) -> Value {
    let reg = try a.tracer.declare(
      name: a.tracer.freshName("reg"), space: .sbuf, shape: [1, 1], dtype: .int32, at: a.location)
    if let x = a.get("x") {
      a.tracer.emit(
        .memset(dst: try reg.irView(at: a.location), value: Float(try a.ev.intValue(x, at: a.location))), at: a.location
      )
    }
    return .native(reg)
  }

  static func sendrecv(_ a: CurrentArguments) throws(TraceError) -> Value {
    let t = a.tracer
    let peer = try a.int("send_to_rank", default: 0)
    guard peer == (try a.int("recv_from_rank", default: 0)), peer >= 0, peer < t.programs, peer != t.programID else {
      throw TraceError.unsupported(
        "sendrecv between program \(t.programID) and ranks other than its one peer of a \(t.programs)-program launch",
        at: a.location)
    }
    t.rendezvous.append(
      CurrentTracer.Rendezvous(
        instruction: t.builder.kernel.instructions.count, send: try a.view("src"), receive: try a.view("dst"),
        peer: peer,
        location: a.location))
    return .none
  }

  static func coreBarrier(_ a: CurrentArguments) throws(TraceError) -> Value {
    let t = a.tracer
    t.rendezvous.append(
      CurrentTracer.Rendezvous(
        instruction: t.builder.kernel.instructions.count, send: nil, receive: nil, peer: -1, location: a.location))
    return .none
  }
}
