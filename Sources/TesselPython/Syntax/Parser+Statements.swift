import TesselIR

// MARK: - Statements and blocks

extension Parser {
  /// Parses the grammar rule `statement`.
  ///
  ///     statement: compound_stmt | simple_stmts
  mutating func parseStatement(into statements: inout [Stmt]) throws(SyntaxError) {
    switch current.kind {
    case .keyword(.if): statements.append(try parseIf())
    case .keyword(.while): statements.append(try parseWhile())
    case .keyword(.for): statements.append(try parseFor())
    case .keyword(.try): statements.append(try parseTry())
    case .keyword(.with): statements.append(try parseWith())
    case .keyword(.def): statements.append(try parseFunctionDef(decorators: []))
    case .keyword(.class): statements.append(try parseClassDef(decorators: []))
    case .punctuator(.at): statements.append(try parseDecorated())
    case .keyword(.async): throw error(.unsupported("'async'"), at: current)
    case .indent: throw error(.unexpectedIndent, at: current)
    default: try parseSimpleStatements(into: &statements)
    }
  }

  /// Parses the grammar rule `simple_stmts`.
  ///
  ///     simple_stmts: simple_stmt (';' simple_stmt)* [';'] NEWLINE
  mutating func parseSimpleStatements(into statements: inout [Stmt]) throws(SyntaxError) {
    var progress = LoopProgressCondition()
    while progress.evaluate(index) {
      statements.append(try parseSimpleStatement())
      guard eat(.semicolon) != nil, !at(.newline) else { break }
    }
    guard eat(.newline) != nil else { throw invalidSyntax() }
  }

  /// Parses the grammar rule `block`.
  ///
  ///     block: NEWLINE INDENT statement+ DEDENT | simple_stmts
  mutating func parseBlock(owner: SyntaxError.BlockOwner, line: Int) throws(SyntaxError) -> [Stmt] {
    var body: [Stmt] = []
    guard eat(.newline) != nil else {
      try parseSimpleStatements(into: &body)
      return body
    }
    guard eat(.indent) != nil else {
      throw error(.expectedIndentedBlock(after: owner, line: line), at: current)
    }
    var progress = LoopProgressCondition()
    while !at(.dedent) && !at(.endOfFile) && progress.evaluate(index) {
      try parseStatement(into: &body)
    }
    guard eat(.dedent) != nil else { throw invalidSyntax() }
    return body
  }

  /// A block that is the body of a loop (`break` and `continue` are allowed in it).
  mutating func parseLoopBody(owner: SyntaxError.BlockOwner, line: Int) throws(SyntaxError) -> [Stmt] {
    let scope = scopes.count - 1
    scopes[scope].loopDepth += 1
    defer { scopes[scope].loopDepth -= 1 }
    return try parseBlock(owner: owner, line: line)
  }

  /// A block that is the body of a function or class.
  mutating func parseScopeBody(
    _ kind: Scope.Kind, owner: SyntaxError.BlockOwner, line: Int
  ) throws(SyntaxError) -> [Stmt] {
    scopes.append(Scope(kind: kind))
    defer { scopes.removeLast() }
    return try parseBlock(owner: owner, line: line)
  }

  /// Parses the grammar rule `else_block`.
  ///
  ///     else_block: 'else' ':' block, or nothing.
  mutating func parseElseBlock() throws(SyntaxError) -> [Stmt] {
    guard let elseToken = eat(.else) else { return [] }
    try expectColon(forced: true)
    return try parseBlock(owner: .else, line: elseToken.line)
  }
}

// MARK: - Simple statements

extension Parser {
  /// Parses the grammar rule `simple_stmt`.
  ///
  ///     simple_stmt: assignment | star_expressions | return | import | raise | pass | del | yield
  ///     | assert | break | continue | global | nonlocal
  mutating func parseSimpleStatement() throws(SyntaxError) -> Stmt {
    let start = current
    let location = location(of: start)
    switch start.kind {
    case .keyword(.pass):
      advance()
      return Stmt(.pass, at: location)
    case .keyword(.break):
      advance()
      if !isInLoop { deferError(.outsideContext("'break' outside loop"), at: location) }
      return Stmt(.break, at: location)
    case .keyword(.continue):
      advance()
      if !isInLoop { deferError(.outsideContext("'continue' not properly in loop"), at: location) }
      return Stmt(.continue, at: location)
    case .keyword(.return):
      advance()
      if !isInFunction { deferError(.outsideContext("'return' outside function"), at: location) }
      let value = startsExpression(current) ? try parseStarExpressions() : nil
      if let value { checkNotBareStarred(value) }
      return Stmt(.return(value), at: location)
    case .keyword(.raise):
      advance()
      guard startsExpression(current) else { return Stmt(.raise(exception: nil, cause: nil), at: location) }
      let exception = try parseExpression()
      let cause = eat(.from) != nil ? try parseExpression() : nil
      return Stmt(.raise(exception: exception, cause: cause), at: location)
    case .keyword(.global), .keyword(.nonlocal):
      advance()
      var names = [try expectName().0]
      var progress = LoopProgressCondition()
      while eat(.comma) != nil && progress.evaluate(index) {
        names.append(try expectName().0)
      }
      if start.kind == .keyword(.global) { return Stmt(.global(names), at: location) }
      if scopes.count == 1 { deferError(.nonlocalAtModuleLevel, at: location) }
      return Stmt(.nonlocal(names), at: location)
    case .keyword(.del):
      advance()
      var targets: [Expr] = []
      var progress = LoopProgressCondition()
      while progress.evaluate(index) {
        let target = try parseExpression()
        try checkTarget(target, context: .deletion)
        targets.append(target)
        guard eat(.comma) != nil, startsExpression(current) else { break }
      }
      return Stmt(.delete(targets), at: location)
    case .keyword(.assert):
      advance()
      let condition = try parseExpression()
      let message = eat(.comma) != nil ? try parseExpression() : nil
      return Stmt(.assert(condition: condition, message: message), at: location)
    case .keyword(.import):
      return try parseImport()
    case .keyword(.from):
      return try parseImportFrom()
    default:
      return try parseExpressionStatement()
    }
  }

  /// Parses an expression statement or an assignment.
  ///
  ///     star_expressions
  ///     | single_target ':' expression ['=' annotated_rhs]
  ///     | single_target augassign annotated_rhs
  ///     | (star_targets '=')+ annotated_rhs
  mutating func parseExpressionStatement() throws(SyntaxError) -> Stmt {
    let location = location(of: current)
    let first = try parseYieldOrStarExpressions()

    if at(.colon) {
      advance()
      guard startsExpression(current) else { throw invalidSyntax() }
      try checkAnnotationTarget(first)
      let annotation = try parseExpression()
      let value = eat(.equal) != nil ? try parseYieldOrStarExpressions() : nil
      if let value { checkNotBareStarred(value) }
      return Stmt(.annotatedAssign(target: first, annotation: annotation, value: value), at: location)
    }

    if case .punctuator(let p) = current.kind, let op = Parser.augmentedOperators[p] {
      try checkTarget(first, context: .augmentedAssignment)
      advance()
      let value = try parseYieldOrStarExpressions()
      checkNotBareStarred(value)
      return Stmt(.augmentedAssign(target: first, op: op, value: value), at: location)
    }

    if at(.equal) {
      var expressions = [first]
      var progress = LoopProgressCondition()
      while eat(.equal) != nil && progress.evaluate(index) {
        expressions.append(try parseYieldOrStarExpressions())
      }
      let value = expressions.removeLast()
      for target in expressions {
        try checkAssignmentTarget(target, isOnlyTarget: expressions.count == 1)
      }
      checkNotBareStarred(value)
      return Stmt(.assign(targets: expressions, value: value), at: location)
    }

    if case .name(let name) = first.kind, name == "print" || name == "exec", startsExpression(current) {
      throw error(.missingParenthesesInCall(name), at: first.location)
    }
    checkNotBareStarred(first)
    return Stmt(.expression(first), at: location)
  }

  /// Records CPython's compile-time error for a starred expression used as a value on its own
  /// (`x = *a`, `return *a`); `*a, b` is a tuple and fine.
  mutating func checkNotBareStarred(_ value: Expr) {
    if case .starred = value.kind {
      deferError(.starredOutsideDisplay, at: value.location)
    }
  }

  /// The binary operator of each augmented assignment.
  static let augmentedOperators: [Punctuator: BinaryOperator] = [
    .plusEqual: .add, .minusEqual: .subtract, .starEqual: .multiply, .atEqual: .matrixMultiply,
    .slashEqual: .divide, .doubleSlashEqual: .floorDivide, .percentEqual: .modulo,
    .doubleStarEqual: .power, .leftShiftEqual: .leftShift, .rightShiftEqual: .rightShift,
    .pipeEqual: .bitwiseOr, .caretEqual: .bitwiseXor, .ampersandEqual: .bitwiseAnd,
  ]

  /// Parses the grammar rule `import_name`.
  ///
  ///     import_name: 'import' dotted_as_name (',' dotted_as_name)*
  mutating func parseImport() throws(SyntaxError) -> Stmt {
    let importToken = advance()
    var names: [ImportAlias] = []
    var progress = LoopProgressCondition()
    while progress.evaluate(index) {
      let (name, first) = try parseDottedName()
      let asName = eat(.as) != nil ? try expectName().0 : nil
      names.append(ImportAlias(name: name, asName: asName, location: location(of: first)))
      guard eat(.comma) != nil else { break }
    }
    return Stmt(.import(names), at: location(of: importToken))
  }

  /// Parses the grammar rule `import_from`.
  ///
  ///     import_from: 'from' ('.' | '...')* dotted_name 'import' import_from_targets
  ///     | 'from' ('.' | '...')+ 'import' import_from_targets
  mutating func parseImportFrom() throws(SyntaxError) -> Stmt {
    let fromToken = advance()
    var level = 0
    var progress = LoopProgressCondition()
    while progress.evaluate(index) {
      if eat(.dot) != nil {
        level += 1
      } else if eat(.ellipsis) != nil {
        level += 3
      } else {
        break
      }
    }
    var module: String?
    if at(.name) {
      module = try parseDottedName().0
    } else if level == 0 {
      throw invalidSyntax()
    }
    try expect(.import)

    var names: [ImportAlias] = []
    if let star = eat(.star) {
      if scopes.count > 1 { deferError(.importStarNotAtModuleLevel, at: location(of: fromToken)) }
      names.append(ImportAlias(name: "*", asName: nil, location: location(of: star)))
    } else if eat(.leftParen) != nil {
      var progress = LoopProgressCondition()
      while !at(.rightParen) && progress.evaluate(index) {
        names.append(try parseImportAsName())
        guard eat(.comma) != nil else { break }
      }
      guard !names.isEmpty else { throw invalidSyntax() }
      try expect(.rightParen)
    } else {
      guard at(.name) else { throw error(.importExpectedNames, at: current) }
      var progress = LoopProgressCondition()
      while progress.evaluate(index) {
        names.append(try parseImportAsName())
        guard let comma = eat(.comma) else { break }
        guard at(.name) else { throw error(.importTrailingComma, at: comma) }
      }
    }
    return Stmt(.importFrom(module: module, names: names, level: level), at: location(of: fromToken))
  }

  /// Parses the grammar rule `import_from_as_name`.
  ///
  ///     import_from_as_name: NAME ['as' NAME]
  mutating func parseImportAsName() throws(SyntaxError) -> ImportAlias {
    let (name, token) = try expectName()
    let asName = eat(.as) != nil ? try expectName().0 : nil
    return ImportAlias(name: name, asName: asName, location: location(of: token))
  }

  /// Parses the grammar rule `dotted_name`.
  ///
  ///     dotted_name: NAME ('.' NAME)*
  mutating func parseDottedName() throws(SyntaxError) -> (String, Token) {
    let (first, token) = try expectName()
    var name = first
    var progress = LoopProgressCondition()
    while eat(.dot) != nil && progress.evaluate(index) {
      name += "." + (try expectName().0)
    }
    return (name, token)
  }
}

// MARK: - Compound statements

extension Parser {
  /// Parses the grammar rule `if_stmt`.
  ///
  ///     if_stmt: 'if' named_expression ':' block ('elif' named_expression ':' block)* [else_block]
  mutating func parseIf() throws(SyntaxError) -> Stmt {
    let ifToken = advance()
    var clauses = [try parseIfClause(keyword: ifToken, owner: .if)]
    var progress = LoopProgressCondition()
    while at(.elif) && progress.evaluate(index) {
      let elifToken = advance()
      clauses.append(try parseIfClause(keyword: elifToken, owner: .elif))
    }
    let orElse = try parseElseBlock()
    return Stmt(.if(clauses: clauses, orElse: orElse), at: location(of: ifToken))
  }

  /// One `if` or `elif` clause after its keyword.
  mutating func parseIfClause(keyword: Token, owner: SyntaxError.BlockOwner) throws(SyntaxError) -> IfClause {
    let condition = try parseCondition()
    try expectColon(forced: false)
    let body = try parseBlock(owner: owner, line: keyword.line)
    return IfClause(condition: condition, body: body, location: location(of: keyword))
  }

  /// The condition of `if`, `elif` or `while`, with CPython's hint for `if x = 1:`.
  mutating func parseCondition() throws(SyntaxError) -> Expr {
    let condition = try parseNamedExpression()
    if at(.equal) && looksLikeAssignmentValue() {
      if case .name = condition.kind { throw error(.assignmentInCondition, at: condition.location) }
      if Parser.isBitwiseOrLevel(condition) {
        throw error(
          .invalidTarget(description: Parser.describe(condition), context: .assignment, suggestEquality: true),
          at: condition.location)
      }
    }
    return condition
  }

  /// Parses the grammar rule `while_stmt`.
  ///
  ///     while_stmt: 'while' named_expression ':' block [else_block]
  mutating func parseWhile() throws(SyntaxError) -> Stmt {
    let whileToken = advance()
    let condition = try parseCondition()
    try expectColon(forced: false)
    let body = try parseLoopBody(owner: .while, line: whileToken.line)
    let orElse = try parseElseBlock()
    return Stmt(.while(condition: condition, body: body, orElse: orElse), at: location(of: whileToken))
  }

  /// Parses the grammar rule `for_stmt`.
  ///
  ///     for_stmt: 'for' star_targets 'in' star_expressions ':' block [else_block]
  mutating func parseFor() throws(SyntaxError) -> Stmt {
    let forToken = advance()
    let target = try parseTargetList()
    try expect(.in)
    try checkTarget(target, context: .assignment)
    let iterable = try parseStarExpressions()
    checkNotBareStarred(iterable)
    try expectColon(forced: false)
    let body = try parseLoopBody(owner: .for, line: forToken.line)
    let orElse = try parseElseBlock()
    return Stmt(
      .for(target: target, iterable: iterable, body: body, orElse: orElse), at: location(of: forToken))
  }

  /// Parses the grammar rule `try_stmt`.
  ///
  ///     try_stmt: 'try' ':' block (except_block+ [else_block] [finally_block] | finally_block)
  mutating func parseTry() throws(SyntaxError) -> Stmt {
    let tryToken = advance()
    try expectColon(forced: true)
    let body = try parseBlock(owner: .try, line: tryToken.line)

    var handlers: [ExceptHandler] = []
    var bareExcept: SourceLocation?
    var progress = LoopProgressCondition()
    while at(.except) && progress.evaluate(index) {
      let exceptToken = advance()
      if at(.star) { throw error(.unsupported("'except*'"), at: current) }
      if let bareExcept { deferError(.defaultExceptNotLast, at: bareExcept) }
      var type: Expr?
      var name: String?
      if !at(.colon) {
        let first = try parseExpression()
        if at(.comma) {
          var types = [first]
          var progress = LoopProgressCondition()
          while eat(.comma) != nil && progress.evaluate(index) {
            types.append(try parseExpression())
          }
          if at(.as) { throw error(.unparenthesizedExceptTypes, at: first.location) }
          type = Expr(.tuple(types), at: first.location)
        } else {
          type = first
        }
        if eat(.as) != nil { name = try expectName().0 }
      } else {
        bareExcept = location(of: exceptToken)
      }
      try expectColon(forced: false)
      let handlerBody = try parseBlock(owner: .except, line: exceptToken.line)
      handlers.append(ExceptHandler(type: type, name: name, body: handlerBody, location: location(of: exceptToken)))
    }

    var orElse: [Stmt] = []
    if !handlers.isEmpty {
      orElse = try parseElseBlock()
    }
    var finalBody: [Stmt] = []
    if let finallyToken = eat(.finally) {
      try expectColon(forced: true)
      finalBody = try parseBlock(owner: .finally, line: finallyToken.line)
    } else if handlers.isEmpty {
      throw error(.expectedExceptOrFinally, at: current)
    }
    return Stmt(
      .try(body: body, handlers: handlers, orElse: orElse, finalBody: finalBody), at: location(of: tryToken))
  }

  /// Parses the grammar rule `with_stmt`.
  ///
  ///     with_stmt: 'with' '(' ','.with_item+ ','?
  ///
  /// ')' ':' block | 'with' ','.with_item+ ':' block
  mutating func parseWith() throws(SyntaxError) -> Stmt {
    let withToken = advance()
    var items: [WithItem] = []
    var progress = LoopProgressCondition()
    if at(.leftParen) && parenthesizedWithItemsFollow() {
      advance()
      while !at(.rightParen) && progress.evaluate(index) {
        items.append(try parseWithItem())
        guard eat(.comma) != nil else { break }
      }
      try expectClosing(.rightParen, after: items.last?.target ?? items.last?.context)
    } else {
      while progress.evaluate(index) {
        items.append(try parseWithItem())
        guard eat(.comma) != nil else { break }
      }
    }
    guard !items.isEmpty else { throw invalidSyntax() }
    try expectColon(forced: false)
    let body = try parseBlock(owner: .with, line: withToken.line)
    return Stmt(.with(items: items, body: body), at: location(of: withToken))
  }

  /// Whether the `(` at the current token closes right before the `:` of a `with` statement, so
  /// that it encloses with-items rather than starting an expression (lookahead only).
  func parenthesizedWithItemsFollow() -> Bool {
    var nesting = 0
    for i in index..<tokens.count {
      switch tokens[i].kind {
      case .punctuator(.leftParen), .punctuator(.leftBracket), .punctuator(.leftBrace):
        nesting += 1
      case .punctuator(.rightParen), .punctuator(.rightBracket), .punctuator(.rightBrace):
        nesting -= 1
        if nesting == 0 {
          return i + 1 < tokens.count && tokens[i + 1].kind == .punctuator(.colon)
        }
      case .newline, .endOfFile, .error:
        return false
      default:
        break
      }
    }
    return false
  }

  /// Parses the grammar rule `with_item`.
  ///
  ///     with_item: expression ['as' star_target]
  mutating func parseWithItem() throws(SyntaxError) -> WithItem {
    let context = try parseExpression()
    var target: Expr?
    if eat(.as) != nil {
      let t = try parseStarTarget()
      try checkTarget(t, context: .assignment)
      target = t
    }
    return WithItem(context: context, target: target, location: context.location)
  }

  /// Parses the grammar rule `decorators`.
  ///
  ///     decorators: ('@' named_expression NEWLINE)+, then a function or class definition.
  mutating func parseDecorated() throws(SyntaxError) -> Stmt {
    var decorators: [Expr] = []
    var progress = LoopProgressCondition()
    while eat(.at) != nil && progress.evaluate(index) {
      decorators.append(try parseNamedExpression())
      guard eat(.newline) != nil else { throw invalidSyntax() }
    }
    switch current.kind {
    case .keyword(.def): return try parseFunctionDef(decorators: decorators)
    case .keyword(.class): return try parseClassDef(decorators: decorators)
    case .keyword(.async): throw error(.unsupported("'async'"), at: current)
    default: throw invalidSyntax()
    }
  }

  /// Parses the grammar rule `function_def`.
  ///
  ///     function_def: 'def' NAME '(' [params] ')' ['->' expression] ':' block
  mutating func parseFunctionDef(decorators: [Expr]) throws(SyntaxError) -> Stmt {
    let defToken = advance()
    let (name, _) = try expectName()
    if at(.leftBracket) { throw error(.unsupported("a type parameter list"), at: current) }
    try expect(.leftParen)
    let parameters = try parseParameters(closing: .rightParen, allowAnnotations: true)
    try expect(.rightParen)
    let returns = eat(.arrow) != nil ? try parseExpression() : nil
    try expectColon(forced: true)
    let body = try parseScopeBody(.function, owner: .function, line: defToken.line)
    let def = FunctionDef(
      name: name, parameters: parameters, returns: returns, body: body, decorators: decorators)
    return Stmt(.functionDef(def), at: location(of: defToken))
  }

  /// Parses the grammar rule `class_def`.
  ///
  ///     class_def: 'class' NAME ['(' [arguments] ')'] ':' block
  mutating func parseClassDef(decorators: [Expr]) throws(SyntaxError) -> Stmt {
    let classToken = advance()
    let (name, _) = try expectName()
    if at(.leftBracket) { throw error(.unsupported("a type parameter list"), at: current) }
    var arguments: [Argument] = []
    if let open = eat(.leftParen) {
      arguments = try parseCallArguments(open: open, allowGenerator: false)
    }
    try expectColon(forced: false)
    let body = try parseScopeBody(.class, owner: .class, line: classToken.line)
    let def = ClassDef(name: name, arguments: arguments, body: body, decorators: decorators)
    return Stmt(.classDef(def), at: location(of: classToken))
  }
}
