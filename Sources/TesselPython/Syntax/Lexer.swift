import TesselIR

/// The tokens of one source file.
///
/// The stream always ends in a ``TokenKind/endOfFile`` token or, when lexing failed, in a
/// ``TokenKind/error`` token whose error is ``error``. The parser reports that error when it
/// reaches the error token, or earlier when CPython would (see ``parseModule(source:file:)``).
public struct TokenStream: Sendable {
  /// The tokens, ending in end-of-file or in an error token.
  public var tokens: [Token]
  /// The error that stopped the lexer, if any.
  public var error: SyntaxError?
}

/// A byte-based lexer for Python 3 source as NKI kernel files contain it.
///
/// The lexer works on the UTF-8 bytes of the source and produces ``Token`` values holding byte
/// offsets. It follows CPython's tokenizer where it matters for kernel files:
///
/// - Indentation goes through an indent stack (after starlark-go's `scan.go`). The first token of
///   a more indented logical line is preceded by ``TokenKind/indent``; a less indented line is
///   preceded by one ``TokenKind/dedent`` per closed block. Indentation is ignored inside
///   brackets, after a backslash continuation, and on blank or comment-only lines. Tabs advance
///   to the next multiple of 8, and indentation whose meaning depends on the tab size is a
///   `TabError` (``SyntaxError/Kind/inconsistentTabs``), as in CPython.
/// - ``TokenKind/newline`` ends each logical line that has tokens; one is added at the end of a
///   file that lacks it, followed by the outstanding dedents and ``TokenKind/endOfFile``.
/// - Strings of every form (`'`, `"`, triple-quoted, prefixes `r b u f rb br fr rf` in any case)
///   are single tokens, except f-strings, which are lexed into parts so that the parser parses
///   their replacement fields as ordinary expressions.
/// - Bracket nesting is tracked to report `'(' was never closed`, `unmatched ')'` and
///   mismatched closers, and is limited to 200 levels, as in CPython.
///
/// Lexing stops at the first error, which ends the stream as a ``TokenKind/error`` token.
///
/// ```swift
/// let stream = Lexer.tokenize(source: "x = 1\n", file: "k.py")
/// // name, '=', integer, newline, end-of-file
/// ```
public struct Lexer {
  /// The UTF-8 source.
  let bytes: [UInt8]
  /// The file name for locations.
  let file: String

  /// The offset of the next byte to read.
  var pos = 0
  /// The 1-based line of `pos`.
  var line = 1
  /// The offset of the first byte of the current line.
  var lineStart = 0
  /// Whether the next token starts a logical line (and its indentation must be measured).
  var atLineStart = true
  /// Whether the current logical line has produced a token (and so needs a newline token).
  var lineHasTokens = false
  /// The offset of a comment after the last token of the line; the newline token starts there.
  var trailingCommentStart: Int?
  /// The indent stack; the bottom entry is column 0.
  var indents: [Indentation] = [Indentation(column: 0, alternateColumn: 0)]
  /// The open brackets, innermost last.
  var brackets: [OpenBracket] = []
  /// The f-strings being lexed, innermost last.
  var fstrings: [FStringContext] = []
  /// The tokens produced so far.
  var tokens: [Token] = []

  /// The deepest bracket nesting accepted, as CPython's `MAXLEVEL`.
  static let maximumBracketDepth = 200
  /// The deepest indentation accepted, as CPython's `MAXINDENT`.
  static let maximumIndentationDepth = 100

  /// Creates a lexer over UTF-8 source bytes.
  public init(source: [UInt8], file: String) {
    self.bytes = source
    self.file = file
  }

  /// Lexes a whole source file.
  public static func tokenize(source: String, file: String) -> TokenStream {
    var lexer = Lexer(source: Array(source.utf8), file: file)
    return lexer.tokenize()
  }

  /// Lexes the whole source, stopping at the first error.
  public mutating func tokenize() -> TokenStream {
    do {
      try scanAll()
      return TokenStream(tokens: tokens, error: nil)
    } catch {
      tokens.append(Token(kind: .error, range: pos..<pos, line: line, column: pos - lineStart + 1))
      return TokenStream(tokens: tokens, error: error)
    }
  }
}

// MARK: - State

extension Lexer {
  /// One entry of the indent stack, measured two ways to detect tab-size dependence.
  struct Indentation {
    /// The column with tabs advancing to the next multiple of 8.
    var column: Int
    /// The column with tabs counting as 1.
    var alternateColumn: Int
  }

  /// An opening bracket awaiting its closer.
  struct OpenBracket {
    /// `(`, `[` or `{`.
    var byte: UInt8
    /// Its 1-based line.
    var line: Int
    /// Its 1-based column.
    var column: Int
  }

  /// An f-string being lexed.
  struct FStringContext {
    /// The quote character.
    var quote: UInt8
    /// Whether the quotes are tripled.
    var isTriple: Bool
    /// Whether the prefix has `r`.
    var isRaw: Bool
    /// The line of the prefix, for errors.
    var line: Int
    /// The column of the prefix, for errors.
    var column: Int
    /// The replacement fields open in this f-string, innermost last.
    var fields: [Field]

    /// A replacement field: `{` expression [`!` conversion] [`:` format spec] `}`.
    struct Field {
      /// The bracket depth just after the field's `{`.
      var depth: Int
      /// Whether the lexer is past the field's `:`, in its format spec.
      var inFormatSpec: Bool
    }

    /// Whether the lexer is reading literal text (outside any field, or in a format spec).
    var isInLiteral: Bool { fields.last?.inFormatSpec ?? true }
  }
}

// MARK: - Helpers

extension Lexer {
  /// The byte at `offset`, or 0 past the end.
  func byte(at offset: Int) -> UInt8 {
    offset >= 0 && offset < bytes.count ? bytes[offset] : 0
  }

  /// The byte at `pos`, or 0 at the end.
  var current: UInt8 { byte(at: pos) }

  /// Whether `pos` is at the end of the source.
  var isAtEnd: Bool { pos >= bytes.count }

  /// The 1-based column of `pos`.
  var column: Int { pos - lineStart + 1 }

  /// The line of the last byte read (at the end of a file that ends with a line break, the line
  /// before ``line``), as CPython reports it in "detected at line N".
  var lastLine: Int { pos == lineStart && line > 1 ? line - 1 : line }

  /// A location in this file.
  func location(line: Int, column: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: column)
  }

  /// The location of `pos`.
  var here: SourceLocation { location(line: line, column: column) }

  /// Appends a token.
  mutating func emit(_ kind: TokenKind, from start: Int, line: Int, column: Int) {
    tokens.append(Token(kind: kind, range: start..<pos, line: line, column: column))
    switch kind {
    case .newline, .indent, .dedent, .endOfFile: break
    default:
      lineHasTokens = true
      trailingCommentStart = nil
    }
  }

  /// Appends an empty synthetic token at `pos`.
  mutating func emitSynthetic(_ kind: TokenKind) {
    tokens.append(Token(kind: kind, range: pos..<pos, line: line, column: column))
  }

  /// Consumes a line break (`\n`, `\r\n` or `\r`) at `pos` and starts the next line.
  mutating func consumeLineBreak() {
    if current == UInt8(ascii: "\r") && byte(at: pos + 1) == UInt8(ascii: "\n") {
      pos += 2
    } else {
      pos += 1
    }
    line += 1
    lineStart = pos
  }

  /// Whether `b` is `\n` or `\r`.
  static func isLineBreak(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")
  }

  /// Whether `b` is an ASCII decimal digit.
  static func isDigit(_ b: UInt8) -> Bool {
    b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
  }

  /// Whether `b` is an ASCII letter or `_`.
  static func isASCIIIdentifierStart(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
      || b == UInt8(ascii: "_")
  }

  /// Decodes the UTF-8 scalar at `offset`, returning it and its length in bytes.
  ///
  /// Invalid or truncated sequences decode as U+FFFD with length 1, so callers always progress.
  func scalar(at offset: Int) -> (Unicode.Scalar, Int) {
    let b0 = byte(at: offset)
    let replacement: (Unicode.Scalar, Int) = ("\u{FFFD}", 1)
    guard b0 >= 0x80 else { return (Unicode.Scalar(b0), 1) }
    let length: Int
    var value: UInt32
    switch b0 {
    case 0xC2...0xDF:
      length = 2
      value = UInt32(b0 & 0x1F)
    case 0xE0...0xEF:
      length = 3
      value = UInt32(b0 & 0x0F)
    case 0xF0...0xF4:
      length = 4
      value = UInt32(b0 & 0x07)
    default: return replacement
    }
    guard offset + length <= bytes.count else { return replacement }
    for i in 1..<length {
      let b = bytes[offset + i]
      guard b & 0xC0 == 0x80 else { return replacement }
      value = value << 6 | UInt32(b & 0x3F)
    }
    guard let s = Unicode.Scalar(value) else { return replacement }
    return (s, length)
  }

  /// Whether CPython considers `s` printable.
  static func isPrintable(_ s: Unicode.Scalar) -> Bool {
    switch s.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
      false
    case .spaceSeparator:
      s == " "
    default:
      true
    }
  }

  /// The error for a character that cannot start a token.
  func invalidCharacter(_ s: Unicode.Scalar) -> SyntaxError {
    if s == "\0" { return SyntaxError(.nullByte, at: here) }
    if s.isASCII && Lexer.isPrintable(s) { return SyntaxError(.invalidSyntax, at: here) }
    if Lexer.isPrintable(s) { return SyntaxError(.invalidCharacter(s), at: here) }
    return SyntaxError(.invalidNonPrintableCharacter(s), at: here)
  }
}

// MARK: - Main loop

extension Lexer {
  /// Lexes until the end of the source.
  mutating func scanAll() throws(SyntaxError) {
    var progress = LoopProgressCondition()
    while progress.evaluate(pos + tokens.count) {
      if let context = fstrings.last, context.isInLiteral {
        try scanFStringText()
        continue
      }
      if atLineStart {
        atLineStart = false
        try scanIndentation()
      }
      try skipTrivia()
      if isAtEnd {
        try finish()
        return
      }
      if Lexer.isLineBreak(current) {
        if brackets.isEmpty {
          if lineHasTokens {
            let start = trailingCommentStart ?? pos
            let (l, c) = (line, start - lineStart + 1)
            consumeLineBreak()
            tokens.append(Token(kind: .newline, range: start..<pos, line: l, column: c))
            lineHasTokens = false
            trailingCommentStart = nil
          } else {
            consumeLineBreak()
          }
          atLineStart = true
        } else {
          consumeLineBreak()
        }
        continue
      }
      try scanToken()
    }
    throw SyntaxError(.invalidSyntax, at: here)
  }

  /// Measures the indentation of a new logical line and emits indent or dedent tokens.
  mutating func scanIndentation() throws(SyntaxError) {
    var col = 0
    var alt = 0
    // As in CPython, a backslash continuation inside the indentation continues it on the next
    // line, and the column of the first such backslash (when not 0) is the indentation.
    var continuationColumn = 0
    var progress = LoopProgressCondition()
    scan: while pos < bytes.count && progress.evaluate(pos) {
      switch bytes[pos] {
      case UInt8(ascii: " "):
        col += 1
        alt += 1
      case UInt8(ascii: "\t"):
        col = (col / 8 + 1) * 8
        alt += 1
      case 0x0C:
        col = 0
        alt = 0  // form feed
      case UInt8(ascii: "\\") where Lexer.isLineBreak(byte(at: pos + 1)):
        if continuationColumn == 0 { continuationColumn = col }
        pos += 1
        let lineBreak = here
        consumeLineBreak()
        if isAtEnd { throw SyntaxError(.unexpectedEndOfFile, at: lineBreak) }
        continue scan
      default: break scan
      }
      pos += 1
    }
    if continuationColumn != 0 {
      col = continuationColumn
      alt = continuationColumn
    }
    let p = pos
    let next = byte(at: p)
    if p >= bytes.count || next == UInt8(ascii: "#") || Lexer.isLineBreak(next) {
      return  // blank or comment-only line: indentation is not significant
    }
    guard let top = indents.last else { return }
    if col == top.column {
      if alt != top.alternateColumn { throw SyntaxError(.inconsistentTabs, at: here) }
    } else if col > top.column {
      if alt <= top.alternateColumn { throw SyntaxError(.inconsistentTabs, at: here) }
      if indents.count >= Lexer.maximumIndentationDepth {
        throw SyntaxError(.tooManyIndentationLevels, at: here)
      }
      indents.append(Indentation(column: col, alternateColumn: alt))
      emitSynthetic(.indent)
    } else {
      // Find the level first, so that a mismatch is reported before any dedent token.
      guard let level = indents.lastIndex(where: { $0.column <= col }), indents[level].column == col else {
        throw SyntaxError(.unindentMismatch, at: here)
      }
      if alt != indents[level].alternateColumn { throw SyntaxError(.inconsistentTabs, at: here) }
      for _ in (level + 1)..<indents.count {
        emitSynthetic(.dedent)
      }
      indents.removeSubrange((level + 1)...)
    }
  }

  /// Skips spaces, tabs, form feeds, comments and backslash continuations.
  mutating func skipTrivia() throws(SyntaxError) {
    var progress = LoopProgressCondition()
    while !isAtEnd && progress.evaluate(pos) {
      switch current {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0C:
        pos += 1
      case UInt8(ascii: "#"):
        if lineHasTokens && brackets.isEmpty && trailingCommentStart == nil { trailingCommentStart = pos }
        while !isAtEnd && !Lexer.isLineBreak(current) { pos += 1 }
      case UInt8(ascii: "\\"):
        let next = byte(at: pos + 1)
        if pos + 1 >= bytes.count {
          throw SyntaxError(.unexpectedEndOfFile, at: here)
        }
        guard Lexer.isLineBreak(next) else {
          throw SyntaxError(.unexpectedCharacterAfterContinuation, at: location(line: line, column: column + 1))
        }
        pos += 1
        let lineBreak = here
        consumeLineBreak()
        if isAtEnd { throw SyntaxError(.unexpectedEndOfFile, at: lineBreak) }
      default:
        return
      }
    }
  }

  /// Emits the final newline, dedents and end-of-file, or reports an unclosed bracket.
  mutating func finish() throws(SyntaxError) {
    if let open = brackets.last {
      throw SyntaxError(
        .unclosedBracket(String(UnicodeScalar(open.byte))), at: location(line: open.line, column: open.column))
    }
    if lineHasTokens {
      if let start = trailingCommentStart {
        tokens.append(Token(kind: .newline, range: start..<pos, line: line, column: start - lineStart + 1))
      } else {
        emitSynthetic(.newline)
      }
      lineHasTokens = false
    }
    for _ in 1..<max(indents.count, 1) {
      emitSynthetic(.dedent)
    }
    indents.removeSubrange(1...)
    emitSynthetic(.endOfFile)
  }

  /// Lexes one token starting at `pos` (not whitespace, not a line break, not the end).
  mutating func scanToken() throws(SyntaxError) {
    let c = current
    if Lexer.isASCIIIdentifierStart(c) {
      if let prefixLength = stringPrefixLength() {
        try scanString(prefixLength: prefixLength)
      } else {
        try scanName()
      }
    } else if c >= 0x80 {
      try scanName()
    } else if Lexer.isDigit(c) || (c == UInt8(ascii: ".") && Lexer.isDigit(byte(at: pos + 1))) {
      try scanNumber()
    } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
      try scanString(prefixLength: 0)
    } else {
      try scanPunctuator()
    }
  }

  /// Lexes an identifier or keyword.
  mutating func scanName() throws(SyntaxError) {
    let start = pos
    let (l, c) = (line, column)
    var progress = LoopProgressCondition()
    while !isAtEnd && progress.evaluate(pos) {
      let b = current
      if Lexer.isASCIIIdentifierStart(b) || Lexer.isDigit(b) {
        pos += 1
      } else if b >= 0x80 {
        let (s, length) = scalar(at: pos)
        let ok = pos == start ? s.properties.isXIDStart : s.properties.isXIDContinue
        guard ok else { break }
        pos += length
      } else {
        break
      }
    }
    guard pos > start else { throw invalidCharacter(scalar(at: pos).0) }
    let text = String(decoding: bytes[start..<pos], as: UTF8.self)
    let kind: TokenKind = Keyword.bySpelling[text].map { .keyword($0) } ?? .name
    emit(kind, from: start, line: l, column: c)
  }

  /// Lexes an operator or delimiter, tracking brackets.
  mutating func scanPunctuator() throws(SyntaxError) {
    let start = pos
    let (l, c) = (line, column)
    var found: (Punctuator, Int)?
    if current == UInt8(ascii: ":"), let field = fstrings.last?.fields.last, !field.inFormatSpec,
      brackets.count == field.depth
    {
      found = (.colon, 1)  // `f"{x:=5}"` has the format spec `=5`
    }
    for length in [3, 2, 1] where found == nil && pos + length <= bytes.count {
      let key = Punctuator.pack(Array(bytes[pos..<(pos + length)]))
      if let p = Punctuator.byPackedSpelling[key] {
        found = (p, length)
        break
      }
    }
    guard let (punctuator, length) = found else {
      throw invalidCharacter(scalar(at: pos).0)
    }
    switch punctuator {
    case .leftParen, .leftBracket, .leftBrace:
      try openBracket()
    case .rightParen, .rightBracket, .rightBrace:
      try closeBracket()
    case .colon:
      if let i = fstrings.indices.last, let field = fstrings[i].fields.last, !field.inFormatSpec,
        brackets.count == field.depth
      {
        fstrings[i].fields[fstrings[i].fields.count - 1].inFormatSpec = true
      }
    default:
      break
    }
    pos += length
    emit(.punctuator(punctuator), from: start, line: l, column: c)
  }

  /// Pushes the bracket at `pos`.
  mutating func openBracket() throws(SyntaxError) {
    if brackets.count >= Lexer.maximumBracketDepth {
      throw SyntaxError(.tooManyNestedParentheses, at: here)
    }
    brackets.append(OpenBracket(byte: current, line: line, column: column))
  }

  /// Pops the bracket matching the closer at `pos`, closing an f-string field if it ends one.
  mutating func closeBracket() throws(SyntaxError) {
    let closer = current
    guard let open = brackets.last else {
      throw SyntaxError(.unmatchedBracket(String(UnicodeScalar(closer))), at: here)
    }
    let expected: UInt8 =
      switch open.byte {
      case UInt8(ascii: "("): UInt8(ascii: ")")
      case UInt8(ascii: "["): UInt8(ascii: "]")
      default: UInt8(ascii: "}")
      }
    guard closer == expected else {
      throw SyntaxError(
        .mismatchedBracket(
          closing: String(UnicodeScalar(closer)), opening: String(UnicodeScalar(open.byte)),
          openingLine: open.line == line ? nil : open.line),
        at: here)
    }
    brackets.removeLast()
    if let i = fstrings.indices.last, let field = fstrings[i].fields.last,
      brackets.count == field.depth - 1
    {
      fstrings[i].fields.removeLast()
    }
  }
}
