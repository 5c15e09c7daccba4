import TesselIR

/// A Python literal, the subset `ast.literal_eval` accepts that `.npy` headers use.
indirect enum NPYLiteral: Sendable {
  case string(String)
  /// An integer; `value` is nil when it does not fit in an `Int`.
  case int(value: Int?, text: String)
  /// A number that is not a plain decimal integer (a float, hex, ...), kept as written.
  case otherNumber(String)
  case bool(Bool)
  case none
  case tuple([NPYLiteral])
  case list([NPYLiteral])
  case dict([(key: NPYLiteral, value: NPYLiteral)])

  /// The literal as Python's `repr` would print it (for error messages).
  var repr: String {
    switch self {
    case .string(let s): return pythonStringRepr(s)
    case .int(_, let text): return text
    case .otherNumber(let text): return text
    case .bool(let b): return b ? "True" : "False"
    case .none: return "None"
    case .tuple(let items):
      if items.count == 1 { return "(" + items[0].repr + ",)" }
      return "(" + items.map(\.repr).joined(separator: ", ") + ")"
    case .list(let items): return "[" + items.map(\.repr).joined(separator: ", ") + "]"
    case .dict(let entries):
      return "{" + entries.map { $0.key.repr + ": " + $0.value.repr }.joined(separator: ", ") + "}"
    }
  }

  /// A short description of the literal's kind ("a string", "a tuple", ...).
  var kind: String {
    switch self {
    case .string: "a string"
    case .int: "an int"
    case .otherNumber: "a number"
    case .bool: "a bool"
    case .none: "None"
    case .tuple: "a tuple"
    case .list: "a list"
    case .dict: "a dict"
    }
  }
}

/// Why a header could not be parsed as a Python literal.
struct NPYLiteralSyntaxError: Error {
  var message: String
  var offset: Int
}

/// A recursive-descent parser for the Python literal in a `.npy` header.
///
/// It accepts dicts, lists, tuples (with trailing commas), parenthesized values, quoted strings
/// (single or double quotes, common backslash escapes), decimal integers with an optional sign and
/// an optional Python 2 `L` suffix, `True`, `False` and `None`, surrounded by whitespace. Nesting
/// is limited to `maxDepth` so hostile input cannot exhaust the stack.
struct NPYLiteralParser {
  static let maxDepth = 32

  private let scalars: [Unicode.Scalar]
  private var pos = 0

  init(_ text: String) {
    scalars = Array(text.unicodeScalars)
  }

  /// Parses the whole text as one literal.
  static func parse(_ text: String) throws(NPYLiteralSyntaxError) -> NPYLiteral {
    var parser = NPYLiteralParser(text)
    parser.skipSpace()
    let value = try parser.parseValue(depth: 0)
    parser.skipSpace()
    if parser.pos < parser.scalars.count {
      throw parser.error("unexpected '\(parser.scalars[parser.pos].escaped(asASCII: true))' after the literal")
    }
    return value
  }

  private func error(_ message: String) -> NPYLiteralSyntaxError {
    NPYLiteralSyntaxError(message: message, offset: pos)
  }

  private var current: Unicode.Scalar? { pos < scalars.count ? scalars[pos] : nil }

  private mutating func skipSpace() {
    while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" || c == "\u{0B}" {
      pos += 1
    }
  }

  private mutating func parseValue(depth: Int) throws(NPYLiteralSyntaxError) -> NPYLiteral {
    guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
    guard let c = current else { throw error("unexpected end of header") }
    switch c {
    case "{": return try parseDict(depth: depth)
    case "[":
      pos += 1
      return .list(try parseItems(closing: "]", depth: depth))
    case "(":
      pos += 1
      let start = pos
      let items = try parseItems(closing: ")", depth: depth)
      // `(x)` is just x; `(x,)` and `()` are tuples.
      if items.count == 1, !hadTrailingComma(from: start) { return items[0] }
      return .tuple(items)
    case "'", "\"": return .string(try parseString())
    case "-", "+", "0"..."9": return try parseNumber()
    default:
      if c.properties.isAlphabetic || c == "_" { return try parseName() }
      throw error("unexpected '\(c.escaped(asASCII: true))'")
    }
  }

  /// Whether the parenthesized group that started at `start` and just closed ended with a comma.
  private func hadTrailingComma(from start: Int) -> Bool {
    var i = pos - 2  // skip the closing parenthesis
    while i >= start {
      let c = scalars[i]
      if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" || c == "\u{0B}" {
        i -= 1
        continue
      }
      return c == ","
    }
    return false
  }

  /// Parses comma-separated values up to and including `closing`.
  private mutating func parseItems(closing: Unicode.Scalar, depth: Int) throws(NPYLiteralSyntaxError) -> [NPYLiteral] {
    var items: [NPYLiteral] = []
    while true {
      skipSpace()
      guard let c = current else { throw error("missing '\(closing)'") }
      if c == closing {
        pos += 1
        return items
      }
      items.append(try parseValue(depth: depth + 1))
      skipSpace()
      guard let next = current else { throw error("missing '\(closing)'") }
      if next == "," {
        pos += 1
      } else if next != closing {
        throw error("expected ',' or '\(closing)', found '\(next.escaped(asASCII: true))'")
      }
    }
  }

  private mutating func parseDict(depth: Int) throws(NPYLiteralSyntaxError) -> NPYLiteral {
    pos += 1  // {
    var entries: [(key: NPYLiteral, value: NPYLiteral)] = []
    while true {
      skipSpace()
      guard let c = current else { throw error("missing '}'") }
      if c == "}" {
        pos += 1
        return .dict(entries)
      }
      let key = try parseValue(depth: depth + 1)
      skipSpace()
      guard current == ":" else { throw error("expected ':' after dict key \(key.repr)") }
      pos += 1
      skipSpace()
      let value = try parseValue(depth: depth + 1)
      entries.append((key, value))
      skipSpace()
      guard let next = current else { throw error("missing '}'") }
      if next == "," {
        pos += 1
      } else if next != "}" {
        throw error("expected ',' or '}', found '\(next.escaped(asASCII: true))'")
      }
    }
  }

  private mutating func parseString() throws(NPYLiteralSyntaxError) -> String {
    guard let quote = current else { throw error("unexpected end of header") }
    pos += 1
    var out = String.UnicodeScalarView()
    while true {
      guard let c = current else { throw error("unterminated string") }
      pos += 1
      if c == quote { return String(out) }
      if c == "\n" { throw error("newline inside a string") }
      if c != "\\" {
        out.append(c)
        continue
      }
      guard let e = current else { throw error("unterminated string") }
      pos += 1
      switch e {
      case "\\", "'", "\"": out.append(e)
      case "n": out.append("\n")
      case "t": out.append("\t")
      case "r": out.append("\r")
      case "0": out.append("\0")
      case "x": out.append(try parseHexEscape(digits: 2))
      case "u": out.append(try parseHexEscape(digits: 4))
      case "U": out.append(try parseHexEscape(digits: 8))
      case "\n": break  // line continuation
      default:
        out.append("\\")
        out.append(e)
      }
    }
  }

  private mutating func parseHexEscape(digits: Int) throws(NPYLiteralSyntaxError) -> Unicode.Scalar {
    var value: UInt32 = 0
    for _ in 0..<digits {
      guard let c = current, c.isASCII, let d = UInt32(String(c), radix: 16) else {
        throw error("bad \\x/\\u escape in a string")
      }
      value = value * 16 + d
      pos += 1
    }
    guard let scalar = Unicode.Scalar(value) else { throw error("bad \\x/\\u escape in a string") }
    return scalar
  }

  private mutating func parseNumber() throws(NPYLiteralSyntaxError) -> NPYLiteral {
    var negative = false
    var signText = ""
    while let c = current, c == "-" || c == "+" {
      if c == "-" { negative.toggle() }
      signText.unicodeScalars.append(c)
      pos += 1
      skipSpace()
    }
    let start = pos
    while let c = current,
      c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "_"
        || ((c == "+" || c == "-") && pos > start && (scalars[pos - 1] == "e" || scalars[pos - 1] == "E"))
    {
      pos += 1
    }
    var body = String(String.UnicodeScalarView(scalars[start..<pos]))
    guard !body.isEmpty else { throw error("expected a number after '\(signText)'") }
    let text = signText + body
    // Python 2 wrote longs with an `L` suffix (numpy still reads them in 1.0/2.0 headers).
    if body.count > 1, body.last == "L" || body.last == "l" { body.removeLast() }
    guard body.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else {
      return .otherNumber(text)
    }
    let magnitude = Int(body)
    let value = magnitude.map { negative ? -$0 : $0 }
    return .int(value: value, text: text)
  }

  private mutating func parseName() throws(NPYLiteralSyntaxError) -> NPYLiteral {
    let start = pos
    while let c = current, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" {
      pos += 1
    }
    let name = String(String.UnicodeScalarView(scalars[start..<pos]))
    switch name {
    case "True": return .bool(true)
    case "False": return .bool(false)
    case "None": return .none
    default:
      pos = start
      throw error("unexpected name '\(name)'")
    }
  }
}
