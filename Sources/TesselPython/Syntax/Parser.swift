import TesselIR

/// Parses a whole NKI Python source file into a syntax tree.
///
/// ```swift
/// let module = try parseModule(source: """
///   @nki.jit
///   def add(a, b):
///       return a + b
///   """, file: "add.py")
/// print(module.dump())
/// ```
///
/// - Parameters:
///   - source: The file's text.
///   - file: The name recorded in every node's ``SourceLocation``.
/// - Returns: The module's statements.
/// - Throws: The first ``SyntaxError``, worded and located as CPython reports it.
public func parseModule(source: String, file: String) throws(SyntaxError) -> Module {
  try parse(source, file) { (p) throws(SyntaxError) in try p.parseFile() }
}

/// Parses one expression (as Python's `eval` mode does), for a REPL or for tests.
///
/// - Parameters:
///   - source: The expression's text; blank lines around it are allowed, leading indentation is
///     not.
///   - file: The name recorded in every node's ``SourceLocation``.
/// - Returns: The expression (a tuple if the text has top-level commas).
/// - Throws: The first ``SyntaxError``.
public func parseExpression(source: String, file: String) throws(SyntaxError) -> Expr {
  try parse(source, file) { (p) throws(SyntaxError) in try p.parseEvalInput() }
}

/// Runs the grammar rule `rule` over `source` on a large stack (the parser recurses once per
/// nesting level), reporting a failure as the parser reconciles it.
private func parse<Tree>(
  _ source: String, _ file: String, _ rule: @escaping (inout Parser) throws(SyntaxError) -> Tree
) throws(SyntaxError) -> Tree {
  let result = LargeStack.run { () -> Result<Tree, SyntaxError> in
    var parser = Parser(source: Array(source.utf8), file: file)
    do throws(SyntaxError) {
      return .success(try rule(&parser))
    } catch {
      return .failure(parser.reconciled(error))
    }
  }
  return try result.get()
}

/// A recursive-descent parser for Python 3 as NKI kernel files use it.
///
/// The design follows swift-syntax's parser:
///
/// - One parsing function per grammar rule (see `docs/grammar.md`), grouped by area:
///   statements in `Parser+Statements.swift`, expressions in `Parser+Expressions.swift`, atoms
///   and displays in `Parser+Atoms.swift`, strings in `Parser+Strings.swift`, parameter lists
///   in `Parser+Parameters.swift`, and assignment-target checks in `Parser+Targets.swift`.
/// - Functions that consume tokens are `mutating`; lookahead helpers are not. Tokens are
///   consumed with ``at(_:)-(TokenKind)``, ``eat(_:)-(Punctuator)`` and ``expect(_:)-(Punctuator)``,
///   and at most one token of ``peek()`` is used; the one deeper lookahead (parenthesized `with`
///   items) is an explicit, non-mutating scan.
/// - Every loop runs under a ``LoopProgressCondition``, so no input can hang the parser.
/// - Recursion is bounded: the lexer allows 200 nested brackets and 100 indentation levels, the
///   parser counts nested expressions against ``maximumNestingDepth`` and the tree depth,
///   including left-deep chains, against ``maximumTreeDepth``. The public entry points run the
///   parser on a 64 MiB stack (`LargeStack`), so these limits, not the caller's stack, decide.
///
/// The parser stops at the first error. Errors are typed (``SyntaxError``) and located at the
/// offending token or expression. As CPython does, a lexical error later in the file takes
/// precedence over a parser error (see ``reconciled(_:)``), and errors that CPython finds only
/// when compiling (`'return' outside function`, duplicate parameters) are reported after the
/// whole file has parsed.
struct Parser {
  /// The UTF-8 source.
  let source: [UInt8]
  /// The file name for locations.
  let file: String
  /// The tokens; never empty, and the last is end-of-file or an error.
  let tokens: [Token]
  /// The error that stopped the lexer, if any (an array, to keep the parser small: debug
  /// builds copy `self` for every non-mutating call, so its size is paid on each stack frame).
  let lexerErrors: [SyntaxError]

  /// The index of the current token.
  var index = 0
  /// The current recursion depth of expression parsing (bounded by ``maximumNestingDepth``).
  var depth = 0
  /// The depth of the syntax tree along the current path: recursion plus links of left-deep
  /// chains (`a + b + c`, `a.b.c`, `f()()`), bounded by ``maximumTreeDepth`` so that walking,
  /// comparing or freeing the tree never recurses too deeply either.
  var treeDepth = 0
  /// The enclosing scopes, innermost last; the first is the module.
  var scopes: [Scope] = [Scope(kind: .module)]
  /// The errors that CPython reports only after parsing (compile-time checks); the first wins.
  var deferredErrors: [SyntaxError] = []

  /// The deepest expression nesting accepted (operators, `not`, `lambda`, conditionals and
  /// brackets each count one level).
  static let maximumNestingDepth = 250
  /// The deepest syntax tree accepted.
  static let maximumTreeDepth = 1000

  /// A function, class or module body, for checking `return`, `yield`, `break` and `continue`.
  struct Scope {
    /// What kind of body.
    var kind: Kind
    /// How many loops enclose the current statement within this body.
    var loopDepth = 0

    /// The kinds of body.
    enum Kind {
      case module, function, `class`
    }
  }

  /// Lexes `source` and creates a parser at its first token.
  init(source: [UInt8], file: String) {
    var lexer = Lexer(source: source, file: file)
    let stream = lexer.tokenize()
    self.source = source
    self.file = file
    self.tokens =
      stream.tokens.isEmpty ? [Token(kind: .endOfFile, range: 0..<0, line: 1, column: 1)] : stream.tokens
    self.lexerErrors = stream.error.map { [$0] } ?? []
  }

  /// Parses the whole file.
  mutating func parseFile() throws(SyntaxError) -> Module {
    var statements: [Stmt] = []
    var progress = LoopProgressCondition()
    while !at(.endOfFile) && progress.evaluate(index) {
      try parseStatement(into: &statements)
    }
    guard at(.endOfFile) else { throw invalidSyntax() }
    if let deferred = deferredErrors.first { throw deferred }
    return Module(file: file, statements: statements)
  }

  /// Parses `expressions NEWLINE* ENDMARKER` (Python's eval input).
  mutating func parseEvalInput() throws(SyntaxError) -> Expr {
    if at(.indent) { throw error(.unexpectedIndent, at: current) }
    let expression = try tupleIfComma(try parseExpression()) { (p) throws(SyntaxError) in try p.parseExpression() }
    var progress = LoopProgressCondition()
    while at(.newline) && progress.evaluate(index) { advance() }
    guard at(.endOfFile) else { throw invalidSyntax() }
    if let deferred = deferredErrors.first { throw deferred }
    return expression
  }

  /// The error to report for `error`, thrown while the parser was at ``current``.
  ///
  /// CPython tokenizes the rest of the file after most parser errors, and some tokenizer
  /// errors found there win: malformed strings, numbers and characters, and bracket errors.
  /// An unclosed bracket wins only when it opened on an earlier line than the token where
  /// parsing failed. Indentation and continuation errors, and a stray ASCII character (`$`),
  /// win only when the parser reached them. `unexpected indent` is never overridden.
  func reconciled(_ error: SyntaxError) -> SyntaxError {
    guard let lexerError = lexerErrors.first else { return error }
    if current.kind == .error { return lexerError }
    switch error.kind {
    case .unexpectedIndent, .unexpectedUnindent: return error
    default: break
    }
    switch lexerError.kind {
    case .unclosedBracket:
      return lexerError.location.line < current.line ? lexerError : error
    case .unterminatedString, .unterminatedTripleQuotedString, .unterminatedFString,
      .unterminatedTripleQuotedFString, .invalidCharacter, .invalidNonPrintableCharacter, .invalidNumber,
      .leadingZeros, .unmatchedBracket, .mismatchedBracket, .tooManyNestedParentheses, .fstringSingleBrace,
      .fstringExpectingBrace, .nullByte:
      return lexerError
    default:
      return error
    }
  }
}

// MARK: - Tokens

extension Parser {
  /// The current token.
  var current: Token { tokens[index] }

  /// The token after the current one (the last token if there is none).
  func peek() -> Token {
    tokens[Swift.min(index + 1, tokens.count - 1)]
  }

  /// Whether the current token has kind `kind`.
  func at(_ kind: TokenKind) -> Bool { current.kind == kind }

  /// Whether the current token is `punctuator`.
  func at(_ punctuator: Punctuator) -> Bool { current.kind == .punctuator(punctuator) }

  /// Whether the current token is `keyword`.
  func at(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }

  /// Consumes the current token and returns it; stays on the last token.
  @discardableResult
  mutating func advance() -> Token {
    let token = current
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  /// Consumes the current token if it is `punctuator`.
  mutating func eat(_ punctuator: Punctuator) -> Token? {
    at(punctuator) ? advance() : nil
  }

  /// Consumes the current token if it is `keyword`.
  mutating func eat(_ keyword: Keyword) -> Token? {
    at(keyword) ? advance() : nil
  }

  /// Consumes the current token if it has kind `kind`.
  mutating func eat(_ kind: TokenKind) -> Token? {
    at(kind) ? advance() : nil
  }

  /// Consumes `punctuator` or throws: `expected '('`, or `invalid syntax` for other
  /// punctuators (see ``expectColon(forced:)`` for `:`).
  @discardableResult
  mutating func expect(_ punctuator: Punctuator) throws(SyntaxError) -> Token {
    if let token = eat(punctuator) { return token }
    if punctuator == .leftParen { throw error(.expected("'('"), at: current) }
    throw invalidSyntax()
  }

  /// Consumes the `:` of a compound statement header, or throws `expected ':'`.
  ///
  /// As in CPython, the message is `expected ':'` after `def`, `try`, `else` and `finally`
  /// (`forced`), and after the other headers only at the end of the line; otherwise it is
  /// `invalid syntax`.
  @discardableResult
  mutating func expectColon(forced: Bool) throws(SyntaxError) -> Token {
    if let token = eat(.colon) { return token }
    if forced || at(.newline) { throw error(.expected("':'"), at: current) }
    throw invalidSyntax()
  }

  /// Consumes `keyword` or throws `invalid syntax`.
  @discardableResult
  mutating func expect(_ keyword: Keyword) throws(SyntaxError) -> Token {
    if let token = eat(keyword) { return token }
    throw invalidSyntax()
  }

  /// Consumes a name token and returns its text, or throws `invalid syntax`.
  mutating func expectName() throws(SyntaxError) -> (String, Token) {
    guard at(.name) else { throw invalidSyntax() }
    let token = advance()
    return (text(of: token), token)
  }

  /// The source text of `token`.
  func text(of token: Token) -> String {
    text(in: token.range)
  }

  /// The source text in `range` (clamped to the source).
  func text(in range: Range<Int>) -> String {
    let lower = Swift.max(0, Swift.min(range.lowerBound, source.count))
    let upper = Swift.max(lower, Swift.min(range.upperBound, source.count))
    return String(decoding: source[lower..<upper], as: UTF8.self)
  }

  /// The location of `token`.
  func location(of token: Token) -> SourceLocation {
    SourceLocation(file: file, line: token.line, column: token.column)
  }

  /// Whether `token` can start an expression (used for optional operands and trailing commas).
  func startsExpression(_ token: Token) -> Bool {
    switch token.kind {
    case .name, .integer, .float, .imaginary, .string, .fstringStart:
      true
    case .keyword(let k):
      k == .None || k == .True || k == .False || k == .not || k == .lambda || k == .await
    case .punctuator(let p):
      switch p {
      case .leftParen, .leftBracket, .leftBrace, .minus, .plus, .tilde, .star, .ellipsis: true
      default: false
      }
    default:
      false
    }
  }
}

// MARK: - Errors and limits

extension Parser {
  /// An error of `kind` at `token`.
  ///
  /// At the end of the file (the end-of-file token or a dedent before it), the error is placed
  /// at the last newline token instead, as CPython places it.
  func error(_ kind: SyntaxError.Kind, at token: Token) -> SyntaxError {
    guard token.kind == .endOfFile || (token.kind == .dedent && token.range.lowerBound >= source.count)
    else {
      return SyntaxError(kind, at: location(of: token))
    }
    var i = Swift.min(index, tokens.count - 1)
    while i > 0 && (tokens[i].kind == .endOfFile || tokens[i].kind == .dedent) {
      i -= 1
    }
    return SyntaxError(kind, at: location(of: tokens[i]))
  }

  /// An error of `kind` at `location`.
  func error(_ kind: SyntaxError.Kind, at location: SourceLocation) -> SyntaxError {
    SyntaxError(kind, at: location)
  }

  /// `invalid syntax` at the current token (`unexpected unindent` at a dedent, as CPython says).
  func invalidSyntax() -> SyntaxError {
    error(current.kind == .dedent ? .unexpectedUnindent : .invalidSyntax, at: current)
  }

  /// Records an error that CPython reports after parsing; the first one wins.
  mutating func deferError(_ kind: SyntaxError.Kind, at location: SourceLocation) {
    if deferredErrors.isEmpty {
      deferredErrors.append(SyntaxError(kind, at: location))
    }
  }

  /// Enters one level of expression nesting, failing past ``maximumNestingDepth``.
  ///
  /// Callers pair it with `defer { leaveNesting() }`.
  mutating func enterNesting() throws(SyntaxError) {
    depth += 1
    treeDepth += 1
    if depth > Parser.maximumNestingDepth {
      throw error(.nestedTooDeeply, at: current)
    }
    if treeDepth > Parser.maximumTreeDepth {
      throw error(.expressionTooComplex, at: current)
    }
  }

  /// Leaves a level entered with ``enterNesting()``.
  mutating func leaveNesting() {
    depth -= 1
    treeDepth -= 1
  }

  /// Adds one link to a left-deep chain, failing past ``maximumTreeDepth``.
  ///
  /// Callers count their links and subtract them from ``treeDepth`` when the chain ends.
  mutating func extendChain() throws(SyntaxError) {
    treeDepth += 1
    if treeDepth > Parser.maximumTreeDepth {
      throw error(.expressionTooComplex, at: current)
    }
  }

  /// Whether the innermost scope is a function (or lambda) body.
  var isInFunction: Bool { scopes.last?.kind == .function }

  /// Whether the current statement is inside a loop of the innermost scope.
  var isInLoop: Bool { (scopes.last?.loopDepth ?? 0) > 0 }
}
