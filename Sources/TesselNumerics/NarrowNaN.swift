/// How a narrow float format's NaN bit pattern is held exactly in an fp32 element.
///
/// Tessel holds every element as a `Float`. A bitcast view (`tile.view(nl.float8_e4m3)`) can
/// expose any bit pattern of a narrow format, NaN patterns included, and the bytes must come back
/// unchanged when the view is written or stored. So a narrow NaN decodes to a quiet fp32 NaN whose
/// payload names the format and carries the narrow mantissa:
///
/// ```
/// sign | 0x7FC0_0000 (quiet NaN) | 0x0020_0000 (marker) | format << 16 | mantissa
/// ```
///
/// The rule, used by every conversion (`decode`, `encode`, `quantize`, their bulk forms, and so
/// bitcast views, DMA conversions, `.npy` I/O and every rounded instruction result):
/// - Decoding the format's canonical quiet NaN gives fp32's canonical quiet NaN
///   (`sign | 0x7FC0_0000`); decoding any other NaN pattern gives the tagged NaN above.
/// - Encoding or rounding a tagged NaN to the format it names gives back its pattern exactly. Any
///   other NaN (untagged, or tagged by another format) becomes the format's canonical quiet NaN
///   with its sign, as before: a conversion between formats never invents a payload.
/// - `float32` keeps every payload, tagged or not (it is the identity).
///
/// Arithmetic on a tagged NaN follows the host CPU's IEEE NaN propagation: the result is NaN,
/// and usually carries an input NaN's payload, so such a result rounded to the tagging format
/// may keep the input's pattern instead of the canonical one. Either is a NaN of that format;
/// NKI does not specify which NaN an engine produces.
///
/// The marker bit is clear in fp32's canonical NaN and in the interpreter's never-written pattern
/// (`0x7FDE_AD00`), so neither is ever read as a tagged NaN.
public enum NarrowNaN {
  /// The payload bit that marks a tagged NaN.
  @inlinable static var marker: UInt32 { 0x0020_0000 }

  /// The tag of each narrow format (the `format` field above).
  public enum Format: UInt32, Sendable, CaseIterable {
    /// `bfloat16`.
    case bfloat16 = 1
    /// `tfloat32`.
    case tfloat32 = 2
    /// `float16`.
    case float16 = 3
    /// `float8_e4m3` (IEEE-like).
    case float8e4m3 = 4
    /// `float8_e5m2`.
    case float8e5m2 = 5
    /// `float8_e4m3fn` (its only NaN is canonical, so it never tags; listed for completeness).
    case float8e4m3fn = 6
  }

  /// The fp32 magnitude (no sign) that holds a NaN of `format` with narrow mantissa `mantissa`.
  ///
  /// - Parameters:
  ///   - mantissa: The NaN's mantissa field in its own format (nonzero; at most 10 bits).
  ///   - canonical: The format's canonical quiet NaN mantissa.
  ///   - format: The format's tag.
  @inlinable @inline(__always)
  static func magnitude(mantissa: UInt32, canonical: UInt32, format: Format) -> UInt32 {
    mantissa == canonical ? 0x7FC0_0000 : 0x7FC0_0000 | marker | format.rawValue << 16 | mantissa
  }

  /// Whether the fp32 magnitude `a` (no sign) is a NaN tagged by `format`, whose mantissa field
  /// is `mask` (a tag whose mantissa does not fit the format, or is zero, is not its NaN).
  @inlinable @inline(__always)
  static func isTagged(_ a: UInt32, by format: Format, mask: UInt32) -> Bool {
    a & ~mask == 0x7FC0_0000 | marker | format.rawValue << 16 && a & mask != 0
  }

  /// The fp32 magnitude a NaN magnitude `a` becomes when rounded to `format` (mantissa field
  /// `mask`): itself if tagged by `format`, otherwise the canonical quiet NaN.
  @inlinable @inline(__always)
  static func rounded(_ a: UInt32, to format: Format, mask: UInt32) -> UInt32 {
    isTagged(a, by: format, mask: mask) ? a : 0x7FC0_0000
  }

  /// The mantissa field a NaN magnitude `a` encodes to in `format` (field `mask`): its own if
  /// tagged by `format`, otherwise `canonical`.
  @inlinable @inline(__always)
  static func mantissa(of a: UInt32, in format: Format, mask: UInt32, canonical: UInt32) -> UInt32 {
    isTagged(a, by: format, mask: mask) ? a & mask : canonical
  }
}
