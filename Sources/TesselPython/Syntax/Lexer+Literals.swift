import TesselIR

// MARK: - Strings

extension Lexer {
  /// The valid string prefixes, lowercased.
  static let stringPrefixes: Set<[UInt8]> = Set(
    ["r", "u", "b", "f", "br", "rb", "fr", "rf"].map { Array($0.utf8) })

  /// The length of the string prefix at `pos` when a quote follows it, or nil.
  func stringPrefixLength() -> Int? {
    for length in [2, 1] {
      let quote = byte(at: pos + length)
      guard quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else { continue }
      let prefix = (0..<length).map { Lexer.lowercased(byte(at: pos + $0)) }
      if Lexer.stringPrefixes.contains(prefix) { return length }
    }
    return nil
  }

  /// `b` lowercased if it is an ASCII uppercase letter.
  static func lowercased(_ b: UInt8) -> UInt8 {
    b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
  }

  /// Lexes a string or bytes literal, or the start of an f-string.
  mutating func scanString(prefixLength: Int) throws(SyntaxError) {
    let start = pos
    let (l, c) = (line, column)
    let prefix = (0..<prefixLength).map { Lexer.lowercased(byte(at: pos + $0)) }
    let isRaw = prefix.contains(UInt8(ascii: "r"))
    pos += prefixLength
    let quote = current
    let isTriple = byte(at: pos + 1) == quote && byte(at: pos + 2) == quote
    pos += isTriple ? 3 : 1

    if prefix.contains(UInt8(ascii: "f")) {
      emit(.fstringStart, from: start, line: l, column: c)
      fstrings.append(
        FStringContext(quote: quote, isTriple: isTriple, isRaw: isRaw, line: l, column: c, fields: []))
      return
    }

    let startLocation = location(line: l, column: c)
    var progress = LoopProgressCondition()
    while progress.evaluate(pos) {
      guard !isAtEnd else {
        if isTriple {
          throw SyntaxError(.unterminatedTripleQuotedString(line: lastLine), at: startLocation)
        }
        throw unterminatedSingleQuotedString(quote: quote, at: startLocation)
      }
      let b = current
      if b == quote {
        if !isTriple {
          pos += 1
          break
        }
        if byte(at: pos + 1) == quote && byte(at: pos + 2) == quote {
          pos += 3
          break
        }
        pos += 1
      } else if b == UInt8(ascii: "\\") {
        pos += 1
        if Lexer.isLineBreak(current) {
          consumeLineBreak()
        } else if !isAtEnd {
          pos += 1
        }
      } else if Lexer.isLineBreak(b) {
        guard isTriple else {
          throw unterminatedSingleQuotedString(quote: quote, at: startLocation)
        }
        consumeLineBreak()
      } else if b == 0 {
        throw SyntaxError(.nullByte, at: here)
      } else {
        pos += 1
      }
    }
    emit(.string, from: start, line: l, column: c)
  }

  /// The error for a single-quoted string that reaches the end of its line.
  ///
  /// Inside an
  /// f-string's replacement field, a quote like the f-string's own most likely meant to end the
  /// f-string (`f'{x'`), so the error is CPython's `f-string: expecting '}'`.
  func unterminatedSingleQuotedString(quote: UInt8, at startLocation: SourceLocation) -> SyntaxError {
    if let context = fstrings.last, !context.isInLiteral, context.quote == quote {
      return SyntaxError(.fstringExpectingBrace, at: startLocation)
    }
    return SyntaxError(.unterminatedString(line: lastLine), at: startLocation)
  }

  /// Lexes literal text of the innermost f-string (outside fields or inside a format spec), up
  /// to and including the next `{`, `}` that ends a field, or closing quote.
  mutating func scanFStringText() throws(SyntaxError) {
    guard let index = fstrings.indices.last else { return }
    let context = fstrings[index]
    let inSpec = !context.fields.isEmpty
    let quote = context.quote
    let quoteLength = context.isTriple ? 3 : 1
    let startLocation = location(line: context.line, column: context.column)
    let start = pos
    let (l, c) = (line, column)

    func emitText(_ lexer: inout Lexer) {
      if lexer.pos > start {
        lexer.emit(.fstringMiddle, from: start, line: l, column: c)
      }
    }

    /// Ends the literal text at a replacement field's `{` or a format spec's closing `}`, and
    /// emits the brace as a bracket token.
    func emitBrace(_ lexer: inout Lexer, _ brace: Punctuator) throws(SyntaxError) {
      emitText(&lexer)
      let braceStart = lexer.pos
      let (bl, bc) = (lexer.line, lexer.column)
      if brace == .leftBrace { try lexer.openBracket() } else { try lexer.closeBracket() }
      lexer.pos += 1
      lexer.emit(.punctuator(brace), from: braceStart, line: bl, column: bc)
    }

    var progress = LoopProgressCondition()
    while progress.evaluate(pos) {
      guard !isAtEnd else {
        throw SyntaxError(
          context.isTriple
            ? .unterminatedTripleQuotedFString(line: lastLine) : .unterminatedFString(line: lastLine),
          at: startLocation)
      }
      let b = current
      if b == quote && (!context.isTriple || (byte(at: pos + 1) == quote && byte(at: pos + 2) == quote)) {
        if inSpec { throw SyntaxError(.fstringExpectingBrace, at: here) }
        emitText(&self)
        let endStart = pos
        let (el, ec) = (line, column)
        pos += quoteLength
        emit(.fstringEnd, from: endStart, line: el, column: ec)
        fstrings.removeLast()
        return
      }
      switch b {
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        guard context.isTriple else {
          if inSpec { throw SyntaxError(.fstringExpectingBrace, at: here) }
          throw SyntaxError(.unterminatedFString(line: line), at: startLocation)
        }
        consumeLineBreak()
      case UInt8(ascii: "\\"):
        pos += 1
        let next = current
        if Lexer.isLineBreak(next) {
          consumeLineBreak()
        } else if next == UInt8(ascii: "{") || next == UInt8(ascii: "}") || isAtEnd {
          break  // the brace is handled on the next iteration
        } else if !context.isRaw && next == UInt8(ascii: "N") && byte(at: pos + 1) == UInt8(ascii: "{") {
          // \N{NAME}: the braces belong to the escape.
          pos += 2
          while !isAtEnd && current != UInt8(ascii: "}") && current != quote && !Lexer.isLineBreak(current) {
            pos += 1
          }
          if current == UInt8(ascii: "}") { pos += 1 }
        } else {
          pos += 1
        }
      case UInt8(ascii: "{"):
        if !inSpec && byte(at: pos + 1) == UInt8(ascii: "{") {
          pos += 2
          continue
        }
        try emitBrace(&self, .leftBrace)
        fstrings[index].fields.append(FStringContext.Field(depth: brackets.count, inFormatSpec: false))
        return
      case UInt8(ascii: "}"):
        if inSpec {
          try emitBrace(&self, .rightBrace)
          return
        }
        guard byte(at: pos + 1) == UInt8(ascii: "}") else {
          throw SyntaxError(.fstringSingleBrace, at: here)
        }
        pos += 2
      case 0:
        throw SyntaxError(.nullByte, at: here)
      default:
        pos += 1
      }
    }
    throw SyntaxError(.invalidSyntax, at: here)
  }
}

// MARK: - Numbers

extension Lexer {
  /// Lexes an integer, float or imaginary literal.
  mutating func scanNumber() throws(SyntaxError) {
    let start = pos
    let (l, c) = (line, column)
    let startLocation = here
    let first = current
    let second = Lexer.lowercased(byte(at: pos + 1))

    if first == UInt8(ascii: "0")
      && (second == UInt8(ascii: "x") || second == UInt8(ascii: "o") || second == UInt8(ascii: "b"))
    {
      let (name, isDigit): (String, (UInt8) -> Bool) =
        switch second {
        case UInt8(ascii: "x"): ("hexadecimal", Lexer.isHexDigit)
        case UInt8(ascii: "o"): ("octal", { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") })
        default: ("binary", { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") })
        }
      pos += 2
      if current == UInt8(ascii: "_") { pos += 1 }
      guard isDigit(current) else { throw SyntaxError(.invalidNumber(name), at: startLocation) }
      try scanDigits(isDigit, name: name, at: startLocation)
      try verifyEndOfNumber(name: name, at: startLocation)
      emit(.integer, from: start, line: l, column: c)
      return
    }

    var kind = TokenKind.integer
    if first != UInt8(ascii: ".") {
      try scanDigits(Lexer.isDigit, name: "decimal", at: startLocation)
    }
    if current == UInt8(ascii: ".") {
      pos += 1
      kind = .float
      if Lexer.isDigit(current) {
        try scanDigits(Lexer.isDigit, name: "decimal", at: startLocation)
      }
    }
    if Lexer.lowercased(current) == UInt8(ascii: "e") {
      var p = pos + 1
      if byte(at: p) == UInt8(ascii: "+") || byte(at: p) == UInt8(ascii: "-") { p += 1 }
      guard Lexer.isDigit(byte(at: p)) else {
        throw SyntaxError(.invalidNumber("decimal"), at: startLocation)
      }
      pos = p
      try scanDigits(Lexer.isDigit, name: "decimal", at: startLocation)
      kind = .float
    }
    if Lexer.lowercased(current) == UInt8(ascii: "j") {
      pos += 1
      kind = .imaginary
    } else if kind == .integer && first == UInt8(ascii: "0") {
      let digits = bytes[start..<pos]
      if digits.contains(where: { $0 != UInt8(ascii: "0") && $0 != UInt8(ascii: "_") }) {
        throw SyntaxError(.leadingZeros, at: startLocation)
      }
    }
    try verifyEndOfNumber(name: "decimal", at: startLocation)
    emit(kind, from: start, line: l, column: c)
  }

  /// Whether `b` is an ASCII hexadecimal digit.
  static func isHexDigit(_ b: UInt8) -> Bool {
    isDigit(b) || (lowercased(b) >= UInt8(ascii: "a") && lowercased(b) <= UInt8(ascii: "f"))
  }

  /// Consumes digits with single `_` separators between them.
  mutating func scanDigits(
    _ isDigit: (UInt8) -> Bool, name: String, at startLocation: SourceLocation
  ) throws(SyntaxError) {
    var progress = LoopProgressCondition()
    while progress.evaluate(pos) {
      if isDigit(current) {
        pos += 1
      } else if current == UInt8(ascii: "_") {
        guard isDigit(byte(at: pos + 1)) else {
          throw SyntaxError(.invalidNumber(name), at: startLocation)
        }
        pos += 2
      } else {
        return
      }
    }
  }

  /// Rejects a number followed directly by an identifier, except the keywords CPython allows
  /// there (`1if x else 2`).
  func verifyEndOfNumber(name: String, at startLocation: SourceLocation) throws(SyntaxError) {
    let b = current
    guard Lexer.isASCIIIdentifierStart(b) || b >= 0x80 || Lexer.isDigit(b) else { return }
    for keyword in ["and", "else", "for", "if", "in", "is", "not", "or"] {
      let k = Array(keyword.utf8)
      let end = pos + k.count
      guard end <= bytes.count, Array(bytes[pos..<end]) == k else { continue }
      let after = byte(at: end)
      if !(Lexer.isASCIIIdentifierStart(after) || Lexer.isDigit(after) || after >= 0x80) { return }
    }
    throw SyntaxError(.invalidNumber(name), at: startLocation)
  }
}
