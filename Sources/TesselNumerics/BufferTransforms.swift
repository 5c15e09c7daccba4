/// Replaces the bit pattern of every element of `buffer` by `transform` of it, in place (the bulk
/// loop of the rounding formats; a plain counted loop over raw words, so it vectorizes once
/// `transform` is inlined).
@inlinable @inline(__always)
func transformBitPatterns(_ buffer: UnsafeMutableBufferPointer<Float>, _ transform: (UInt32) -> UInt32) {
  guard let base = buffer.baseAddress else { return }
  // Raw loads and stores reinterpret the floats as words without rebinding the memory.
  let words = UnsafeMutableRawPointer(base)
  let count = buffer.count
  var i = 0
  while i < count {
    let offset = i &* 4
    let bits = words.load(fromByteOffset: offset, as: UInt32.self)
    words.storeBytes(of: transform(bits), toByteOffset: offset, as: UInt32.self)
    i &+= 1
  }
}

/// Replaces every element of `buffer` by `transform` of it, in place (a plain counted loop, so it
/// vectorizes once `transform` is inlined).
@inlinable @inline(__always)
func transformElements(_ buffer: UnsafeMutableBufferPointer<Float>, _ transform: (Float) -> Float) {
  guard let base = buffer.baseAddress else { return }
  let count = buffer.count
  var i = 0
  while i < count {
    base[i] = transform(base[i])
    i &+= 1
  }
}
