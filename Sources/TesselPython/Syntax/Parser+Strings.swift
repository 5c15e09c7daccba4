import TesselIR

// MARK: - Strings and f-strings

extension Parser {
  /// Parses the grammar rule `strings`.
  ///
  ///     strings: (STRING | fstring)+
  ///
  /// Adjacent literals concatenate.
  ///
  /// The result is a ``Expr/Kind/string(_:)``, a
  /// ``Expr/Kind/bytes(_:)``, or, if any part is an f-string, an ``Expr/Kind/fstring(_:)``.
  mutating func parseStrings() throws(SyntaxError) -> Expr {
    let first = current
    var parts: [FStringPart] = []
    var bytes: [UInt8]?
    var sawText = false
    var isFString = false
    var progress = LoopProgressCondition()
    while progress.evaluate(index) {
      if at(.string) {
        let token = advance()
        switch try decodeString(token) {
        case .str(let s):
          sawText = true
          Parser.appendLiteral(s, to: &parts)
        case .bytes(let b):
          bytes = (bytes ?? []) + b
        }
      } else if at(.fstringStart) {
        sawText = true
        isFString = true
        for part in try parseFString() {
          if case .literal(let s) = part {
            Parser.appendLiteral(s, to: &parts)
          } else {
            parts.append(part)
          }
        }
      } else {
        break
      }
      if bytes != nil && sawText { throw error(.mixedBytesAndStr, at: first) }
    }
    let location = location(of: first)
    if let bytes { return Expr(.bytes(bytes), at: location) }
    if isFString { return Expr(.fstring(parts), at: location) }
    var text = ""
    for case .literal(let s) in parts { text += s }
    return Expr(.string(text), at: location)
  }

  /// Appends literal text, merging it into a preceding literal and dropping empty text.
  static func appendLiteral(_ text: String, to parts: inout [FStringPart]) {
    guard !text.isEmpty else { return }
    if case .literal(let previous) = parts.last {
      parts[parts.count - 1] = .literal(previous + text)
    } else {
      parts.append(.literal(text))
    }
  }

  /// The prefix flags of a string or f-string-start token: raw, bytes.
  func stringPrefix(of token: Token) -> (isRaw: Bool, isBytes: Bool, length: Int) {
    var isRaw = false
    var isBytes = false
    var i = token.range.lowerBound
    while i < token.range.upperBound, i < source.count {
      switch source[i] {
      case UInt8(ascii: "r"), UInt8(ascii: "R"): isRaw = true
      case UInt8(ascii: "b"), UInt8(ascii: "B"): isBytes = true
      case UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "f"), UInt8(ascii: "F"): break
      default: return (isRaw, isBytes, i - token.range.lowerBound)
      }
      i += 1
    }
    return (isRaw, isBytes, i - token.range.lowerBound)
  }

  /// Decodes a complete string token.
  func decodeString(_ token: Token) throws(SyntaxError) -> StringLiteralDecoder.Value {
    let (isRaw, isBytes, prefixLength) = stringPrefix(of: token)
    let quoteStart = token.range.lowerBound + prefixLength
    guard quoteStart < source.count else { throw error(.invalidSyntax, at: token) }
    let quote = source[quoteStart]
    let isTriple =
      quoteStart + 2 < source.count && source[quoteStart + 1] == quote && source[quoteStart + 2] == quote
      && token.range.upperBound - quoteStart >= 6
    let quoteLength = isTriple ? 3 : 1
    let bodyStart = quoteStart + quoteLength
    let bodyEnd = token.range.upperBound - quoteLength
    guard bodyStart <= bodyEnd, bodyEnd <= source.count else { throw error(.invalidSyntax, at: token) }
    return try StringLiteralDecoder.decode(
      source[bodyStart..<bodyEnd], isRaw: isRaw, isBytes: isBytes, isFString: false, at: location(of: token))
  }

  /// Decodes f-string literal text.
  func decodeFStringText(_ token: Token, isRaw: Bool) throws(SyntaxError) -> String {
    let lower = Swift.min(token.range.lowerBound, source.count)
    let upper = Swift.max(lower, Swift.min(token.range.upperBound, source.count))
    let value = try StringLiteralDecoder.decode(
      source[lower..<upper], isRaw: isRaw, isBytes: false, isFString: true, at: location(of: token))
    if case .str(let s) = value { return s }
    return ""
  }

  /// Parses the grammar rule `fstring`.
  ///
  ///     fstring: FSTRING_START (FSTRING_MIDDLE | replacement_field)* FSTRING_END
  mutating func parseFString() throws(SyntaxError) -> [FStringPart] {
    let start = advance()
    let parts = try parseFStringParts(until: .fstringEnd, isRaw: stringPrefix(of: start).isRaw)
    guard eat(.fstringEnd) != nil else { throw invalidSyntax() }
    return parts
  }

  /// The literal text and replacement fields of an f-string or of a format spec, up to (not
  /// including) the token `end`.
  mutating func parseFStringParts(until end: TokenKind, isRaw: Bool) throws(SyntaxError) -> [FStringPart] {
    var parts: [FStringPart] = []
    var progress = LoopProgressCondition()
    while !at(end) && progress.evaluate(index) {
      switch current.kind {
      case .fstringMiddle:
        let token = advance()
        Parser.appendLiteral(try decodeFStringText(token, isRaw: isRaw), to: &parts)
      case .punctuator(.leftBrace):
        parts.append(contentsOf: try parseReplacementField(isRaw: isRaw))
      default:
        throw invalidSyntax()
      }
    }
    return parts
  }

  /// Parses the grammar rule `replacement_field`.
  ///
  ///     replacement_field: '{' (yield_expr | star_expressions) ['='] ['!' NAME] [':' format_spec*] '}'
  ///
  /// Returns the field, preceded by its source text for a self-documenting `{x=}`.
  mutating func parseReplacementField(isRaw: Bool) throws(SyntaxError) -> [FStringPart] {
    let open = advance()
    if at(.rightBrace) { throw error(.fstringEmptyExpression, at: current) }
    let value = try parseYieldOrStarExpressions()
    checkNotBareStarred(value)
    var result: [FStringPart] = []

    var isSelfDocumenting = false
    if eat(.equal) != nil {
      isSelfDocumenting = true
      result.append(.literal(text(in: open.range.upperBound..<current.range.lowerBound)))
    }

    var conversion: FormattedValue.Conversion?
    if let bang = eat(.exclamation) {
      guard at(.name) else {
        if at(.rightBrace) || at(.colon) { throw error(.fstringMissingConversion, at: current) }
        throw invalidSyntax()
      }
      let nameToken = advance()
      guard nameToken.range.lowerBound == bang.range.upperBound else {
        throw error(.fstringConversionNotAdjacent, at: nameToken)
      }
      let name = text(of: nameToken)
      guard let c = FormattedValue.Conversion(rawValue: name) else {
        throw error(.fstringInvalidConversion(name), at: nameToken)
      }
      conversion = c
    }

    var formatSpec: [FStringPart]?
    if eat(.colon) != nil {
      formatSpec = try parseFStringParts(until: .punctuator(.rightBrace), isRaw: isRaw)
    }

    guard eat(.rightBrace) != nil else { throw error(.fstringExpectingBrace, at: current) }
    if isSelfDocumenting && conversion == nil && formatSpec == nil {
      conversion = .repr
    }
    result.append(
      .field(
        FormattedValue(value: value, conversion: conversion, formatSpec: formatSpec, location: location(of: open))))
    return result
  }
}
