import TesselIR
import TesselNKI

/// `nl.ndarray(shape, dtype, buffer=nl.sbuf)`: a new, never-written SBUF tile.
///
/// ```swift
/// let scores = ndarray([128, seq], dtype: .float32)
/// ```
public func ndarray(
  _ shape: [Int], dtype: DType, name: String? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  Emit.tile("ndarray", shape, dtype, SBUF.self, loc(fileID, line, column), name: name)
}

/// `nl.ndarray(shape, dtype, buffer=nl.psum)` and friends: a new, never-written on-chip tile in
/// the memory named by `buffer` (`SBUF.self` or `PSUM.self`), or by the tile type the result is
/// given.
///
/// ```swift
/// let acc = ndarray([128, 512], dtype: .float32, buffer: PSUM.self)
/// let scores: Tile<PSUM> = ndarray([128, 512], dtype: .float32)
/// ```
public func ndarray<S: OnChipMemory>(
  _ shape: [Int], dtype: DType, buffer: S.Type = S.self, name: String? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<S> {
  Emit.tile("ndarray", shape, dtype, S.self, loc(fileID, line, column), name: name)
}

/// `nl.full(shape, value, dtype, buffer=)`: a new tile set to `value` (a tile plus `memset`) in
/// the memory named by `buffer` or by the tile type the result is given.
///
/// ```swift
/// let minusInf = full([128, 1], -.infinity, dtype: .float32, buffer: SBUF.self)
/// let bias: Tile<PSUM> = full([128, 512], 0.5, dtype: .float32)
/// ```
public func full<S: OnChipMemory>(
  _ shape: [Int], _ value: Float, dtype: DType, buffer: S.Type = S.self, name: String? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<S> {
  let l = loc(fileID, line, column)
  let t = Emit.tile(value == 0 ? "zeros" : "full", shape, dtype, S.self, l, name: name)
  Emit.instruction(.memset(dst: t.view, value: value), uses: [t.handle], l)
  return t
}

/// `nl.zeros(shape, dtype, buffer=)`: a new tile of zeros (a tile plus `memset(0)`) in the
/// memory named by `buffer` or by the tile type the result is given.
///
/// ```swift
/// var resPsum: Tile<PSUM> = zeros([128, 512], dtype: .float32)
/// ```
public func zeros<S: OnChipMemory>(
  _ shape: [Int], dtype: DType, buffer: S.Type = S.self, name: String? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<S> {
  full(shape, 0, dtype: dtype, buffer: buffer, name: name, fileID: fileID, line: line, column: column)
}

/// `nl.zeros(shape, dtype)` in SBUF.
///
/// ```swift
/// let acc = zeros([128, 512], dtype: .float32)
/// ```
public func zeros(
  _ shape: [Int], dtype: DType, name: String? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  full(shape, 0, dtype: dtype, buffer: SBUF.self, name: name, fileID: fileID, line: line, column: column)
}

/// `nl.ones(shape, dtype, buffer=)`: a new tile of ones in the memory named by `buffer` or by
/// the tile type the result is given.
///
/// ```swift
/// let ones = ones([128, 1], dtype: .float32, buffer: SBUF.self)
/// ```
public func ones<S: OnChipMemory>(
  _ shape: [Int], dtype: DType, buffer: S.Type = S.self, name: String? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<S> {
  full(shape, 1, dtype: dtype, buffer: buffer, name: name, fileID: fileID, line: line, column: column)
}

/// `nl.full(shape, value, dtype)` in SBUF.
///
/// ```swift
/// let minusInf = full([128, 1], -.infinity, dtype: .float32)
/// ```
public func full(
  _ shape: [Int], _ value: Float, dtype: DType, name: String? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  full(shape, value, dtype: dtype, buffer: SBUF.self, name: name, fileID: fileID, line: line, column: column)
}

/// `nl.ones(shape, dtype)` in SBUF.
///
/// ```swift
/// let ones = ones([128, 1], dtype: .float32)
/// ```
public func ones(
  _ shape: [Int], dtype: DType, name: String? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  full(shape, 1, dtype: dtype, buffer: SBUF.self, name: name, fileID: fileID, line: line, column: column)
}

/// `nisa.memset(dst, value)`: sets every element of an on-chip view.
///
/// ```swift
/// memset(acc, 0)
/// ```
@discardableResult
public func memset<S: OnChipMemory>(
  _ dst: Tile<S>, _ value: Float, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  destinationPassing("memset", [dst], mask: mask, loc(fileID, line, column)) { .memset(dst: $0[0], value: value) }
}

/// `nisa.iota(expr, dtype)`: a new SBUF tile whose element at iteration indices `i` is the
/// value of `expression` there (`GridIndex` axes and loop indices).
///
/// ```swift
/// let positions = iota(t * 128 + GridIndex.partition, shape: [128, 1], dtype: .int32)
/// ```
public func iota(
  _ expression: GridIndex, shape: [Int], dtype: DType, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let t = Emit.tile("iota", shape, dtype, SBUF.self, l)
  if expression.highestAxis >= shape.count {
    Emit.fail(
      .invalidMask("the iota expression uses axis \(expression.highestAxis) of a \(shape.count)-axis tile"), "iota", l)
    return t
  }
  let e = AffineCondition(
    coefficients: expression.coefficients(rank: shape.count), offset: expression.offset, comparison: .equal)
  Emit.instruction(.iota(dst: t.view, expression: e), uses: [t.handle], l)
  return t
}
