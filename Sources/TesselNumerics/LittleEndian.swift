/// Reads arrays of little-endian integers from raw bytes at any alignment (file and host-array
/// payloads).
public enum LittleEndian {
  /// Reads `count` little-endian `T`s starting at `raw` and writes `convert` of each to `out`.
  ///
  /// ```swift
  /// LittleEndian.decode(raw, as: Int16.self, count: n, into: dst) { Float($0) }
  /// ```
  ///
  /// - Parameters:
  ///   - raw: The first byte of the first element (`MemoryLayout<T>.size` bytes each).
  ///   - type: The integer type of one element on disk.
  ///   - count: How many elements.
  ///   - out: Where the converted values go (`count` of them).
  ///   - convert: The conversion of one element's value.
  @inlinable @inline(__always)
  public static func decode<T: FixedWidthInteger>(
    _ raw: UnsafeRawPointer, as type: T.Type, count: Int, into out: UnsafeMutablePointer<Float>,
    _ convert: (T) -> Float
  ) {
    let size = MemoryLayout<T>.size
    for i in 0..<count {
      out[i] = convert(T(littleEndian: raw.loadUnaligned(fromByteOffset: size * i, as: T.self)))
    }
  }
}
