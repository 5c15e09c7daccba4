/// Row-major layout helpers: strides of a contiguous shape, and walks over a shape by multi-index
/// (the last axis fastest) for code that needs the index of every element it visits.
///
/// ```swift
/// var index = [0, 0]
/// for _ in 0..<6 {
///   visit(index)                                      // [0,0] [0,1] [0,2] [1,0] [1,1] [1,2]
///   RowMajorIndex.advance(&index, in: [2, 3])
/// }
/// ```
public enum RowMajorIndex {
  /// The multi-index of the element at row-major position `flat` of `shape` (the inverse of
  /// summing `index[d]·strides[d]`); a zero-sized axis contributes 0.
  public static func index(ofFlat flat: Int, in shape: [Int]) -> [Int] {
    var index = [Int](repeating: 0, count: shape.count)
    var rest = flat
    for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
      index[d] = rest % shape[d]
      rest /= shape[d]
    }
    return index
  }

  /// Steps `index` to the next element of a row-major walk over `shape`; after the last element
  /// it wraps around to all zeros and returns false.
  @inlinable @discardableResult
  public static func advance(_ index: inout [Int], in shape: [Int]) -> Bool {
    var d = shape.count - 1
    while d >= 0 {
      index[d] += 1
      if index[d] < shape[d] { return true }
      index[d] = 0
      d -= 1
    }
    return false
  }

  /// Steps `index` as ``advance(_:in:)`` does, keeping `offset` equal to
  /// `base + Σ index[d]·strides[d]` (the position of the element in a strided layout).
  @inlinable @discardableResult
  public static func advance(_ index: inout [Int], in shape: [Int], offset: inout Int, strides: [Int]) -> Bool {
    var d = shape.count - 1
    while d >= 0 {
      index[d] += 1
      offset += strides[d]
      if index[d] < shape[d] { return true }
      offset -= strides[d] * index[d]
      index[d] = 0
      d -= 1
    }
    return false
  }

  /// The row-major strides, in elements, of a contiguous array of `shape` (the last axis 1).
  public static func strides(of shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var size = 1
    for d in shape.indices.reversed() {
      strides[d] = size
      size *= shape[d]
    }
    return strides
  }
}
