import TesselIR

// MARK: - Expression lists

extension Parser {
  /// Parses the grammar rule `star_expressions`.
  ///
  ///     star_expressions: star_expression (',' star_expression)* [',']
  ///
  /// A comma makes a tuple located at its first element.
  mutating func parseStarExpressions() throws(SyntaxError) -> Expr {
    try tupleIfComma(try parseStarExpression()) { (p) throws(SyntaxError) in try p.parseStarExpression() }
  }

  /// `first` alone, or, when a comma follows it, the tuple of `first` and the `item`s after each
  /// comma, up to a token that cannot start an expression (so a trailing comma is allowed); the
  /// tuple is located at `first`.
  mutating func tupleIfComma(
    _ first: Expr, _ item: (inout Parser) throws(SyntaxError) -> Expr
  ) throws(SyntaxError) -> Expr {
    guard at(.comma) else { return first }
    let items = try separatedList(first, by: .punctuator(.comma), while: { $0.startsExpression($0.current) }, item)
    return Expr(.tuple(items), at: first.location)
  }

  /// `first` and the `item` after each `separator`, as long as `continues` accepts the token after
  /// the separator (when it does not, the separator was a trailing one).
  mutating func separatedList(
    _ first: Expr, by separator: TokenKind, while continues: (Parser) -> Bool = { _ in true },
    _ item: (inout Parser) throws(SyntaxError) -> Expr
  ) throws(SyntaxError) -> [Expr] {
    var items = [first]
    var progress = LoopProgressCondition()
    while eat(separator) != nil && progress.evaluate(index) {
      guard continues(self) else { break }
      items.append(try item(&self))
    }
    return items
  }

  /// Parses the grammar rule `star_expression`.
  ///
  ///     star_expression: '*' bitwise_or | expression
  mutating func parseStarExpression() throws(SyntaxError) -> Expr {
    if let star = eat(.star) {
      return try parseStarred(star)
    }
    return try parseExpression()
  }

  /// Parses the grammar rule `star_named_expression`.
  ///
  ///     star_named_expression: '*' bitwise_or | named_expression
  mutating func parseStarNamedExpression() throws(SyntaxError) -> Expr {
    if let star = eat(.star) {
      return try parseStarred(star)
    }
    return try parseNamedExpression()
  }

  /// Parses the grammar rule `annotated_rhs`.
  ///
  ///     annotated_rhs: yield_expr | star_expressions
  mutating func parseYieldOrStarExpressions() throws(SyntaxError) -> Expr {
    at(.yield) ? try parseYield() : try parseStarExpressions()
  }

  /// Parses the grammar rule `yield_expr`.
  ///
  ///     yield_expr: 'yield' 'from' expression | 'yield' [star_expressions]
  mutating func parseYield() throws(SyntaxError) -> Expr {
    let yieldToken = advance()
    let location = location(of: yieldToken)
    if !isInFunction { deferError(.outsideContext("'yield' outside function"), at: location) }
    if eat(.from) != nil {
      return Expr(.yieldFrom(try parseExpression()), at: location)
    }
    guard startsExpression(current) else { return Expr(.yield(nil), at: location) }
    let value = try parseStarExpressions()
    checkNotBareStarred(value)
    return Expr(.yield(value), at: location)
  }

  /// Parses the grammar rule `star_targets`.
  ///
  ///     star_targets (for `for` loops and comprehensions): star_target (',' star_target)* [',']
  ///
  /// Targets are parsed at `bitwise_or` level so that `in` ends them; ``checkTarget(_:context:)``
  /// then rejects what cannot be assigned.
  mutating func parseTargetList() throws(SyntaxError) -> Expr {
    try tupleIfComma(try parseStarTarget()) { (p) throws(SyntaxError) in try p.parseStarTarget() }
  }

  /// The operand of `*` (already consumed as `star`): `'*' bitwise_or`.
  ///
  /// This path recurses without passing through ``parseExpression()``, so it counts a nesting
  /// level itself.
  mutating func parseStarred(_ star: Token) throws(SyntaxError) -> Expr {
    let value = try parseNestedBitwiseOr()
    return Expr(.starred(value), at: location(of: star))
  }

  /// A `bitwise_or` that counts as one nesting level (after `*` or `**`).
  mutating func parseNestedBitwiseOr() throws(SyntaxError) -> Expr {
    try enterNesting()
    defer { leaveNesting() }
    return try parseBitwiseOr()
  }

  /// Parses the grammar rule `star_target`.
  ///
  ///     star_target: '*' bitwise_or | bitwise_or
  mutating func parseStarTarget() throws(SyntaxError) -> Expr {
    if let star = eat(.star) {
      return try parseStarred(star)
    }
    return try parseBitwiseOr()
  }
}

// MARK: - Operators by precedence

extension Parser {
  /// Parses the grammar rule `named_expression`.
  ///
  ///     named_expression: NAME ':=' expression | expression
  mutating func parseNamedExpression() throws(SyntaxError) -> Expr {
    if at(.name) && peek().kind == .punctuator(.colonEqual) {
      let nameToken = advance()
      advance()
      let value = try parseExpression()
      let target = Expr(.name(text(of: nameToken)), at: location(of: nameToken))
      return Expr(.named(target: target, value: value), at: target.location)
    }
    let expression = try parseExpression()
    if at(.colonEqual) {
      try checkTarget(expression, context: .namedExpression)
    }
    return expression
  }

  /// Parses the grammar rule `expression`.
  ///
  ///     expression: disjunction 'if' disjunction 'else' expression | disjunction | lambdef
  mutating func parseExpression() throws(SyntaxError) -> Expr {
    try enterNesting()
    defer { leaveNesting() }
    if at(.lambda) { return try parseLambda() }
    let body = try parseDisjunction()
    guard eat(.if) != nil else { return body }
    let condition = try parseDisjunction()
    guard eat(.else) != nil else {
      // As in CPython, `a if b:` is plain invalid syntax (likely a misplaced statement).
      throw at(.colon) ? invalidSyntax() : error(.expectedElseInConditional, at: current)
    }
    let orElse = try parseExpression()
    return Expr(.conditional(condition: condition, body: body, orElse: orElse), at: body.location)
  }

  /// Parses the grammar rule `lambdef`.
  ///
  ///     lambdef: 'lambda' [lambda_params] ':' expression
  mutating func parseLambda() throws(SyntaxError) -> Expr {
    let lambdaToken = advance()
    scopes.append(Scope(kind: .function))
    defer { scopes.removeLast() }
    let parameters = try parseParameters(closing: .colon, allowAnnotations: false)
    try expect(.colon)
    let body = try parseExpression()
    return Expr(.lambda(parameters, body: body), at: location(of: lambdaToken))
  }

  /// Parses the grammar rule `disjunction`.
  ///
  ///     disjunction: conjunction ('or' conjunction)*
  mutating func parseDisjunction() throws(SyntaxError) -> Expr {
    try parseBooleanChain(.or, .or) { (p) throws(SyntaxError) in try p.parseConjunction() }
  }

  /// Parses the grammar rule `conjunction`.
  ///
  ///     conjunction: inversion ('and' inversion)*
  mutating func parseConjunction() throws(SyntaxError) -> Expr {
    try parseBooleanChain(.and, .and) { (p) throws(SyntaxError) in try p.parseInversion() }
  }

  /// Parses `operand (keyword operand)*`: one operand alone, or a ``Expr/Kind/boolean(_:_:)``
  /// node of all of them.
  mutating func parseBooleanChain(
    _ keyword: Keyword, _ op: BooleanOperator, operand: (inout Parser) throws(SyntaxError) -> Expr
  ) throws(SyntaxError) -> Expr {
    let first = try operand(&self)
    guard at(keyword) else { return first }
    return Expr(.boolean(op, try separatedList(first, by: .keyword(keyword), operand)), at: first.location)
  }

  /// Parses the grammar rule `inversion`.
  ///
  ///     inversion: 'not' inversion | comparison
  mutating func parseInversion() throws(SyntaxError) -> Expr {
    guard let notToken = eat(.not) else { return try parseComparison() }
    try enterNesting()
    defer { leaveNesting() }
    let operand = try parseInversion()
    return Expr(.unary(.not, operand), at: location(of: notToken))
  }

  /// Parses the grammar rule `comparison`.
  ///
  ///     comparison: bitwise_or (compare_op bitwise_or)*
  mutating func parseComparison() throws(SyntaxError) -> Expr {
    let left = try parseBitwiseOr()
    var comparisons: [Comparison] = []
    var progress = LoopProgressCondition()
    while progress.evaluate(index), let op = eatComparisonOperator() {
      comparisons.append(Comparison(op: op, right: try parseBitwiseOr()))
    }
    return comparisons.isEmpty ? left : Expr(.compare(left, comparisons), at: left.location)
  }

  /// Consumes a comparison operator (`<`, `not in`, `is not`, ...) if one is next.
  mutating func eatComparisonOperator() -> ComparisonOperator? {
    let op: ComparisonOperator
    switch current.kind {
    case .punctuator(.equalEqual): op = .equal
    case .punctuator(.notEqual): op = .notEqual
    case .punctuator(.less): op = .less
    case .punctuator(.lessEqual): op = .lessEqual
    case .punctuator(.greater): op = .greater
    case .punctuator(.greaterEqual): op = .greaterEqual
    case .keyword(.in): op = .in
    case .keyword(.not):
      guard peek().kind == .keyword(.in) else { return nil }
      advance()
      op = .notIn
    case .keyword(.is):
      advance()
      return eat(.not) != nil ? .isNot : .is
    default:
      return nil
    }
    advance()
    return op
  }

  /// Parses `bitwise_or` and every tighter binary level down to `term`, by precedence climbing.
  ///
  ///     bitwise_or: bitwise_or '|' bitwise_xor | bitwise_xor
  ///     bitwise_xor: bitwise_xor '^' bitwise_and | bitwise_and
  ///     bitwise_and: bitwise_and '&' shift_expr | shift_expr
  ///     shift_expr: shift_expr ('<<' | '>>') sum | sum
  ///     sum: sum ('+' | '-') term | term
  ///     term: term ('*' | '/' | '//' | '%' | '@') factor | factor
  mutating func parseBitwiseOr() throws(SyntaxError) -> Expr {
    try parseBinary(minimumPrecedence: 1)
  }

  /// Parses a left-associative chain of binary operators binding at least as tightly as
  /// `minimumPrecedence`.
  mutating func parseBinary(minimumPrecedence: Int) throws(SyntaxError) -> Expr {
    var left = try parseFactor()
    var links = 0
    defer { treeDepth -= links }
    var progress = LoopProgressCondition()
    while let (op, precedence) = Parser.binaryOperator(current.kind), precedence >= minimumPrecedence,
      progress.evaluate(index)
    {
      links += 1
      try extendChain()
      advance()
      let right = try parseBinary(minimumPrecedence: precedence + 1)
      left = Expr(.binary(op, left, right), at: left.location)
    }
    return left
  }

  /// The binary operator a token spells (a punctuator of the same spelling) and its precedence
  /// (1 for `|` up to 6 for `*`); `**` binds tighter than a unary operator and is parsed by `power`.
  static func binaryOperator(_ kind: TokenKind) -> (BinaryOperator, Int)? {
    guard case .punctuator(let p) = kind, let op = BinaryOperator(rawValue: p.rawValue) else { return nil }
    switch op {
    case .bitwiseOr: return (op, 1)
    case .bitwiseXor: return (op, 2)
    case .bitwiseAnd: return (op, 3)
    case .leftShift, .rightShift: return (op, 4)
    case .add, .subtract: return (op, 5)
    case .multiply, .divide, .floorDivide, .modulo, .matrixMultiply: return (op, 6)
    case .power: return nil
    }
  }

  /// Parses the grammar rule `factor`.
  ///
  ///     factor: '+' factor | '-' factor | '~' factor | power
  mutating func parseFactor() throws(SyntaxError) -> Expr {
    let op: UnaryOperator
    switch current.kind {
    case .punctuator(.minus): op = .negate
    case .punctuator(.plus): op = .plus
    case .punctuator(.tilde): op = .invert
    default: return try parsePower()
    }
    let opToken = advance()
    try enterNesting()
    defer { leaveNesting() }
    let operand = try parseFactor()
    return Expr(.unary(op, operand), at: location(of: opToken))
  }

  /// Parses the grammar rule `power`.
  ///
  ///     power: primary '**' factor | primary
  ///
  /// `**` is right-associative and binds tighter than a unary operator on its left
  /// (`-2 ** 2` is `-(2 ** 2)`) but not on its right (`2 ** -1`).
  mutating func parsePower() throws(SyntaxError) -> Expr {
    let base = try parsePrimary()
    guard eat(.doubleStar) != nil else { return base }
    try enterNesting()
    defer { leaveNesting() }
    let exponent = try parseFactor()
    return Expr(.binary(.power, base, exponent), at: base.location)
  }

  /// Parses the grammar rule `primary`.
  ///
  ///     primary: primary '.' NAME | primary genexp | primary '(' [arguments] ')'
  ///     | primary '[' slices ']' | atom
  mutating func parsePrimary() throws(SyntaxError) -> Expr {
    var expression = try parseAtom()
    var links = 0
    defer { treeDepth -= links }
    var progress = LoopProgressCondition()
    while progress.evaluate(index) {
      switch current.kind {
      case .punctuator(.dot), .punctuator(.leftParen), .punctuator(.leftBracket):
        links += 1
        try extendChain()
      default:
        return expression
      }
      switch current.kind {
      case .punctuator(.dot):
        advance()
        let (name, _) = try expectName()
        expression = Expr(.attribute(expression, name), at: expression.location)
      case .punctuator(.leftParen):
        let open = advance()
        let arguments = try parseCallArguments(open: open, allowGenerator: true)
        expression = Expr(.call(expression, arguments), at: expression.location)
      case .punctuator(.leftBracket):
        advance()
        let subscriptIndex = try parseSlices()
        expression = Expr(.subscript(expression, index: subscriptIndex), at: expression.location)
      default:
        return expression
      }
    }
    return expression
  }
}

// MARK: - Calls and subscripts

extension Parser {
  /// Parses the arguments of a call or class definition after `(`, through `)`.
  ///
  ///     arguments: ','.(starred_expression | named_expression | NAME '=' expression
  ///                     | '**' expression)+ [','] | named_expression for_if_clauses
  mutating func parseCallArguments(open: Token, allowGenerator: Bool) throws(SyntaxError) -> [Argument] {
    var arguments: [Argument] = []
    var sawKeyword = false
    var sawKeywordUnpacking = false
    var keywordNames: Set<String> = []
    var last: Expr?
    var progress = LoopProgressCondition()
    while !at(.rightParen) && progress.evaluate(index) {
      if let star = eat(.star) {
        let value = try parseExpression()
        if sawKeywordUnpacking {
          throw error(.iterableUnpackingFollowsKeywordUnpacking, at: location(of: star))
        }
        arguments.append(.unpacked(value))
        last = value
      } else if eat(.doubleStar) != nil {
        let value = try parseExpression()
        arguments.append(.unpackedKeywords(value))
        sawKeywordUnpacking = true
        last = value
      } else if at(.name) && peek().kind == .punctuator(.equal) {
        let nameToken = advance()
        advance()
        let value = try parseExpression()
        let name = text(of: nameToken)
        if !keywordNames.insert(name).inserted {
          deferError(.keywordArgumentRepeated(name), at: location(of: nameToken))
        }
        arguments.append(.keyword(KeywordArgument(name: name, value: value, location: location(of: nameToken))))
        sawKeyword = true
        last = value
      } else {
        var value = try parseNamedExpression()
        if at(.for) {
          guard allowGenerator else { throw invalidSyntax() }
          let element = value
          let clauses = try parseComprehensionClauses(element: element)
          value = Expr(.generator(element, clauses), at: location(of: open))
          if !arguments.isEmpty || !at(.rightParen) {
            throw error(.unparenthesizedGenerator, at: element.location)
          }
        } else if at(.equal) {
          throw error(.assignmentInArgument, at: value.location)
        }
        if !at(.comma) && !at(.rightParen) && startsExpression(current) {
          throw error(.missingComma, at: value.location)
        }
        if sawKeywordUnpacking {
          throw error(.positionalFollowsKeywordUnpacking, at: value.location)
        }
        if sawKeyword {
          throw error(.positionalFollowsKeyword, at: value.location)
        }
        arguments.append(.positional(value))
        last = value
      }
      guard eat(.comma) != nil else { break }
    }
    try expectClosing(.rightParen, after: last)
    return arguments
  }

  /// Parses the grammar rule `slices`.
  ///
  ///     slices: slice | ','.(slice | starred_expression)+ [','], after `[`, through `]`.
  ///
  /// Several items make a tuple index, as in Python's AST: `t[i, 0:4]` is
  /// `subscript(t, tuple(i, slice(0, 4)))`.
  mutating func parseSlices() throws(SyntaxError) -> Expr {
    var items: [Expr] = []
    var sawComma = false
    var progress = LoopProgressCondition()
    while progress.evaluate(index) {
      if let star = eat(.star) {
        items.append(try parseStarred(star))
      } else {
        items.append(try parseSlice())
      }
      guard eat(.comma) != nil else { break }
      sawComma = true
      if at(.rightBracket) { break }
    }
    try expectClosing(.rightBracket, after: items.last)
    if items.count == 1, !sawComma, let only = items.first {
      if case .starred = only.kind {} else { return only }
    }
    return Expr(.tuple(items), at: items.first?.location ?? location(of: current))
  }

  /// Parses the grammar rule `slice`.
  ///
  ///     slice: [expression] ':' [expression] [':' [expression]] | named_expression
  mutating func parseSlice() throws(SyntaxError) -> Expr {
    let start = location(of: current)
    var lower: Expr?
    if !at(.colon) {
      let expression = try parseNamedExpression()
      guard at(.colon) else { return expression }
      lower = expression
    }
    advance()
    let upper = startsExpression(current) && !at(.star) ? try parseExpression() : nil
    var step: Expr?
    if eat(.colon) != nil, startsExpression(current) && !at(.star) {
      step = try parseExpression()
    }
    return Expr(.slice(lower: lower, upper: upper, step: step), at: start)
  }

  /// Whether the tokens after the current `=` form a `bitwise_or` not followed by another `=` or
  /// `:=`, the shape CPython's "Maybe you meant '=='" hints require (a speculative parse on a
  /// copy of the parser; only used on an error path).
  func looksLikeAssignmentValue() -> Bool {
    var lookahead = self
    lookahead.advance()
    guard (try? lookahead.parseBitwiseOr()) != nil else { return false }
    return !lookahead.at(.equal) && !lookahead.at(.colonEqual)
  }

  /// Consumes the closing bracket `punctuator`, or throws CPython's
  /// `invalid syntax. Perhaps you forgot a comma?` when another expression follows `last`
  /// directly, or `invalid syntax`.
  @discardableResult
  mutating func expectClosing(_ punctuator: Punctuator, after last: Expr?) throws(SyntaxError) -> Token {
    if let token = eat(punctuator) { return token }
    if let last, at(.equal), looksLikeAssignmentValue() {
      if case .name = last.kind { throw error(.assignmentInCondition, at: last.location) }
      if Parser.isBitwiseOrLevel(last) {
        switch last.kind {
        case .tuple, .list, .generator, .noneLiteral, .bool: break
        default:
          throw error(
            .invalidTarget(description: Parser.describe(last), context: .assignment, suggestEquality: true),
            at: last.location)
        }
      }
    }
    if let last, startsExpression(current), !at(.star) {
      let legacyPrint: Bool =
        if case .name = last.kind, at(.string) || at(.fstringStart) { true } else { false }
      if !legacyPrint { throw error(.missingComma, at: last.location) }
    }
    throw invalidSyntax()
  }
}
