import TesselIR
import TesselPython
import Testing

/// The lexer: token kinds and texts, indentation, strings, f-strings, numbers and operators.
@Suite("Syntax: lexer")
struct SyntaxLexerTests {
  /// Token texts, synthetic tokens in angle brackets.
  func texts(_ source: String) -> [String] {
    SyntaxTestSupport.tokenTexts(source)
  }

  /// Token kinds, as their descriptions.
  func kinds(_ source: String) -> [String] {
    SyntaxTestSupport.tokenKinds(source)
  }

  // MARK: Indentation

  @Test("a simple statement ends with a newline and end-of-file")
  func simpleStatement() {
    #expect(kinds("x = 1\n") == ["name", "'='", "integer", "newline", "end-of-file"])
    #expect(kinds("x = 1") == ["name", "'='", "integer", "newline", "end-of-file"])
    #expect(kinds("") == ["end-of-file"])
    #expect(kinds("\n\n# comment\n") == ["end-of-file"])
  }

  @Test("indentation produces indent and dedent tokens")
  func indentDedent() {
    let source = """
      if a:
          b
          if c:
              d
      e

      """
    #expect(
      texts(source) == [
        "if", "a", ":", "<newline>", "<indent>", "b", "<newline>", "if", "c", ":", "<newline>", "<indent>", "d",
        "<newline>", "<dedent>", "<dedent>", "e", "<newline>", "<end-of-file>",
      ])
  }

  @Test("outstanding blocks are closed at the end of the file")
  func dedentsAtEnd() {
    #expect(
      texts("if a:\n  if b:\n    c") == [
        "if", "a", ":", "<newline>", "<indent>", "if", "b", ":", "<newline>", "<indent>", "c", "<newline>",
        "<dedent>", "<dedent>", "<end-of-file>",
      ])
  }

  @Test("blank and comment-only lines do not affect indentation")
  func blankLines() {
    let source = "if a:\n    b\n\n  # odd comment\n        \n    c\nd\n"
    #expect(
      texts(source) == [
        "if", "a", ":", "<newline>", "<indent>", "b", "<newline>", "c", "<newline>", "<dedent>", "d", "<newline>",
        "<end-of-file>",
      ])
  }

  @Test("indentation inside brackets and after a backslash is ignored")
  func bracketsAndContinuation() {
    #expect(
      texts("x = (1,\n        2,\n  3)\n") == [
        "x", "=", "(", "1", ",", "2", ",", "3", ")", "<newline>", "<end-of-file>",
      ])
    #expect(texts("x = 1 + \\\n        2\n") == ["x", "=", "1", "+", "2", "<newline>", "<end-of-file>"])
    #expect(
      texts("if a:\n    x = [\n1]\n") == [
        "if", "a", ":", "<newline>", "<indent>", "x", "=", "[", "1", "]", "<newline>", "<dedent>", "<end-of-file>",
      ])
  }

  @Test("tabs indent consistently; a tab against spaces is a TabError")
  func tabs() {
    #expect(
      texts("if a:\n\tb\n\tif c:\n\t\td\n") == [
        "if", "a", ":", "<newline>", "<indent>", "b", "<newline>", "if", "c", ":", "<newline>", "<indent>", "d",
        "<newline>", "<dedent>", "<dedent>", "<end-of-file>",
      ])
    #expect(texts("if a:\n  \tb\n  \tc\n").filter { $0 == "<indent>" }.count == 1)
    let stream = Lexer.tokenize(source: "if a:\n\tb\n        c\n", file: "t.py")
    #expect(stream.error?.message == "inconsistent use of tabs and spaces in indentation")
    #expect(stream.error?.isIndentationError == true)
  }

  @Test("synthetic tokens sit at the first token of their line")
  func syntheticPositions() {
    let tokens = Lexer.tokenize(source: "if a:\n    b\nc\n", file: "t.py").tokens
    let indent = tokens.first { $0.kind == .indent }
    let dedent = tokens.first { $0.kind == .dedent }
    #expect(indent.map { "\($0.line):\($0.column) \($0.range)" } == "2:5 10..<10")
    #expect(dedent.map { "\($0.line):\($0.column) \($0.range)" } == "3:1 12..<12")
  }

  @Test("a lexical error ends the stream with an error token")
  func errorToken() {
    let stream = Lexer.tokenize(source: "x = 'abc\ny = 2\n", file: "t.py")
    #expect(stream.tokens.map { $0.kind.description } == ["name", "'='", "error"])
    #expect(stream.error?.message == "unterminated string literal (detected at line 1)")
    #expect(stream.error?.location == TesselIR.SourceLocation(file: "t.py", line: 1, column: 5))
    #expect(Lexer.tokenize(source: "x = 1\n", file: "t.py").error == nil)
  }

  // MARK: Tokens and positions

  @Test("tokens carry byte ranges, lines and UTF-8 columns")
  func positions() {
    let source = "é = nl.load(\n  t)\n"
    let tokens = Lexer.tokenize(source: source, file: "t.py").tokens
    let described = tokens.map { "\($0.kind) \($0.line):\($0.column) \($0.range.lowerBound)..<\($0.range.upperBound)" }
    #expect(
      described == [
        "name 1:1 0..<2", "'=' 1:4 3..<4", "name 1:6 5..<7", "'.' 1:8 7..<8", "name 1:9 8..<12", "'(' 1:13 12..<13",
        "name 2:3 16..<17", "')' 2:4 17..<18", "newline 2:5 18..<19", "end-of-file 3:1 19..<19",
      ])
  }

  @Test("keywords are reserved; soft keywords are names")
  func keywords() {
    #expect(
      kinds("def lambda None True False not in is") == [
        "'def'", "'lambda'", "'None'", "'True'", "'False'", "'not'", "'in'", "'is'", "newline", "end-of-file",
      ])
    #expect(kinds("match case type _ print") == ["name", "name", "name", "name", "name", "newline", "end-of-file"])
  }

  @Test("every operator and delimiter lexes as itself", arguments: Punctuator.allCases)
  func punctuator(_ p: Punctuator) {
    let tokens = Lexer.tokenize(source: "a \(p.rawValue) b", file: "t.py").tokens
    if p == .exclamation {
      #expect(tokens.map(\.kind).contains(.punctuator(.exclamation)))
      return
    }
    let brackets: Set<Punctuator> = [.leftParen, .rightParen, .leftBracket, .rightBracket, .leftBrace, .rightBrace]
    if brackets.contains(p) { return }  // a lone bracket is an error; see the bracket tests
    #expect(tokens.count > 1 && tokens[1].kind == .punctuator(p), "\(p.rawValue)")
  }

  @Test("operators use the longest match")
  func longestMatch() {
    #expect(
      texts("a**=b//=c>>=d<<=e->f:=g...h!=i") == [
        "a", "**=", "b", "//=", "c", ">>=", "d", "<<=", "e", "->", "f", ":=", "g", "...", "h", "!=", "i",
        "<newline>", "<end-of-file>",
      ])
    #expect(texts("x=-1") == ["x", "=", "-", "1", "<newline>", "<end-of-file>"])
    #expect(texts("a.b..c") == ["a", ".", "b", ".", ".", "c", "<newline>", "<end-of-file>"])
  }

  // MARK: Strings

  @Test("every string prefix and quote form is one string token")
  func stringForms() {
    let forms = [
      "'a'", "\"a\"", "'''a'''", "\"\"\"a\"\"\"", "r'a'", "R'a'", "b'a'", "B\"a\"", "u'a'", "U'a'", "rb'a'", "bR'a'",
      "Br'a'", "RB'''a'''", "''", "\"\"", "''''''", "'a\\'b'", "r'a\\'b'", "'''a\n'b'\n\"c\"'''", "'a\\\nb'",
    ]
    for form in forms {
      #expect(kinds(form) == ["string", "newline", "end-of-file"], "\(form)")
      #expect(texts(form).first == form)
    }
  }

  @Test("a name followed by a quote is a string only for valid prefixes")
  func prefixes() {
    #expect(kinds("ur'a'") == ["name", "string", "newline", "end-of-file"])
    #expect(kinds("bb'a'") == ["name", "string", "newline", "end-of-file"])
    #expect(kinds("rf'a'").first == "fstring-start")
    #expect(kinds("FR'a'").first == "fstring-start")
  }

  @Test("a triple-quoted string spans lines and keeps line numbers right")
  func tripleQuotedLines() {
    let tokens = Lexer.tokenize(source: "x = '''a\nb\n'''\ny\n", file: "t.py").tokens
    #expect(tokens.map(\.line) == [1, 1, 1, 3, 4, 4, 5])
  }

  // MARK: F-strings

  @Test("an f-string is lexed into parts")
  func fstringParts() {
    #expect(
      texts("f'a{x!r:>{w}}b'") == [
        "f'", "a", "{", "x", "!", "r", ":", ">", "{", "w", "}", "}", "b", "'", "<newline>", "<end-of-file>",
      ])
    #expect(
      kinds("f'a{x}'") == [
        "fstring-start", "fstring-middle", "'{'", "name", "'}'", "fstring-end", "newline", "end-of-file",
      ])
  }

  @Test("doubled braces stay in the literal text")
  func fstringDoubledBraces() {
    #expect(texts("f'{{a}} {b}'") == ["f'", "{{a}} ", "{", "b", "}", "'", "<newline>", "<end-of-file>"])
  }

  @Test("brackets inside a field do not end it; ':' starts a spec only at field level")
  func fstringNesting() {
    #expect(
      texts("f'{d[1:2]:{w}}'") == [
        "f'", "{", "d", "[", "1", ":", "2", "]", ":", "{", "w", "}", "}", "'", "<newline>", "<end-of-file>",
      ])
    #expect(texts("f'{x:=5}'") == ["f'", "{", "x", ":", "=5", "}", "'", "<newline>", "<end-of-file>"])
    #expect(texts("f'{a!=b}'") == ["f'", "{", "a", "!=", "b", "}", "'", "<newline>", "<end-of-file>"])
  }

  @Test("f-strings nest, with the same quotes (PEP 701) or different ones")
  func fstringInFstring() {
    #expect(
      texts(#"f"{f"{x}"}""#) == [
        "f\"", "{", "f\"", "{", "x", "}", "\"", "}", "\"", "<newline>", "<end-of-file>",
      ])
    #expect(
      kinds("f'''a\n{x}\nb'''") == [
        "fstring-start", "fstring-middle", "'{'", "name", "'}'", "fstring-middle", "fstring-end", "newline",
        "end-of-file",
      ])
  }

  // MARK: Numbers

  @Test(
    "numbers of every form",
    arguments: [
      ("0", "integer"), ("42", "integer"), ("1_000_000", "integer"), ("0x1F", "integer"), ("0XdeadBEEF", "integer"),
      ("0o17", "integer"), ("0b1010", "integer"), ("0b_1010", "integer"), ("00", "integer"), ("1.", "float"),
      (".5", "float"), ("1.5", "float"), ("1e-3", "float"), ("1E+10", "float"), ("1_000.5", "float"),
      ("1e1_0", "float"),
      ("0.0", "float"), ("09.5", "float"), ("3j", "imaginary"), ("1.5J", "imaginary"),
    ])
  func numbers(_ text: String, _ kind: String) {
    #expect(kinds(text) == [kind, "newline", "end-of-file"], "\(text)")
  }

  @Test(
    "malformed numbers are lexical errors",
    arguments: [
      ("1_", "invalid decimal literal"), ("1__0", "invalid decimal literal"), ("1e", "invalid decimal literal"),
      ("1e+", "invalid decimal literal"), ("12abc", "invalid decimal literal"), ("0x", "invalid hexadecimal literal"),
      ("0xg", "invalid hexadecimal literal"), ("0o8", "invalid octal literal"), ("0b2", "invalid binary literal"),
      (
        "0777",
        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
      ),
    ])
  func badNumbers(_ text: String, _ message: String) {
    let stream = Lexer.tokenize(source: "x = \(text)\n", file: "t.py")
    #expect(stream.error?.message == message, "\(text)")
    #expect(stream.error?.location.column == 5)
  }

  @Test("a keyword may follow a number directly, as CPython allows")
  func numberThenKeyword() {
    #expect(texts("1if x else 2") == ["1", "if", "x", "else", "2", "<newline>", "<end-of-file>"])
    #expect(texts("[0x1for x in y]").contains("0x1f") == true)
  }
}
