import TesselIR
import TesselPython
import Testing

/// Python signatures of native functions, and binding calls to them.
@Suite("Signatures and argument binding")
struct SignatureTests {
  @Test(
    "signatures parse their kinds and defaults and print back",
    arguments: [
      "f()",
      "nl.load(src, *, mask=None, dtype=None, mode=None)",
      "len(obj, /)",
      "g(a, b=2, /, c=3.5, *args, d, e='x', **kwargs)",
      "h(*, dst, src, oob_mode=oob_mode.error)",
      "t(iterable=(), /)",
      "k(x=-1, y=True, z=nl.float32)",
    ])
  func roundTrip(_ text: String) throws {
    #expect(try Signature(parsing: text).description == text)
  }

  @Test("kinds, defaults and keywords")
  func kinds() throws {
    let s = try Signature(parsing: "g(a, b=2, /, c=3.5, *args, d, e='x', **kwargs)")
    #expect(s.name == "g")
    #expect(
      s.parameters.map(\.kind) == [
        .positionalOnly, .positionalOnly, .positionalOrKeyword, .variadicPositional, .keywordOnly, .keywordOnly,
        .variadicKeyword,
      ])
    #expect(s.parameters.map(\.defaultValue) == [nil, .int(2), .float(3.5), nil, nil, .string("x"), nil])
    #expect(s.keywords == ["c", "d", "e"])
  }

  @Test("malformed signature texts are errors", arguments: ["f", "f(1x)", "f(a=b+c)", "f(a,,b)"])
  func malformed(_ text: String) {
    #expect(throws: SyntaxError.self) { _ = try Signature(parsing: text) }
  }

  /// Each expected message is CPython 3.11's for a `def` with the same parameters.
  @Test(
    "binding a call to a native signature gives CPython's TypeErrors",
    arguments: [
      ("f(a, b)", "f(1, 2, 3)", "TypeError: f() takes 2 positional arguments but 3 were given"),
      (
        "f(a, b, c=1, *, d)", "f(1, 2, 3, 4, d=1)",
        "TypeError: f() takes from 2 to 3 positional arguments but 4 positional arguments (and 1 keyword-only argument) were given"
      ),
      ("f(a, b)", "f()", "TypeError: f() missing 2 required positional arguments: 'a' and 'b'"),
      ("f(a, b, c)", "f()", "TypeError: f() missing 3 required positional arguments: 'a', 'b', and 'c'"),
      ("f(a, *, d)", "f(1)", "TypeError: f() missing 1 required keyword-only argument: 'd'"),
      ("f(a)", "f(1, a=2)", "TypeError: f() got multiple values for argument 'a'"),
      ("f(a)", "f(b=1)", "TypeError: f() got an unexpected keyword argument 'b'"),
      (
        "f(a, /, b)", "f(a=1, b=2)",
        "TypeError: f() got some positional-only arguments passed as keyword arguments: 'a'"
      ),
      ("f()", "f(1)", "TypeError: f() takes 0 positional arguments but 1 was given"),
      ("f(a, **kw)", "f(1, b=2)", "ok"),
      ("f(*args)", "f(1, 2, 3)", "ok"),
    ])
  func binding(_ signature: String, _ call: String, _ expected: String) throws {
    let ev = Evaluator(file: "t.py")
    let function = BuiltinFunction(signature) { _, _, _ throws(TraceError) in .string("ok") }
    let globals = Scope(parent: nil)
    globals.names["f"] = .builtin(function)
    let expr = try parseExpression(source: call, file: "t.py")
    do throws(TraceError) {
      let r = try ev.eval(expr, globals)
      #expect(try ev.str(r) == expected)
    } catch {
      #expect(error.message == expected)
    }
  }
}
