import TesselIR
import TesselPython
import Testing

/// Syntax errors: CPython's messages, located at the offending token (marked `1️⃣` in each
/// source), the rendered diagnostic, and the nesting limits.
@Suite("Syntax: errors")
struct SyntaxErrorTests {
  /// Each source marks the expected error position with `1️⃣`.
  static let cases: [(marked: String, message: String)] = [
    ("x = 1 +1️⃣\n", "invalid syntax"),
    ("x = a 1️⃣b\n", "invalid syntax"),
    ("if x1️⃣\n    pass\n", "expected ':'"),
    ("for i in range(3)1️⃣\n    pass\n", "expected ':'"),
    ("while x1️⃣\n    pass\n", "expected ':'"),
    ("class A1️⃣\n    pass\n", "expected ':'"),
    ("with a1️⃣\n    pass\n", "expected ':'"),
    ("try1️⃣\n    pass\nfinally:\n    pass\n", "expected ':'"),
    ("def f1️⃣:\n    pass\n", "expected '('"),
    ("def f()1️⃣\n    pass\n", "expected ':'"),
    ("def f() 1️⃣x:\n    pass\n", "expected ':'"),
    ("if x 1️⃣y:\n    pass\n", "invalid syntax"),
    ("x = 1 if y 1️⃣el -w\n", "expected 'else' after 'if' expression"),
    ("d = {1: 2, 1️⃣3}\n", "':' expected after dictionary key"),
    ("x = [1,\n2, 1️⃣3 4]\n", "invalid syntax. Perhaps you forgot a comma?"),
    ("c = nl.add(1️⃣a b)\n", "invalid syntax. Perhaps you forgot a comma?"),
    ("1️⃣print 'hello'\n", "Missing parentheses in call to 'print'. Did you mean print(...)?"),
    ("if 1️⃣x = 1:\n    pass\n", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?"),
    ("f(1️⃣a.b=1)\n", "expression cannot contain assignment, perhaps you meant \"==\"?"),
    ("x = (1️⃣a = 1)\n", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?"),
    ("x = 1\n    1️⃣y = 2\n", "unexpected indent"),
    ("if x:\n        a\n    1️⃣b\n", "unindent does not match any outer indentation level"),
    ("if x:\n1️⃣pass\n", "expected an indented block after 'if' statement on line 1"),
    ("if x:\n    pass\nelif y:\n1️⃣pass\n", "expected an indented block after 'elif' statement on line 3"),
    ("if x:\n    pass\nelse:\n1️⃣pass\n", "expected an indented block after 'else' statement on line 3"),
    ("for i in x:1️⃣\n", "expected an indented block after 'for' statement on line 1"),
    ("while x:\n1️⃣pass\n", "expected an indented block after 'while' statement on line 1"),
    ("try:\n1️⃣pass\n", "expected an indented block after 'try' statement on line 1"),
    ("try:\n    pass\nexcept:\n1️⃣pass\n", "expected an indented block after 'except' statement on line 3"),
    ("try:\n    pass\nfinally:\n1️⃣pass\n", "expected an indented block after 'finally' statement on line 3"),
    ("with a:\n1️⃣pass\n", "expected an indented block after 'with' statement on line 1"),
    ("def f():\n1️⃣return 1\n", "expected an indented block after function definition on line 1"),
    ("@nki.jit\ndef f():\n1️⃣return 1\n", "expected an indented block after function definition on line 2"),
    ("class A:\n1️⃣x = 1\n", "expected an indented block after class definition on line 1"),
    ("if a:\n\tpass\n        1️⃣pass\n", "inconsistent use of tabs and spaces in indentation"),
    ("x = 1️⃣'abc\ny = 2\n", "unterminated string literal (detected at line 1)"),
    ("x = 1️⃣'''abc\n\ndef\n", "unterminated triple-quoted string literal (detected at line 3)"),
    ("x = 1️⃣f'abc\n", "unterminated f-string literal (detected at line 1)"),
    ("x = 1️⃣f'''abc\n", "unterminated triple-quoted f-string literal (detected at line 1)"),
    ("x = f'a1️⃣}b'\n", "f-string: single '}' is not allowed"),
    ("x = f'{1️⃣}'\n", "f-string: valid expression required before '}'"),
    ("x = f'{x!1️⃣q}'\n", "f-string: invalid conversion character 'q': expected 's', 'r', or 'a'"),
    ("x = f'{x!1️⃣}'\n", "f-string: missing conversion character"),
    ("x = f'{x! 1️⃣r}'\n", "f-string: conversion type must come right after the exclamation mark"),
    ("x = f'{x1️⃣'\n", "f-string: expecting '}'"),
    ("x = f'{x:{y}1️⃣'\n", "f-string: expecting '}'"),
    ("x = 1️⃣b'café'\n", "bytes can only contain ASCII literal characters"),
    ("x = 1️⃣b'a' 'b'\n", "cannot mix bytes and nonbytes literals"),
    ("x = 1️⃣'\\x4'\n", "(unicode error) 'unicodeescape' codec can't decode bytes: truncated \\xXX escape"),
    ("x = 1️⃣'\\N{EM DASH}'\n", "a named Unicode escape (\\N{...}) is not supported"),
    ("x = 1️⃣3j\n", "complex literals are not supported"),
    ("x = 1️⃣99999999999999999999\n", "integer literal is too large (more than 64 bits)"),
    ("x = 1️⃣1_\n", "invalid decimal literal"),
    ("x = 1️⃣0777\n", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"),
    ("x = 1️⃣→ 1\n", "invalid character '→' (U+2192)"),
    ("x = 1️⃣\u{00A0}1\n", "invalid non-printable character U+00A0"),
    ("a 1️⃣$ b\n", "invalid syntax"),
    ("x = 1️⃣\0\n", "source code cannot contain null bytes"),
    ("x = 1️⃣(1,\n", "'(' was never closed"),
    ("foo1️⃣(a, b\nx = 1\n", "'(' was never closed"),
    ("x = 1️⃣)\n", "unmatched ')'"),
    ("x = (1, 2 1️⃣]\n", "closing parenthesis ']' does not match opening parenthesis '('"),
    ("x = (1,\n2 1️⃣]\n", "closing parenthesis ']' does not match opening parenthesis '(' on line 1"),
    ("x = 1 \\1️⃣ 2\n", "unexpected character after line continuation character"),
    ("x = 1 \\1️⃣\n", "unexpected EOF while parsing"),
    ("1️⃣f() = 1\n", "cannot assign to function call here. Maybe you meant '==' instead of '='?"),
    ("1️⃣a + 1 = 2\n", "cannot assign to expression here. Maybe you meant '==' instead of '='?"),
    ("(a, 1️⃣f()) = 1\n", "cannot assign to function call"),
    ("1️⃣None = 1\n", "cannot assign to None"),
    ("1️⃣a < b = 2\n", "cannot assign to comparison"),
    ("for 1️⃣f() in x:\n    pass\n", "cannot assign to function call"),
    ("with a as 1️⃣f():\n    pass\n", "cannot assign to function call"),
    ("y = [x for 1️⃣x + 1 in z]\n", "cannot assign to expression"),
    ("del 1️⃣f()\n", "cannot delete function call"),
    ("1️⃣(x, y) += 1\n", "'tuple' is an illegal expression for augmented assignment"),
    ("1️⃣f() += 1\n", "'function call' is an illegal expression for augmented assignment"),
    ("1️⃣f(): int = 1\n", "illegal target for annotation"),
    ("1️⃣[a, b]: int\n", "only single target (not list) can be annotated"),
    ("x = (1️⃣a.b := 1)\n", "cannot use assignment expressions with attribute"),
    ("1️⃣*a = 1\n", "starred assignment target must be in a list or tuple"),
    ("1️⃣*a, *b = c\n", "multiple starred expressions in assignment"),
    ("x = 1️⃣*a\n", "can't use starred expression here"),
    ("print((1️⃣*a))\n", "cannot use starred expression here"),
    ("def f():\n    x = 1️⃣yield = 3\n", "assignment to yield expression not possible"),
    ("x = [1️⃣*a for a in b]\n", "iterable unpacking cannot be used in comprehension"),
    ("x = {**1️⃣a for a in b}\n", "dict unpacking cannot be used in dict comprehension"),
    ("f(a=1, 1️⃣b)\n", "positional argument follows keyword argument"),
    ("f(**k, 1️⃣b)\n", "positional argument follows keyword argument unpacking"),
    ("f(**k, 1️⃣*a)\n", "iterable argument unpacking follows keyword argument unpacking"),
    ("f(a=1, 1️⃣a=2)\n", "keyword argument repeated: a"),
    ("f(1️⃣x for x in y, 1)\n", "Generator expression must be parenthesized"),
    ("def f(a=1, 1️⃣b):\n    pass\n", "parameter without a default follows parameter with a default"),
    ("def f(a, 1️⃣a):\n    pass\n", "duplicate argument 'a' in function definition"),
    ("def f(1️⃣*):\n    pass\n", "named arguments must follow bare *"),
    ("def f(a, /, b, 1️⃣/):\n    pass\n", "/ may appear only once"),
    ("def f(*, a, 1️⃣/):\n    pass\n", "/ must be ahead of *"),
    ("def f(1️⃣/):\n    pass\n", "at least one argument must precede /"),
    ("def f(*a, 1️⃣*b):\n    pass\n", "* argument may appear only once"),
    ("def f(**k, 1️⃣a):\n    pass\n", "arguments cannot follow var-keyword argument"),
    ("def f(*a1️⃣=1):\n    pass\n", "var-positional argument cannot have default value"),
    ("def f(**k1️⃣=1):\n    pass\n", "var-keyword argument cannot have default value"),
    ("def f(a=1️⃣):\n    pass\n", "expected default value expression"),
    ("def f(a=1️⃣1 b):\n    pass\n", "invalid syntax. Perhaps you forgot a comma?"),
    ("1️⃣return 1\n", "'return' outside function"),
    ("1️⃣break\n", "'break' outside loop"),
    ("1️⃣continue\n", "'continue' not properly in loop"),
    ("for x in y:\n    def f():\n        1️⃣break\n", "'break' outside loop"),
    ("for x in y:\n    pass\nelse:\n    1️⃣continue\n", "'continue' not properly in loop"),
    ("1️⃣yield 1\n", "'yield' outside function"),
    ("class A:\n    1️⃣return 1\n", "'return' outside function"),
    ("1️⃣nonlocal x\n", "nonlocal declaration not allowed at module level"),
    ("def f():\n    1️⃣from m import *\n", "import * only allowed at module level"),
    ("from m import a1️⃣,\n", "trailing comma not allowed without surrounding parentheses"),
    ("from m import 1️⃣\n", "Expected one or more names after 'import'"),
    ("try:\n    pass\n1️⃣x = 1\n", "expected 'except' or 'finally' block"),
    ("try:\n    pass\n1️⃣except:\n    pass\nexcept E:\n    pass\n", "default 'except:' must be last"),
    ("try:\n    pass\nexcept 1️⃣A, B as e:\n    pass\n", "multiple exception types must be parenthesized"),
    ("1️⃣async def f():\n    pass\n", "'async' is not supported"),
    ("def f():\n    x = 1️⃣await y\n", "'await' is not supported"),
    ("def f1️⃣[T](x):\n    pass\n", "a type parameter list is not supported"),
    ("return 1\nx = 1 +1️⃣\n", "invalid syntax"),
    ("if x:\n    pass\n  1️⃣else:\n    pass\n", "unindent does not match any outer indentation level"),
  ]

  @Test("messages and locations", arguments: cases)
  func message(_ marked: String, _ message: String) {
    SyntaxTestSupport.expectError(marked, message)
  }

  @Test("the rendered diagnostic, in full")
  func rendered() throws {
    let source = """
      @nki.jit
      def add(a, b):
          c = nl.add(a b)
          return c

      """
    do {
      _ = try parseModule(source: source, file: "add.py")
      Issue.record("expected a syntax error")
    } catch {
      let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
      let renderer = DiagnosticRenderer(sourceLines: { file in file == "add.py" ? lines : nil })
      #expect(
        renderer.render(error.diagnostic) == """
          error: SyntaxError: invalid syntax. Perhaps you forgot a comma?
           --> add.py:3:16
            |
          3 |     c = nl.add(a b)
            |                ^

          """)
      #expect(error.description == "add.py:3:16: error: SyntaxError: invalid syntax. Perhaps you forgot a comma?")
    }
  }

  @Test("the diagnostic carries CPython's exception class: SyntaxError, IndentationError, TabError")
  func pythonClassPrefix() {
    let cases: [(String, String)] = [
      ("x = (1,\n", "SyntaxError: '(' was never closed"),
      ("def f():\n  x = 1\n    return x\n", "IndentationError: unexpected indent"),
      ("if x:\n\ty = 1\n        z = 2\n", "TabError: inconsistent use of tabs and spaces in indentation"),
    ]
    for (source, message) in cases {
      do {
        _ = try parseModule(source: source, file: "k.py")
        Issue.record("expected a syntax error for \(source.debugDescription)")
      } catch {
        #expect(error.diagnostic.message == message, "\(source.debugDescription)")
      }
    }
  }

  @Test("errors are typed and convert to diagnostics")
  func typedErrors() {
    do {
      _ = try parseModule(source: "if x:\npass\n", file: "k.py")
      Issue.record("expected a syntax error")
    } catch {
      let typed: SyntaxError = error  // parseModule throws SyntaxError, not any Error
      #expect(typed.kind == .expectedIndentedBlock(after: .if, line: 1))
      #expect(typed.isIndentationError)
      #expect(typed.diagnostic == Diagnostic(.error, "IndentationError: \(typed.message)", at: typed.location))
      #expect(typed.pythonType == "IndentationError")
      #expect(typed.diagnostic.location == TesselIR.SourceLocation(file: "k.py", line: 2, column: 1))
    }
    #expect(throws: SyntaxError.self) { try parseExpression(source: "x = 1", file: "e.py") }
  }

  @Test("a later lexical error wins over a parser error, as in CPython")
  func lexicalErrorPrecedence() {
    SyntaxTestSupport.expectError("if x\n    y = 1️⃣'abc\n", "unterminated string literal (detected at line 2)")
    SyntaxTestSupport.expectError("print1️⃣(\"hello\"\nx = 1\n", "'(' was never closed")
    // An unclosed bracket wins only when it opened on an earlier line.
    SyntaxTestSupport.expectError("x = (1️⃣a b)\ny = (\n", "invalid syntax. Perhaps you forgot a comma?")
    // Stray ASCII characters and indentation errors win only when the parser reaches them.
    SyntaxTestSupport.expectError("x = 1 +1️⃣\ny = 2 $ 3\n", "invalid syntax")
    SyntaxTestSupport.expectError("x = 1 +1️⃣\nif y:\n    a\n  b\n", "invalid syntax")
    // `unexpected indent` is never overridden.
    SyntaxTestSupport.expectError("  1️⃣x = 1\ny = 'abc\n", "unexpected indent")
  }

  @Test("errors found when compiling come after all syntax errors")
  func deferredErrors() {
    SyntaxTestSupport.expectError(
      "return 1\nx = (1, 1️⃣]\n", "closing parenthesis ']' does not match opening parenthesis '('")
    SyntaxTestSupport.expectError("1️⃣break\ncontinue\n", "'break' outside loop")
  }

  // MARK: Limits

  @Test("200 nested brackets parse; the 201st is an error, not a stack overflow")
  func nestedBrackets() throws {
    func nested(_ n: Int, _ open: String, _ close: String) -> String {
      "x = " + String(repeating: open, count: n) + "1" + String(repeating: close, count: n) + "\n"
    }
    _ = try parseModule(source: nested(200, "(", ")"), file: "deep.py")
    _ = try parseModule(source: nested(200, "[", "]"), file: "deep.py")
    _ = try parseModule(source: nested(200, "f(", ")"), file: "deep.py")
    for (open, close) in [("(", ")"), ("[", "]"), ("{", "}"), ("f(", ")"), ("a[", "]"), ("(-", ")")] {
      for n in [201, 5000] {
        do {
          _ = try parseModule(source: nested(n, open, close), file: "deep.py")
          Issue.record("\(n) × \(open) parsed")
        } catch {
          #expect(
            error.message == "too many nested parentheses" || error.message == "expression is nested too deeply",
            "\(open)")
        }
      }
    }
    SyntaxTestSupport.expectError(
      "x = " + String(repeating: "(", count: 200) + "1️⃣(" + String(repeating: ")", count: 201),
      "too many nested parentheses")
  }

  @Test("nesting without brackets is limited too")
  func nestedOperators() {
    for (prefix, count) in [("-", 5000), ("not ", 5000), ("lambda: ", 5000), ("~", 300)] {
      let source = "x = " + String(repeating: prefix, count: count) + "1\n"
      #expect(throws: SyntaxError.self) { try parseModule(source: source, file: "deep.py") }
    }
    let power = "x = " + Array(repeating: "2", count: 5000).joined(separator: " ** ") + "\n"
    #expect(throws: SyntaxError.self) { try parseModule(source: power, file: "deep.py") }
    let conditional = "x = " + String(repeating: "a if b else ", count: 5000) + "c\n"
    #expect(throws: SyntaxError.self) { try parseModule(source: conditional, file: "deep.py") }
  }

  @Test("long left-deep chains are limited; long flat lists are not")
  func chains() throws {
    let sum = "x = a" + String(repeating: " + a", count: 5000) + "\n"
    #expect(throws: SyntaxError.self) { try parseModule(source: sum, file: "long.py") }
    let attributes = "x = a" + String(repeating: ".b", count: 5000) + "\n"
    #expect(throws: SyntaxError.self) { try parseModule(source: attributes, file: "long.py") }
    let calls = "x = f" + String(repeating: "()", count: 5000) + "\n"
    #expect(throws: SyntaxError.self) { try parseModule(source: calls, file: "long.py") }
    _ = try parseModule(source: "x = a" + String(repeating: " + a", count: 900) + "\n", file: "long.py")
    _ = try parseModule(source: "x = [" + String(repeating: "1, ", count: 20000) + "]\n", file: "long.py")
    _ = try parseModule(source: "x = a" + String(repeating: " and a", count: 20000) + "\n", file: "long.py")
    let elifs = "if a:\n    pass\n" + String(repeating: "elif a:\n    pass\n", count: 5000)
    let module = try parseModule(source: elifs, file: "long.py")
    if case .if(let clauses, _) = module.statements.first?.kind {
      #expect(clauses.count == 5001)
    } else {
      Issue.record("not an if statement")
    }
  }

  @Test("more than 100 levels of indentation is an error")
  func deepIndentation() {
    var source = ""
    for level in 0..<101 {
      source += String(repeating: " ", count: level) + "if x:\n"
    }
    source += String(repeating: " ", count: 101) + "pass\n"
    do {
      _ = try parseModule(source: source, file: "deep.py")
      Issue.record("parsed")
    } catch {
      #expect(error.message == "too many levels of indentation")
      #expect(error.location.line == 101)
    }
  }
}
