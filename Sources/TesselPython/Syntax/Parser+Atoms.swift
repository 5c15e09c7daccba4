import TesselIR

// MARK: - Atoms

extension Parser {
  /// Parses the grammar rule `atom`.
  ///
  ///     atom: NAME | 'True' | 'False' | 'None' | strings | NUMBER | '...'
  ///     | tuple | group | genexp | list | listcomp | dict | set | dictcomp | setcomp
  mutating func parseAtom() throws(SyntaxError) -> Expr {
    let token = current
    let location = location(of: token)
    switch token.kind {
    case .name:
      advance()
      return Expr(.name(text(of: token)), at: location)
    case .integer:
      advance()
      return Expr(.int(try integerValue(of: token)), at: location)
    case .float:
      advance()
      let digits = text(of: token).filter { $0 != "_" }
      guard let value = Double(digits) else { throw error(.invalidNumber("decimal"), at: token) }
      return Expr(.float(value), at: location)
    case .imaginary:
      throw error(.complexLiteral, at: token)
    case .string, .fstringStart:
      return try parseStrings()
    case .keyword(.None):
      advance()
      return Expr(.noneLiteral, at: location)
    case .keyword(.True), .keyword(.False):
      advance()
      return Expr(.bool(token.kind == .keyword(.True)), at: location)
    case .keyword(.await):
      throw error(.unsupported("'await'"), at: token)
    case .punctuator(.ellipsis):
      advance()
      return Expr(.ellipsis, at: location)
    case .punctuator(.leftParen):
      return try parseParenthesized()
    case .punctuator(.leftBracket):
      return try parseListDisplay()
    case .punctuator(.leftBrace):
      return try parseBraceDisplay()
    default:
      throw invalidSyntax()
    }
  }

  /// The value of an integer token (decimal, `0x`, `0o` or `0b`, with `_` separators).
  func integerValue(of token: Token) throws(SyntaxError) -> Int {
    var digits = Substring(text(of: token).filter { $0 != "_" })
    var radix = 10
    if digits.count > 2, digits.first == "0", let marker = digits.dropFirst().first {
      switch marker {
      case "x", "X": radix = 16
      case "o", "O": radix = 8
      case "b", "B": radix = 2
      default: break
      }
      if radix != 10 { digits = digits.dropFirst(2) }
    }
    guard let value = Int(digits, radix: radix) else { throw error(.integerTooLarge, at: token) }
    return value
  }

  /// Parses a parenthesized form: a tuple, a group or a generator expression.
  ///
  ///     tuple | group | genexp: '(' ... ')'
  mutating func parseParenthesized() throws(SyntaxError) -> Expr {
    let location = location(of: advance())
    if eat(.rightParen) != nil {
      return Expr(.tuple([]), at: location)
    }
    if at(.yield) {
      let value = try parseYield()
      try expectClosing(.rightParen, after: value)
      return value
    }
    let first = try parseStarNamedExpression()
    if let clauses = try parseComprehension(of: first, closing: .rightParen) {
      return Expr(.generator(first, clauses), at: location)
    }
    guard at(.comma) else {
      if case .starred = first.kind, at(.rightParen) {
        throw error(.starredNotAllowed, at: first.location)
      }
      try expectClosing(.rightParen, after: first)
      return first
    }
    return Expr(.tuple(try parseDisplayItems(first: first, closing: .rightParen)), at: location)
  }

  /// Parses a list display or a list comprehension.
  ///
  ///     list | listcomp: '[' ... ']'
  mutating func parseListDisplay() throws(SyntaxError) -> Expr {
    let location = location(of: advance())
    if eat(.rightBracket) != nil {
      return Expr(.list([]), at: location)
    }
    let first = try parseStarNamedExpression()
    if let clauses = try parseComprehension(of: first, closing: .rightBracket) {
      return Expr(.listComprehension(first, clauses), at: location)
    }
    return Expr(.list(try parseDisplayItems(first: first, closing: .rightBracket)), at: location)
  }

  /// Parses a dict or set display or comprehension.
  ///
  ///     dict | set | dictcomp | setcomp: '{' ... '}'
  mutating func parseBraceDisplay() throws(SyntaxError) -> Expr {
    let location = location(of: advance())
    if eat(.rightBrace) != nil {
      return Expr(.dict([]), at: location)
    }

    // The first item decides between a dict and a set.
    if eat(.doubleStar) != nil {
      let mapping = try parseNestedBitwiseOr()
      if at(.for) { throw error(.dictUnpackingInComprehension, at: mapping.location) }
      return try parseDictRest(first: .unpack(mapping), last: mapping, at: location)
    }
    if at(.star) || (at(.name) && peek().kind == .punctuator(.colonEqual)) {
      return try parseSetRest(first: try parseStarNamedExpression(), at: location)
    }
    let first = try parseExpression()
    guard eat(.colon) != nil else {
      return try parseSetRest(first: first, at: location)
    }
    let value = try parseExpression()
    if let clauses = try parseComprehension(of: value, closing: .rightBrace) {
      return Expr(.dictComprehension(key: first, value: value, clauses), at: location)
    }
    return try parseDictRest(first: .pair(key: first, value: value), last: value, at: location)
  }

  /// The items of a dict display after its first, through `}`.
  mutating func parseDictRest(first: DictItem, last: Expr, at location: SourceLocation) throws(SyntaxError) -> Expr {
    var items = [first]
    var lastExpression = last
    var progress = LoopProgressCondition()
    while eat(.comma) != nil && progress.evaluate(index) {
      guard !at(.rightBrace) else { break }
      if eat(.doubleStar) != nil {
        let mapping = try parseNestedBitwiseOr()
        items.append(.unpack(mapping))
        lastExpression = mapping
      } else {
        let key = try parseExpression()
        guard eat(.colon) != nil else {
          if at(.comma) || at(.rightBrace) { throw error(.expectedColonAfterDictKey, at: key.location) }
          throw invalidSyntax()
        }
        let value = try parseExpression()
        items.append(.pair(key: key, value: value))
        lastExpression = value
      }
    }
    try expectClosing(.rightBrace, after: lastExpression)
    return Expr(.dict(items), at: location)
  }

  /// The items of a set display (or a set comprehension) after its first, through `}`.
  mutating func parseSetRest(first: Expr, at location: SourceLocation) throws(SyntaxError) -> Expr {
    if let clauses = try parseComprehension(of: first, closing: .rightBrace) {
      return Expr(.setComprehension(first, clauses), at: location)
    }
    return Expr(.set(try parseDisplayItems(first: first, closing: .rightBrace)), at: location)
  }

  /// The items of a tuple, list or set display from `first` on: `(',' star_named_expression)*`,
  /// an optional trailing comma, then the `closing` bracket.
  mutating func parseDisplayItems(first: Expr, closing: Punctuator) throws(SyntaxError) -> [Expr] {
    let item: (inout Parser) throws(SyntaxError) -> Expr = { (p) throws(SyntaxError) in
      try p.parseStarNamedExpression()
    }
    let items = try separatedList(first, by: .punctuator(.comma), while: { !$0.at(closing) }, item)
    try expectClosing(closing, after: items.last)
    return items
  }

  /// The `for` clauses of a comprehension of `element` and the `closing` bracket after them; nil,
  /// with nothing consumed, when no `for` follows.
  mutating func parseComprehension(of element: Expr, closing: Punctuator) throws(SyntaxError) -> [Comprehension]? {
    guard at(.for) else { return nil }
    let clauses = try parseComprehensionClauses(element: element)
    try expectClosing(closing, after: nil)
    return clauses
  }

  /// Parses the grammar rule `for_if_clauses`.
  ///
  ///     for_if_clauses: ('for' star_targets 'in' disjunction ('if' disjunction)*)+
  ///
  /// `element` is the comprehension's element, checked for a starred expression.
  mutating func parseComprehensionClauses(element: Expr) throws(SyntaxError) -> [Comprehension] {
    if case .starred = element.kind {
      throw error(.starredInComprehension, at: element.location)
    }
    var clauses: [Comprehension] = []
    var progress = LoopProgressCondition()
    while at(.for) && progress.evaluate(index) {
      let forToken = advance()
      let target = try parseTargetList()
      try expect(.in)
      try checkTarget(target, context: .assignment)
      let iterable = try parseDisjunction()
      var conditions: [Expr] = []
      var conditionProgress = LoopProgressCondition()
      while eat(.if) != nil && conditionProgress.evaluate(index) {
        conditions.append(try parseDisjunction())
      }
      clauses.append(
        Comprehension(target: target, iterable: iterable, conditions: conditions, location: location(of: forToken)))
    }
    if at(.async) { throw error(.unsupported("'async'"), at: current) }
    return clauses
  }
}
