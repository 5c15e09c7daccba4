import TesselIR

/// Decodes the body of a string, bytes or f-string literal: escapes, and doubled braces in
/// f-string text.
enum StringLiteralDecoder {
  /// A decoded literal.
  enum Value: Equatable {
    /// A str literal.
    case str(String)
    /// A bytes literal.
    case bytes([UInt8])
  }

  /// Decodes `body` (the text between the quotes).
  ///
  /// - Parameters:
  ///   - body: The literal's bytes between its quotes.
  ///   - isRaw: Whether the prefix has `r` (escapes are kept as written).
  ///   - isBytes: Whether the prefix has `b`.
  ///   - isFString: Whether this is f-string text (`{{` and `}}` stand for single braces).
  ///   - location: Where the literal starts, for errors.
  /// - Throws: ``SyntaxError`` for malformed escapes and non-ASCII bytes literals.
  static func decode(
    _ body: ArraySlice<UInt8>, isRaw: Bool, isBytes: Bool, isFString: Bool, at location: SourceLocation
  ) throws(SyntaxError) -> Value {
    if isBytes, body.contains(where: { $0 >= 0x80 }) {
      throw SyntaxError(.nonASCIIBytes, at: location)
    }
    var out: [UInt8] = []
    out.reserveCapacity(body.count)
    var i = body.startIndex
    let end = body.endIndex

    func byte(_ offset: Int) -> UInt8 { offset < end ? body[offset] : 0 }

    while i < end {
      let b = body[i]
      if isFString && (b == UInt8(ascii: "{") || b == UInt8(ascii: "}")) && byte(i + 1) == b {
        out.append(b)
        i += 2
        continue
      }
      guard b == UInt8(ascii: "\\"), !isRaw, i + 1 < end else {
        out.append(b)
        i += 1
        continue
      }
      let e = body[i + 1]
      i += 2
      switch e {
      case UInt8(ascii: "\n"):
        break
      case UInt8(ascii: "\r"):
        if byte(i) == UInt8(ascii: "\n") { i += 1 }
      case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""):
        out.append(e)
      case UInt8(ascii: "a"): out.append(0x07)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "v"): out.append(0x0B)
      case UInt8(ascii: "0")...UInt8(ascii: "7"):
        var value = UInt32(e - UInt8(ascii: "0"))
        var count = 1
        while count < 3, byte(i) >= UInt8(ascii: "0"), byte(i) <= UInt8(ascii: "7") {
          value = value * 8 + UInt32(byte(i) - UInt8(ascii: "0"))
          i += 1
          count += 1
        }
        if isBytes {
          out.append(UInt8(truncatingIfNeeded: value))
        } else {
          appendScalar(value, to: &out)
        }
      case UInt8(ascii: "x"):
        let value = try hexValue(body, at: &i, digits: 2, name: "\\xXX", location: location)
        if isBytes {
          out.append(UInt8(truncatingIfNeeded: value))
        } else {
          appendScalar(value, to: &out)
        }
      case UInt8(ascii: "u") where !isBytes:
        let value = try hexValue(body, at: &i, digits: 4, name: "\\uXXXX", location: location)
        guard appendScalar(value, to: &out) else {
          throw SyntaxError(.invalidEscape("illegal Unicode character"), at: location)
        }
      case UInt8(ascii: "U") where !isBytes:
        let value = try hexValue(body, at: &i, digits: 8, name: "\\UXXXXXXXX", location: location)
        guard appendScalar(value, to: &out) else {
          throw SyntaxError(.invalidEscape("illegal Unicode character"), at: location)
        }
      case UInt8(ascii: "N") where !isBytes:
        throw SyntaxError(.unsupported("a named Unicode escape (\\N{...})"), at: location)
      default:
        out.append(UInt8(ascii: "\\"))
        out.append(e)
      }
    }
    return isBytes ? .bytes(out) : .str(String(decoding: out, as: UTF8.self))
  }

  /// Reads exactly `digits` hex digits at `i`.
  private static func hexValue(
    _ body: ArraySlice<UInt8>, at i: inout Int, digits: Int, name: String, location: SourceLocation
  ) throws(SyntaxError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<digits {
      guard i < body.endIndex, let d = hexDigit(body[i]) else {
        throw SyntaxError(.invalidEscape("truncated \(name) escape"), at: location)
      }
      value = value &* 16 &+ d
      i += 1
    }
    return value
  }

  /// The value of an ASCII hex digit.
  private static func hexDigit(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  /// Appends the UTF-8 encoding of scalar `value`; returns false if it is not a scalar.
  @discardableResult
  private static func appendScalar(_ value: UInt32, to out: inout [UInt8]) -> Bool {
    guard let scalar = Unicode.Scalar(value) else { return false }
    UTF8.encode(scalar) { out.append($0) }
    return true
  }
}
