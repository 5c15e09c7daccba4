/// One lexeme of NKI Python source: what it is and where it sits.
///
/// A token is a small value. It stores byte offsets into the UTF-8 source rather than its text, so
/// the lexer never copies; the parser slices the source when it needs a name or a literal.
/// Synthetic tokens (``TokenKind/indent``, ``TokenKind/dedent``, and a ``TokenKind/newline`` added
/// at the end of a file without one) have an empty range. Only the lexer makes tokens (with the
/// synthesized, module-internal memberwise initializer).
public struct Token: Sendable, Hashable {
  /// What the token is.
  public var kind: TokenKind
  /// The byte offsets of the token's text in the UTF-8 source.
  public var range: Range<Int>
  /// The 1-based line of the token's first byte.
  public var line: Int
  /// The 1-based column of the token's first byte, counted in UTF-8 bytes.
  public var column: Int
}

/// The kind of a ``Token``.
///
/// Literal tokens carry no value: the parser decodes their text. An f-string is lexed into a
/// sequence (as CPython 3.12 does): ``fstringStart`` (prefix and opening quote), then
/// ``fstringMiddle`` literal text and replacement fields made of ordinary tokens between `{` and
/// `}` (with `!` before a conversion and `:` before a format spec), then ``fstringEnd``.
public enum TokenKind: Sendable, Hashable {
  /// An identifier that is not a keyword (`nl`, `affine_range`, `match`).
  case name
  /// An integer literal (`42`, `0x1F`, `1_000`).
  case integer
  /// A floating-point literal (`1.`, `.5`, `1e-3`).
  case float
  /// An imaginary literal (`2j`); the parser rejects it.
  case imaginary
  /// A complete string or bytes literal with its prefix and quotes (`'a'`, `rb"\d"`, `"""doc"""`).
  case string
  /// The prefix and opening quote of an f-string (`f"`, `rf'''`).
  case fstringStart
  /// Literal text inside an f-string, still escaped, with `{{` and `}}` doubled.
  case fstringMiddle
  /// The closing quote of an f-string.
  case fstringEnd
  /// A reserved word (`def`, `for`, `None`).
  case keyword(Keyword)
  /// An operator or delimiter (`+=`, `(`, `->`).
  case punctuator(Punctuator)
  /// The end of a logical line.
  case newline
  /// The start of a more indented block (synthetic).
  case indent
  /// The end of an indented block (synthetic).
  case dedent
  /// The end of the source.
  case endOfFile
  /// A lexical error; the lexer stops here and reports the error in ``TokenStream/error``.
  case error
}

/// A reserved word of Python 3.
public enum Keyword: String, Sendable, Hashable, CaseIterable {
  case `False`, `None`, `True`
  case and, `as`, assert, async, await, `break`, `class`, `continue`, def, del, elif, `else`
  case except, finally, `for`, from, global, `if`, `import`, `in`, `is`, lambda, nonlocal, not
  case or, pass, raise, `return`, `try`, `while`, with, yield

  /// Looks a keyword up by its spelling.
  static let bySpelling: [String: Keyword] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}

/// An operator or delimiter, spelled as in the source.
public enum Punctuator: String, Sendable, Hashable, CaseIterable {
  // MARK: Brackets
  case leftParen = "("
  case rightParen = ")"
  case leftBracket = "["
  case rightBracket = "]"
  case leftBrace = "{"
  case rightBrace = "}"

  // MARK: Delimiters
  case comma = ","
  case colon = ":"
  case semicolon = ";"
  case dot = "."
  case ellipsis = "..."
  case at = "@"
  case equal = "="
  case arrow = "->"
  case colonEqual = ":="
  case exclamation = "!"

  // MARK: Arithmetic and bitwise operators
  case plus = "+"
  case minus = "-"
  case star = "*"
  case doubleStar = "**"
  case slash = "/"
  case doubleSlash = "//"
  case percent = "%"
  case leftShift = "<<"
  case rightShift = ">>"
  case ampersand = "&"
  case pipe = "|"
  case caret = "^"
  case tilde = "~"

  // MARK: Comparisons
  case less = "<"
  case greater = ">"
  case lessEqual = "<="
  case greaterEqual = ">="
  case equalEqual = "=="
  case notEqual = "!="

  // MARK: Augmented assignments
  case plusEqual = "+="
  case minusEqual = "-="
  case starEqual = "*="
  case slashEqual = "/="
  case doubleSlashEqual = "//="
  case percentEqual = "%="
  case doubleStarEqual = "**="
  case atEqual = "@="
  case ampersandEqual = "&="
  case pipeEqual = "|="
  case caretEqual = "^="
  case rightShiftEqual = ">>="
  case leftShiftEqual = "<<="

  /// Punctuators keyed by their bytes packed little-endian into an `Int` (at most three bytes).
  static let byPackedSpelling: [Int: Punctuator] = Dictionary(
    uniqueKeysWithValues: allCases.map { (pack(Array($0.rawValue.utf8)), $0) })

  /// Packs up to three bytes into one integer key.
  static func pack(_ bytes: [UInt8]) -> Int {
    var key = 0
    for (i, b) in bytes.prefix(3).enumerated() { key |= Int(b) << (8 * i) }
    return key
  }
}

extension TokenKind: CustomStringConvertible {
  /// A short description for diagnostics and token dumps (`name`, `'+='`, `'def'`).
  public var description: String {
    switch self {
    case .name: "name"
    case .integer: "integer"
    case .float: "float"
    case .imaginary: "imaginary"
    case .string: "string"
    case .fstringStart: "fstring-start"
    case .fstringMiddle: "fstring-middle"
    case .fstringEnd: "fstring-end"
    case .keyword(let k): "'\(k.rawValue)'"
    case .punctuator(let p): "'\(p.rawValue)'"
    case .newline: "newline"
    case .indent: "indent"
    case .dedent: "dedent"
    case .endOfFile: "end-of-file"
    case .error: "error"
    }
  }
}
