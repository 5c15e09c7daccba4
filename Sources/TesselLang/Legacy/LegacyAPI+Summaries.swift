/// One-line descriptions of the legacy API's functions, which `help()` at the prompt shows under
/// each signature.
extension LegacyNKIAPI {
  /// What `name` (`nl.exp`, `nisa.activation`) does, in one line; nil for a name not in the table.
  ///
  /// ```swift
  /// LegacyNKIAPI.summary(of: "nl.exp")   // "Elementwise exponential of a tile."
  /// ```
  public static func summary(of name: String) -> String? {
    guard function(named: name) != nil else { return nil }
    let parts = name.split(separator: ".", maxSplits: 1)
    let short = String(parts.last ?? "")
    if parts.first == "nl" {
      // NKI documents no engine for `nl` functions (the compiler picks one), so none is named here.
      if let what = unaryWords[short] { return "Elementwise \(what) of a tile." }
      if let what = binaryWords[short] {
        return "Elementwise \(what) of two tiles, a tile and a [P, 1] vector, or a tile and a scalar."
      }
      if reductionOp(short) != nil {
        return
          "Reduces a tile along the free axes `axis` (\(reductionWords[short] ?? short)); keepdims keeps them as size 1."
      }
    }
    return summaries[name]
  }

  static let unaryWords: [String: String] = [
    "exp": "exponential", "log": "natural logarithm", "sqrt": "square root", "rsqrt": "reciprocal square root",
    "square": "square", "abs": "absolute value", "negative": "negation", "sign": "sign (-1, 0 or 1)",
    "trunc": "truncation toward zero", "floor": "floor", "ceil": "ceiling", "sin": "sine", "cos": "cosine",
    "tan": "tangent", "tanh": "hyperbolic tangent", "arctan": "arctangent", "sigmoid": "logistic sigmoid",
    "relu": "ReLU", "gelu": "GELU", "gelu_dx": "derivative of GELU", "gelu_apprx_tanh": "tanh-approximated GELU",
    "gelu_apprx_sigmoid": "sigmoid-approximated GELU", "silu": "SiLU (x · sigmoid(x))", "silu_dx": "derivative of SiLU",
    "erf": "error function", "erf_dx": "derivative of the error function", "softplus": "softplus (log(1 + exp(x)))",
    "mish": "Mish (x · tanh(softplus(x)))",
  ]

  static let binaryWords: [String: String] = [
    "add": "sum", "subtract": "difference", "multiply": "product", "divide": "quotient", "power": "power x ** y",
    "maximum": "maximum", "minimum": "minimum", "mod": "modulo (sign of y)", "fmod": "remainder (sign of x)",
    "equal": "x == y (1 or 0)", "not_equal": "x != y (1 or 0)", "greater": "x > y (1 or 0)",
    "greater_equal": "x >= y (1 or 0)", "less": "x < y (1 or 0)", "less_equal": "x <= y (1 or 0)",
    "logical_and": "logical and", "logical_or": "logical or", "logical_xor": "logical exclusive or",
    "bitwise_and": "bitwise and", "bitwise_or": "bitwise or", "bitwise_xor": "bitwise exclusive or",
    "left_shift": "left shift", "right_shift": "right shift", "abs_max": "max(|x|, |y|)", "abs_min": "min(|x|, |y|)",
  ]

  static let reductionWords: [String: String] = [
    "sum": "sum", "max": "maximum", "min": "minimum", "mean": "mean", "prod": "product", "all": "logical and",
  ]

  static let summaries: [String: String] = [
    "nl.ndarray": "A new tensor of `shape` and `dtype` in `buffer` (SBUF by default), not initialized.",
    "nl.zeros": "A new tensor of `shape` filled with 0.",
    "nl.ones": "A new tensor of `shape` filled with 1.",
    "nl.empty": "A new tensor of `shape`, not initialized.",
    "nl.zeros_like": "A new tensor of `a`'s shape filled with 0.",
    "nl.ones_like": "A new tensor of `a`'s shape filled with 1.",
    "nl.empty_like": "A new tensor of `a`'s shape, not initialized.",
    "nl.full": "A new tensor of `shape` filled with `fill_value`.",
    "nl.full_like": "A new tensor of `a`'s shape filled with `fill_value`.",
    "nl.par_dim": "Marks a shape's dimension as the partition dimension (`(n, nl.par_dim(128), 512)`).",
    "nl.arange": "An index along one dimension, for indexing tiles (`nl.arange(128)[:, None]`).",
    "nl.ds": "A dynamic slice: `size` elements from `start` (which may depend on a loop index).",
    "nl.affine_range": "A loop whose iterations do not depend on each other (may run in parallel).",
    "nl.sequential_range": "A loop whose iterations run in order (a loop-carried dependence is allowed).",
    "nl.static_range": "A loop unrolled at trace time.",
    "nl.program_id": "The index of this program instance along grid axis `axis` (SPMD).",
    "nl.num_programs":
      "The number of program instances along grid axes `axes`, or in the whole grid without `axes` (SPMD).",
    "nl.program_ndim": "The number of grid dimensions (SPMD).",
    "nl.device_print": "Prints `prefix` and the values of tile `x` when the kernel runs.",
    "nl.load": "Copies a tensor from HBM into a new SBUF tile (DMA).",
    "nl.store": "Copies a tile into an HBM tensor (DMA).",
    "nl.load_transpose2d": "Loads a 2-D HBM tensor transposed into a new SBUF tile (DMA).",
    "nl.copy": "A copy of a tile, optionally converted to `dtype`.",
    "nl.broadcast_to": "The tile broadcast to `shape` by numpy's rules (dimensions of size 1 repeat).",
    "nl.matmul": "x @ y, or x.T @ y with transpose_x=True (x given already transposed), in PSUM (Tensor engine).",
    "nl.transpose": "Transposes a 2-D tile: its partition and free dimensions swapped.",
    "nl.where": "Elementwise select: x where condition is true, else y.",
    "nl.reciprocal": "Elementwise 1 / x of a tile.",
    "nl.softmax": "Softmax of a tile along `axis`.",
    "nl.shared_constant": "A read-only HBM tensor holding a numpy array built at trace time (np.identity, ...).",
    "nl.shared_identity_matrix": "A read-only n x n identity matrix in HBM (default dtype uint8).",
    "ncc.sbuf.alloc": "Direct SBUF allocation by a function of the block index; Tessel allocates the tensor itself.",
    "ncc.sbuf.mod_alloc": "Direct SBUF modulo allocation; Tessel allocates the tensor itself.",
    "ncc.sbuf.auto_alloc": "Automatic SBUF allocation.",
    "ncc.psum.alloc": "Direct PSUM allocation by a function of the block index; Tessel allocates the tensor itself.",
    "ncc.psum.mod_alloc": "Direct PSUM modulo allocation (bank rotation); Tessel allocates the tensor itself.",
    "ncc.psum.auto_alloc": "Automatic PSUM allocation.",
    "ncc.multi_buffer":
      "A loop directive: multi-buffered allocation of the loop's tiles; it does not change what the loop computes.",
    "nl.loop_reduce":
      "Reduces `x` with `op` over the iterations of `loop_indices` into the tile it is assigned to, which is op's other input.",
    "nl.all_reduce":
      "Reduces `x` over the SPMD programs along `program_axes`; every program of a group receives the result.",
    "nl.finfo": "Machine limits of a floating-point dtype (max, min, eps, tiny).",
    "nl.iinfo": "Machine limits of an integer dtype (max, min).",
    "nisa.nc_matmul": "stationary.T @ moving on the Tensor engine, into PSUM (contraction over partitions).",
    "nisa.nc_transpose": "Transposes a tile on the Tensor engine (up to 128 x 128) or the Vector engine (32 x 32).",
    "nisa.dma_transpose": "Transposes a tensor (axes reversed, or as given) while a DMA moves it into SBUF.",
    "nisa.activation": "op(data * scale + bias) on the Scalar engine, optionally reduced along the free axis.",
    "nisa.activation_reduce":
      "op(data * scale + bias) on the Scalar engine, with its free-axis reduction in reduce_res.",
    "nisa.tensor_reduce": "Reduces a tile with `op` along the free axes `axis` (Vector engine).",
    "nisa.tensor_tensor": "Elementwise `op` of two tiles (Vector or GpSimd engine).",
    "nisa.tensor_scalar":
      "(data op0 operand0) op1 operand1, operands scalars or [P, 1] vectors (Vector, Scalar or GpSimd engine).",
    "nisa.tensor_copy":
      "Copies a tile within on-chip memory, optionally converting its dtype (Vector, Scalar or GpSimd engine).",
    "nisa.reciprocal": "Elementwise 1 / data (Vector engine).",
    "nisa.iota": "A tile of index values computed from the affine expression `expr` (GpSimd engine).",
    "nisa.affine_select": "on_true_tile where the affine predicate holds, else on_false_value (GpSimd engine).",
    "nisa.memset": "A new tile of `shape` filled with the constant `value` (Vector or GpSimd engine).",
    "nisa.bn_stats": "Per-partition mean and variance statistics of a tile, for batch normalization (Vector engine).",
    "nisa.bn_aggr": "Aggregates bn_stats results into mean and variance (Vector engine).",
    "nisa.tensor_tensor_scan":
      "A scan along the free axis: out[i] = (data0[i] op0 out[i-1]) op1 data1[i] (Vector engine).",
    "nisa.tensor_partition_reduce": "Reduces a tile across partitions with `op` (GpSimd engine).",
    "nisa.dma_copy": "Copies between tensors with a DMA engine, optionally read-modify-write (`dst_rmw_op`).",
    "nisa.get_nc_version": "The NeuronCore generation of the target.",
    "nisa.scalar_tensor_tensor":
      "(data op0 operand0) op1 operand1: a scalar or [P, 1] vector, then a tile (Vector engine).",
    "nisa.tensor_scalar_reduce":
      "data op0 operand0, also reduced with reduce_op along the free axes into reduce_res (Vector engine).",
  ]
}
