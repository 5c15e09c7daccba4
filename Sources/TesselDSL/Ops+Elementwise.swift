import TesselIR

// Generated: the `nl` elementwise binary functions, each lowering to `tensor_tensor` (two
// tiles) or `tensor_scalar` (a tile and an fp32 immediate; `reverse0` when the scalar comes first).

/// `nl.add(a, b)`: `a + b` elementwise into a new SBUF tile (`tensor_tensor` with `add`).
///
/// ```swift
/// let r = add(x, y)
/// ```
public func add<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .add, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.add(a, scalar)`: `a + b` with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = add(x, 2)
/// ```
public func add<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .add, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.add(scalar, b)`: `a + b` with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = add(1, x)
/// ```
public func add<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .add, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.subtract(a, b)`: `a - b` elementwise into a new SBUF tile (`tensor_tensor` with `subtract`).
///
/// ```swift
/// let r = subtract(x, y)
/// ```
public func subtract<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .subtract, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.subtract(a, scalar)`: `a - b` with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = subtract(x, 2)
/// ```
public func subtract<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .subtract, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.subtract(scalar, b)`: `a - b` with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = subtract(1, x)
/// ```
public func subtract<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .subtract, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.multiply(a, b)`: `a * b` elementwise into a new SBUF tile (`tensor_tensor` with `multiply`).
///
/// ```swift
/// let r = multiply(x, y)
/// ```
public func multiply<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .multiply, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.multiply(a, scalar)`: `a * b` with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = multiply(x, 2)
/// ```
public func multiply<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .multiply, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.multiply(scalar, b)`: `a * b` with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = multiply(1, x)
/// ```
public func multiply<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .multiply, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.divide(a, b)`: `a / b` elementwise into a new SBUF tile (`tensor_tensor` with `divide`).
///
/// ```swift
/// let r = divide(x, y)
/// ```
public func divide<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .divide, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.divide(a, scalar)`: `a / b` with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = divide(x, 2)
/// ```
public func divide<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .divide, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.divide(scalar, b)`: `a / b` with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = divide(1, x)
/// ```
public func divide<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .divide, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.maximum(a, b)`: `max(a, b)` elementwise into a new SBUF tile (`tensor_tensor` with `maximum`).
///
/// ```swift
/// let r = maximum(x, y)
/// ```
public func maximum<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .maximum, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.maximum(a, scalar)`: `max(a, b)` with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = maximum(x, 2)
/// ```
public func maximum<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .maximum, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.maximum(scalar, b)`: `max(a, b)` with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = maximum(1, x)
/// ```
public func maximum<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .maximum, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.minimum(a, b)`: `min(a, b)` elementwise into a new SBUF tile (`tensor_tensor` with `minimum`).
///
/// ```swift
/// let r = minimum(x, y)
/// ```
public func minimum<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .minimum, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.minimum(a, scalar)`: `min(a, b)` with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = minimum(x, 2)
/// ```
public func minimum<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .minimum, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.minimum(scalar, b)`: `min(a, b)` with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = minimum(1, x)
/// ```
public func minimum<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .minimum, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.power(a, b)`: `pow(a, b)` elementwise into a new SBUF tile (`tensor_tensor` with `power`).
///
/// ```swift
/// let r = power(x, y)
/// ```
public func power<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .power, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.power(a, scalar)`: `pow(a, b)` with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = power(x, 2)
/// ```
public func power<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .power, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.power(scalar, b)`: `pow(a, b)` with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = power(1, x)
/// ```
public func power<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .power, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.mod(a, b)`: `a mod b` (sign of the divisor) elementwise into a new SBUF tile (`tensor_tensor` with `mod`).
///
/// ```swift
/// let r = mod(x, y)
/// ```
public func mod<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .mod, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.mod(a, scalar)`: `a mod b` (sign of the divisor) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = mod(x, 2)
/// ```
public func mod<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .mod, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.mod(scalar, b)`: `a mod b` (sign of the divisor) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = mod(1, x)
/// ```
public func mod<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .mod, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.fmod(a, b)`: C `fmod(a, b)` elementwise into a new SBUF tile (`tensor_tensor` with `fmod`).
///
/// ```swift
/// let r = fmod(x, y)
/// ```
public func fmod<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .fmod, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.fmod(a, scalar)`: C `fmod(a, b)` with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = fmod(x, 2)
/// ```
public func fmod<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .fmod, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.fmod(scalar, b)`: C `fmod(a, b)` with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = fmod(1, x)
/// ```
public func fmod<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .fmod, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.equal(a, b)`: `a == b` (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `equal`).
///
/// ```swift
/// let r = equal(x, y)
/// ```
public func equal<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .equal, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.equal(a, scalar)`: `a == b` (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = equal(x, 2)
/// ```
public func equal<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .equal, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.equal(scalar, b)`: `a == b` (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = equal(1, x)
/// ```
public func equal<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .equal, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.not_equal(a, b)`: `a != b` (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `not_equal`).
///
/// ```swift
/// let r = notEqual(x, y)
/// ```
public func notEqual<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .notEqual, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.not_equal(a, scalar)`: `a != b` (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = notEqual(x, 2)
/// ```
public func notEqual<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .notEqual, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.not_equal(scalar, b)`: `a != b` (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = notEqual(1, x)
/// ```
public func notEqual<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .notEqual, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.greater(a, b)`: `a > b` (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `greater`).
///
/// ```swift
/// let r = greater(x, y)
/// ```
public func greater<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .greater, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.greater(a, scalar)`: `a > b` (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = greater(x, 2)
/// ```
public func greater<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .greater, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.greater(scalar, b)`: `a > b` (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = greater(1, x)
/// ```
public func greater<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .greater, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.greater_equal(a, b)`: `a >= b` (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `greater_equal`).
///
/// ```swift
/// let r = greaterEqual(x, y)
/// ```
public func greaterEqual<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .greaterEqual, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.greater_equal(a, scalar)`: `a >= b` (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = greaterEqual(x, 2)
/// ```
public func greaterEqual<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .greaterEqual, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.greater_equal(scalar, b)`: `a >= b` (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = greaterEqual(1, x)
/// ```
public func greaterEqual<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .greaterEqual, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.less(a, b)`: `a < b` (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `less`).
///
/// ```swift
/// let r = less(x, y)
/// ```
public func less<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .less, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.less(a, scalar)`: `a < b` (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = less(x, 2)
/// ```
public func less<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .less, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.less(scalar, b)`: `a < b` (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = less(1, x)
/// ```
public func less<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .less, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.less_equal(a, b)`: `a <= b` (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `less_equal`).
///
/// ```swift
/// let r = lessEqual(x, y)
/// ```
public func lessEqual<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .lessEqual, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.less_equal(a, scalar)`: `a <= b` (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = lessEqual(x, 2)
/// ```
public func lessEqual<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .lessEqual, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.less_equal(scalar, b)`: `a <= b` (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = lessEqual(1, x)
/// ```
public func lessEqual<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .lessEqual, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.logical_and(a, b)`: `a && b` (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `logical_and`).
///
/// ```swift
/// let r = logicalAnd(x, y)
/// ```
public func logicalAnd<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .logicalAnd, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.logical_and(a, scalar)`: `a && b` (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = logicalAnd(x, 2)
/// ```
public func logicalAnd<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .logicalAnd, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.logical_and(scalar, b)`: `a && b` (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = logicalAnd(1, x)
/// ```
public func logicalAnd<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .logicalAnd, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.logical_or(a, b)`: `a || b` (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `logical_or`).
///
/// ```swift
/// let r = logicalOr(x, y)
/// ```
public func logicalOr<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .logicalOr, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.logical_or(a, scalar)`: `a || b` (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = logicalOr(x, 2)
/// ```
public func logicalOr<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .logicalOr, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.logical_or(scalar, b)`: `a || b` (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = logicalOr(1, x)
/// ```
public func logicalOr<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .logicalOr, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.logical_xor(a, b)`: `a != b` as booleans (1 or 0) elementwise into a new SBUF tile (`tensor_tensor` with `logical_xor`).
///
/// ```swift
/// let r = logicalXor(x, y)
/// ```
public func logicalXor<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .logicalXor, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.logical_xor(a, scalar)`: `a != b` as booleans (1 or 0) with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = logicalXor(x, 2)
/// ```
public func logicalXor<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .logicalXor, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.logical_xor(scalar, b)`: `a != b` as booleans (1 or 0) with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = logicalXor(1, x)
/// ```
public func logicalXor<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .logicalXor, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.bitwise_and(a, b)`: `a & b` on integers elementwise into a new SBUF tile (`tensor_tensor` with `bitwise_and`).
///
/// ```swift
/// let r = bitwiseAnd(x, y)
/// ```
public func bitwiseAnd<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .bitwiseAnd, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.bitwise_and(a, scalar)`: `a & b` on integers with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = bitwiseAnd(x, 2)
/// ```
public func bitwiseAnd<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .bitwiseAnd, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.bitwise_and(scalar, b)`: `a & b` on integers with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = bitwiseAnd(1, x)
/// ```
public func bitwiseAnd<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .bitwiseAnd, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.bitwise_or(a, b)`: `a | b` on integers elementwise into a new SBUF tile (`tensor_tensor` with `bitwise_or`).
///
/// ```swift
/// let r = bitwiseOr(x, y)
/// ```
public func bitwiseOr<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .bitwiseOr, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.bitwise_or(a, scalar)`: `a | b` on integers with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = bitwiseOr(x, 2)
/// ```
public func bitwiseOr<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .bitwiseOr, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.bitwise_or(scalar, b)`: `a | b` on integers with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = bitwiseOr(1, x)
/// ```
public func bitwiseOr<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .bitwiseOr, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.bitwise_xor(a, b)`: `a ^ b` on integers elementwise into a new SBUF tile (`tensor_tensor` with `bitwise_xor`).
///
/// ```swift
/// let r = bitwiseXor(x, y)
/// ```
public func bitwiseXor<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .bitwiseXor, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.bitwise_xor(a, scalar)`: `a ^ b` on integers with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = bitwiseXor(x, 2)
/// ```
public func bitwiseXor<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .bitwiseXor, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.bitwise_xor(scalar, b)`: `a ^ b` on integers with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = bitwiseXor(1, x)
/// ```
public func bitwiseXor<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .bitwiseXor, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.left_shift(a, b)`: `a << b` on integers elementwise into a new SBUF tile (`tensor_tensor` with `left_shift`).
///
/// ```swift
/// let r = leftShift(x, y)
/// ```
public func leftShift<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .leftShift, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.left_shift(a, scalar)`: `a << b` on integers with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = leftShift(x, 2)
/// ```
public func leftShift<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .leftShift, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.left_shift(scalar, b)`: `a << b` on integers with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = leftShift(1, x)
/// ```
public func leftShift<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .leftShift, a, reverse: true, dtype, mask, loc(fileID, line, column))
}

/// `nl.right_shift(a, b)`: `a >> b` (logical) on integers elementwise into a new SBUF tile (`tensor_tensor` with `right_shift`).
///
/// ```swift
/// let r = rightShift(x, y)
/// ```
public func rightShift<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, .rightShift, dtype, mask, nil, loc(fileID, line, column))
}

/// `nl.right_shift(a, scalar)`: `a >> b` (logical) on integers with an fp32 immediate (`tensor_scalar`).
///
/// ```swift
/// let r = rightShift(x, 2)
/// ```
public func rightShift<A: OnChipMemory>(
  _ a: Tile<A>, _ b: Float, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(a.handle, a.view, .rightShift, b, reverse: false, dtype, mask, loc(fileID, line, column))
}

/// `nl.right_shift(scalar, b)`: `a >> b` (logical) on integers with an fp32 immediate first (`tensor_scalar`, `reverse0`).
///
/// ```swift
/// let r = rightShift(1, x)
/// ```
public func rightShift<B: OnChipMemory>(
  _ a: Float, _ b: Tile<B>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  scalarBinary(b.handle, b.view, .rightShift, a, reverse: true, dtype, mask, loc(fileID, line, column))
}
