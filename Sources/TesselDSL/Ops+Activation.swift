import TesselIR

// Generated: the `nl` unary math functions, each lowering to `activation(function, scale: 1,
// bias: nil)` on the Scalar engine.

/// `nl.exp(x)`: `activation(.exp, x)` into a new SBUF tile.
///
/// ```swift
/// let y = exp(x)
/// ```
public func exp<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.exp, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.log(x)`: `activation(.log, x)` into a new SBUF tile.
///
/// ```swift
/// let y = log(x)
/// ```
public func log<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.log, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.tanh(x)`: `activation(.tanh, x)` into a new SBUF tile.
///
/// ```swift
/// let y = tanh(x)
/// ```
public func tanh<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.tanh, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.sigmoid(x)`: `activation(.sigmoid, x)` into a new SBUF tile.
///
/// ```swift
/// let y = sigmoid(x)
/// ```
public func sigmoid<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.sigmoid, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.relu(x)`: `activation(.relu, x)` into a new SBUF tile.
///
/// ```swift
/// let y = relu(x)
/// ```
public func relu<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.relu, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.gelu(x)`: `activation(.gelu, x)` into a new SBUF tile.
///
/// ```swift
/// let y = gelu(x)
/// ```
public func gelu<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.gelu, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.silu(x)`: `activation(.silu, x)` into a new SBUF tile.
///
/// ```swift
/// let y = silu(x)
/// ```
public func silu<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.silu, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.sqrt(x)`: `activation(.sqrt, x)` into a new SBUF tile.
///
/// ```swift
/// let y = sqrt(x)
/// ```
public func sqrt<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.sqrt, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.rsqrt(x)`: `activation(.rsqrt, x)` into a new SBUF tile.
///
/// ```swift
/// let y = rsqrt(x)
/// ```
public func rsqrt<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.rsqrt, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.square(x)`: `activation(.square, x)` into a new SBUF tile.
///
/// ```swift
/// let y = square(x)
/// ```
public func square<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.square, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.abs(x)`: `activation(.abs, x)` into a new SBUF tile.
///
/// ```swift
/// let y = abs(x)
/// ```
public func abs<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.abs, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.negative(x)`: `activation(.negative, x)` into a new SBUF tile.
///
/// ```swift
/// let y = negative(x)
/// ```
public func negative<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.negative, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.sin(x)`: `activation(.sin, x)` into a new SBUF tile.
///
/// ```swift
/// let y = sin(x)
/// ```
public func sin<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.sin, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.cos(x)`: `activation(.cos, x)` into a new SBUF tile.
///
/// ```swift
/// let y = cos(x)
/// ```
public func cos<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.cos, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.tan(x)`: `activation(.tan, x)` into a new SBUF tile.
///
/// ```swift
/// let y = tan(x)
/// ```
public func tan<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.tan, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.arctan(x)`: `activation(.arctan, x)` into a new SBUF tile.
///
/// ```swift
/// let y = arctan(x)
/// ```
public func arctan<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.arctan, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.erf(x)`: `activation(.erf, x)` into a new SBUF tile.
///
/// ```swift
/// let y = erf(x)
/// ```
public func erf<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.erf, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.softplus(x)`: `activation(.softplus, x)` into a new SBUF tile.
///
/// ```swift
/// let y = softplus(x)
/// ```
public func softplus<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.softplus, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.mish(x)`: `activation(.mish, x)` into a new SBUF tile.
///
/// ```swift
/// let y = mish(x)
/// ```
public func mish<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.mish, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.sign(x)`: `activation(.sign, x)` into a new SBUF tile.
///
/// ```swift
/// let y = sign(x)
/// ```
public func sign<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.sign, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.floor(x)`: `activation(.floor, x)` into a new SBUF tile.
///
/// ```swift
/// let y = floor(x)
/// ```
public func floor<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.floor, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.ceil(x)`: `activation(.ceil, x)` into a new SBUF tile.
///
/// ```swift
/// let y = ceil(x)
/// ```
public func ceil<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.ceil, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.trunc(x)`: `activation(.trunc, x)` into a new SBUF tile.
///
/// ```swift
/// let y = trunc(x)
/// ```
public func trunc<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.trunc, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}

/// `nl.gelu_apprx_tanh(x)`: `activation(.geluApprxTanh, x)` into a new SBUF tile.
///
/// ```swift
/// let y = geluApprxTanh(x)
/// ```
public func geluApprxTanh<S: OnChipMemory>(
  _ x: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  activationImpl(.geluApprxTanh, x.handle, x.view, .scalar(1), [], nil, nil, dtype, mask, loc(fileID, line, column))
}
