import TesselIR
import TesselPython

/// One function of an NKI API: its name and Python signature.
///
/// The binding lowers a call by the function's name once the evaluator has bound the call's
/// arguments to ``signature`` (so unknown, duplicate and missing arguments are Python's
/// `TypeError`s, for every function alike).
public struct NKIFunction: Sendable, Hashable {
  /// The dotted name as kernels spell it (`nl.add`, `nisa.activation`).
  public var name: String
  /// The parameters the function accepts, with their defaults.
  public var signature: Signature
}

/// The legacy NKI API (`neuronxcc.nki.language` as `nl`, `neuronxcc.nki.isa` as `nisa`) that
/// Tessel implements: one table that tracing, keyword checking, completion, `help()` and the docs
/// read.
///
/// The signatures follow AWS's legacy API reference; the `**kwargs` that AWS's functions take
/// is left out, so a misspelled keyword is an error instead of being ignored.
///
/// ```swift
/// LegacyNKIAPI.function(named: "nl.load")?.signature.description
/// // "nl.load(src, *, mask=None, dtype=None, mode=None)"
/// ```
public enum LegacyNKIAPI {
  /// Elementwise functions of one tile (`nl.exp(x)`), run on the Scalar engine.
  static let unary = [
    "exp", "log", "sqrt", "rsqrt", "square", "abs", "negative", "sign", "trunc", "floor", "ceil", "sin", "cos", "tan",
    "tanh", "arctan", "sigmoid", "relu", "gelu", "gelu_dx", "gelu_apprx_tanh", "gelu_apprx_sigmoid", "silu", "silu_dx",
    "erf", "erf_dx", "softplus", "mish",
  ]

  /// Elementwise functions of two operands (`nl.add(x, y)`): tiles, `[P, 1]` vectors or scalars.
  static let binary = [
    "add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "mod", "fmod", "equal", "not_equal",
    "greater", "greater_equal", "less", "less_equal", "logical_and", "logical_or", "logical_xor", "bitwise_and",
    "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "abs_max", "abs_min",
  ]

  /// Reductions along free axes (`nl.sum(x, axis)`), each a `tensor_reduce` with its ALU
  /// operation; `nl.mean` then scales the sum by `1 / n`.
  static let reductions: [(name: String, op: ALUOp)] = [
    ("sum", .add), ("max", .maximum), ("min", .minimum), ("mean", .add), ("prod", .multiply), ("all", .logicalAnd),
  ]

  /// The ALU operation of the reduction `nl.<name>`, or nil when `name` is no reduction.
  static func reductionOp(_ name: String) -> ALUOp? { reductions.first { $0.name == name }?.op }

  /// The signatures, as Python text.
  static let texts: [String] =
    unary.map { "nl.\($0)(x, *, dtype=None, mask=None)" }
    + binary.map { "nl.\($0)(x, y, *, dtype=None, mask=None)" }
    + ["ndarray", "zeros", "ones", "empty"].map {
      "nl.\($0)(shape, dtype, *, buffer=None, name='', lazy_initialization=False)"
    }
    + ["zeros_like", "ones_like", "empty_like"].map { "nl.\($0)(a, dtype=None, *, buffer=None, name='')" }
    + [
      "nl.full(shape, fill_value, dtype, *, buffer=None, name='', lazy_initialization=False)",
      "nl.full_like(a, fill_value, dtype=None, *, buffer=None, name='')",
      "nl.par_dim(size)",
      "nl.arange(*args)",
      "nl.ds(start, size)",
      "nl.affine_range(*args, directives=None, precise_schedule=False)",
      "nl.sequential_range(*args, directives=None, precise_schedule=False)",
      "nl.static_range(*args)",
      "nl.program_id(axis=0)",
      "nl.num_programs(axes=None)",
      "nl.program_ndim()",
      "nl.device_print(prefix, x, *, mask=None)",
      "nl.load(src, *, mask=None, dtype=None, mode=None)",
      "nl.store(dst, value, *, mask=None, mode=None)",
      "nl.load_transpose2d(src, *, mask=None, dtype=None)",
      "nl.copy(src, *, mask=None, dtype=None)",
      "nl.broadcast_to(src, *, shape)",
      "nl.matmul(x, y, *, transpose_x=False, mask=None)",
      "nl.transpose(x, *, dtype=None, mask=None)",
      "nl.where(condition, x, y, *, dtype=None, mask=None)",
      "nl.reciprocal(x, *, dtype=None, mask=None)",
      "nl.softmax(x, axis, *, dtype=None, compute_dtype=None, mask=None)",
      "nl.loop_reduce(x, op, loop_indices, *, dtype=None, mask=None, name='')",
      "nl.all_reduce(x, op, program_axes, *, dtype=None, mask=None, parallel_reduce=True, asynchronous=False)",
      "nl.shared_constant(constant, dtype=None)",
      "nl.shared_identity_matrix(n, dtype=None)",
      "ncc.sbuf.alloc(func)",
      "ncc.sbuf.mod_alloc(*, base_addr, base_partition=0, num_par_tiles=(), num_free_tiles=())",
      "ncc.sbuf.auto_alloc()",
      "ncc.psum.alloc(func)",
      "ncc.psum.mod_alloc(*, base_bank, base_addr=0, base_partition=0, num_bank_tiles=(), num_par_tiles=(), num_free_tiles=())",
      "ncc.psum.auto_alloc()",
      "ncc.multi_buffer(factor=2)",
      "nl.finfo(dtype)",
      "nl.iinfo(dtype)",
    ]
    + reductions.map { "nl.\($0.name)(x, axis, *, dtype=None, mask=None, keepdims=False)" }
    + [
      "nisa.nc_matmul(stationary, moving, *, is_stationary_onezero=False, is_moving_onezero=False, is_transpose=False, tile_position=None, tile_size=None, mask=None, perf_mode=None, name='')",
      "nisa.nc_transpose(data, *, mask=None, dtype=None, engine=unknown_engine, name='')",
      "nisa.dma_transpose(src, *, axes=None, mask=None, dtype=None, dge_mode=dge_mode.unknown, name='')",
      "nisa.activation(op, data, *, bias=None, scale=1.0, reduce_op=None, reduce_res=None, reduce_cmd=reduce_cmd.idle, mask=None, dtype=None, name='')",
      "nisa.activation_reduce(op, data, *, reduce_op, reduce_res, bias=None, scale=1.0, mask=None, dtype=None, name='')",
      "nisa.tensor_reduce(op, data, axis, *, mask=None, dtype=None, negate=False, keepdims=False, name='')",
      "nisa.tensor_tensor(data1, data2, op, *, dtype=None, mask=None, engine=unknown_engine, name='')",
      "nisa.tensor_scalar(data, op0, operand0, reverse0=False, op1=None, operand1=None, reverse1=False, *, dtype=None, mask=None, engine=unknown_engine, name='')",
      "nisa.tensor_copy(src, *, mask=None, dtype=None, engine=unknown_engine, name='')",
      "nisa.scalar_tensor_tensor(*, data, op0, operand0, op1, operand1, reverse0=False, reverse1=False, dtype=None, mask=None, name='')",
      "nisa.tensor_scalar_reduce(*, data, op0, operand0, reduce_op, reduce_res, reverse0=False, dtype=None, mask=None, name='')",
      "nisa.reciprocal(data, *, dtype=None, mask=None, name='')",
      "nisa.iota(expr, dtype=None, *, mask=None, name='')",
      "nisa.affine_select(pred, on_true_tile, on_false_value, *, dtype=None, mask=None, name='')",
      "nisa.memset(shape, value, dtype, *, mask=None, engine=unknown_engine, name='')",
      "nisa.bn_stats(data, *, dtype=None, mask=None, name='')",
      "nisa.bn_aggr(data, *, dtype=None, mask=None, name='')",
      "nisa.tensor_tensor_scan(data0, data1, initial, op0, op1, reverse0=False, reverse1=False, *, dtype=None, mask=None, name='')",
      "nisa.tensor_partition_reduce(op, data, *, mask=None, dtype=None, name='')",
      "nisa.dma_copy(*, dst, src, mask=None, dst_rmw_op=None, oob_mode=oob_mode.error, dge_mode=dge_mode.unknown, name='')",
      "nisa.get_nc_version()",
    ]

  /// Every function of the table, in order.
  public static let functions: [NKIFunction] = texts.compactMap { text in
    guard let s = try? Signature(parsing: text) else { return nil }
    return NKIFunction(name: s.name, signature: s)
  }

  /// Whether every signature text parses (checked by the tests).
  static var allSignaturesParse: Bool { functions.count == texts.count }

  static let byName: [String: NKIFunction] = Dictionary(
    functions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

  /// The function named `name` (`nl.load`), if Tessel implements it.
  public static func function(named name: String) -> NKIFunction? { byName[name] }

  /// The names of a module's functions (`nl`, `nisa`), for completion.
  public static func names(in module: String) -> [String] {
    functions.filter { $0.name.hasPrefix(module + ".") }.map { String($0.name.dropFirst(module.count + 1)) }
  }
}
