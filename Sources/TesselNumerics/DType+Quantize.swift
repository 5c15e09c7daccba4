import TesselIR

extension DType {
  /// Rounds an fp32 value to this dtype and widens the result back to `Float`.
  ///
  /// This is the "round on write" step of Tessel's numerics: engines compute in fp32, and every
  /// element stored to a tensor of this dtype passes through `quantize`. The rules (see
  /// `docs/numerics.md` for the evidence behind each choice):
  ///
  /// - `float32`: the identity (NaN payloads included).
  /// - `bfloat16`, `tfloat32`, `float16`, `float8e4m3`, `float8e5m2`: IEEE round-to-nearest-even,
  ///   subnormals exact; a value that rounds beyond the largest finite value becomes ±infinity
  ///   (that is, `|x| ≥ max + ulp/2` overflows, ties included).
  /// - `float8e4m3fn` (no infinities): the same rounding, but a value that rounds beyond 448, and
  ///   ±infinity, become NaN — what `ml_dtypes` (and so NKI's simulator) does.
  /// - Every float dtype except `float32` keeps a NaN that `decode` produced from one of its own
  ///   patterns (``NarrowNaN``) and turns any other NaN into the quiet NaN `sign | 0x7FC0_0000`.
  /// - Integer dtypes: round to nearest, ties to even; saturate to the type's range; NaN → 0;
  ///   -0 → +0.
  /// - `bool`: nonzero (NaN included, as in `numpy`'s `astype(bool)`) → 1, zero → 0.
  ///
  /// ```swift
  /// DType.bfloat16.quantize(1.00390625)  // 1.0 (a tie, to even)
  /// DType.float8e4m3.quantize(250)       // +infinity (above 240 + 8)
  /// DType.float8e4m3fn.quantize(500)     // NaN
  /// DType.int8.quantize(2.5)             // 2.0
  /// DType.uint8.quantize(-7)             // 0.0
  /// ```
  ///
  /// - Parameter x: The fp32 value to round.
  /// - Returns: The nearest value of this dtype, as a `Float`.
  ///
  /// ### See Also
  /// - `quantize(_:)` for a buffer (the fast path), `encode(_:)`, `decode(_:)`.
  @inlinable
  public func quantize(_ x: Float) -> Float {
    switch self {
    case .float32: x
    case .bfloat16: Float(bitPattern: TruncatedFloat32Format.bfloat16.quantizeBits(x.bitPattern))
    case .tfloat32: Float(bitPattern: TruncatedFloat32Format.tfloat32.quantizeBits(x.bitPattern))
    case .float16: Float(bitPattern: Float16Format.quantizeBits(x.bitPattern))
    case .float8e4m3: Float(bitPattern: Float8E4M3Format.quantizeBits(x.bitPattern))
    case .float8e5m2: Float(bitPattern: Float8E5M2Format.quantizeBits(x.bitPattern))
    case .float8e4m3fn: Float(bitPattern: Float8E4M3FNFormat.quantizeBits(x.bitPattern))
    // Every integer dtype has an IntegerFormat; bool alone does not.
    case .int8, .int16, .int32, .uint8, .uint16, .uint32, .bool: IntegerFormat(self)?.quantize(x) ?? (x != 0 ? 1 : 0)
    }
  }

  /// Rounds every element of a buffer to this dtype, in place.
  ///
  /// Element for element the result is bit-identical to `quantize(_:)` on a scalar. This runs on
  /// every instruction result, so each dtype has a vectorizable loop: `float32` returns at once;
  /// `bfloat16`/`tfloat32` use a branch-free integer rounding step on the bit patterns; `float16`
  /// and the fp8 formats round eight lanes at a time with `SIMD8<UInt32>` (exact, including
  /// subnormals); integer dtypes use a magic-number round-to-nearest-even and a clamp.
  ///
  /// ```swift
  /// var tile: [Float] = [1.0, 1.00390625, 3.0e38, .nan]
  /// tile.withUnsafeMutableBufferPointer { DType.bfloat16.quantize($0) }
  /// // [1.0, 1.0, 3.0040553e38, nan]
  /// ```
  ///
  /// - Parameter buffer: The values to round; each is replaced by its rounded value.
  /// - Complexity: O(*n*).
  public func quantize(_ buffer: UnsafeMutableBufferPointer<Float>) {
    switch self {
    case .float32: return
    case .bfloat16: TruncatedFloat32Format.bfloat16.quantize(buffer)
    case .tfloat32: TruncatedFloat32Format.tfloat32.quantize(buffer)
    case .float16: Float16Format.quantize(buffer)
    case .float8e4m3: Float8E4M3Format.quantize(buffer)
    case .float8e5m2: Float8E5M2Format.quantize(buffer)
    case .float8e4m3fn: Float8E4M3FNFormat.quantize(buffer)
    case .int8, .int16, .int32, .uint8, .uint16, .uint32, .bool:
      if let integer = IntegerFormat(self) {
        integer.quantize(buffer)
      } else {
        transformElements(buffer) { $0 != 0 ? 1 : 0 }  // bool
      }
    }
  }
}
