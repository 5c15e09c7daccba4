import TesselIR
import TesselPython
import Testing

/// Parser node shapes for expressions, checked against the S-expression dump.
///
/// The expected dumps were produced from CPython's own `ast` for the same sources (converted to
/// the `ASTPrinter` form), so they pin Python's precedence, associativity and node shapes.
@Suite("Syntax: expressions")
struct SyntaxExpressionTests {
  static let cases: [(source: String, dump: String)] = [
    ("a + b * c - d / e // f % g @ h", "(- (+ a (* b c)) (@ (% (// (/ d e) f) g) h))"),
    ("a - b - c", "(- (- a b) c)"),
    ("a ** b ** c", "(** a (** b c))"),
    ("-a ** -b", "(- (** a (- b)))"),
    ("~a + +b - -c", "(- (+ (~ a) (+ b)) (- c))"),
    ("a << 1 >> 2 & 3 ^ 4 | 5", "(| (^ (& (>> (<< a 1) 2) 3) 4) 5)"),
    ("a | b & c", "(| a (& b c))"),
    ("not a and b or c and not d", "(or (and (not a) b) (and c (not d)))"),
    ("a or b or c", "(or a b c)"),
    ("a < b <= c == d != e > f >= g", "(compare a < b <= c == d != e > f >= g)"),
    ("a in b not in c is d is not e", "(compare a in b not-in c is d is-not e)"),
    ("not a in b", "(not (compare a in b))"),
    ("a if b else c if d else e", "(if b a (if d c e))"),
    ("(a if b else c) + 1", "(+ (if b a c) 1)"),
    ("lambda: 0", "(lambda (params) 0)"),
    ("lambda x, y=1, *args, z, **kw: x + y", "(lambda (params x (y = 1) (* args) z (** kw)) (+ x y))"),
    ("lambda *, k: k", "(lambda (params * k) k)"),
    ("lambda a, /, b: a", "(lambda (params a / b) a)"),
    ("(y := f(x))", "(:= y (call f x))"),
    ("f()", "(call f)"),
    ("f(a, b=1, *args, c=2, **kwargs)", "(call f a (kw b 1) (* args) (kw c 2) (** kwargs))"),
    ("f(x for x in xs)", "(call f (genexp x (for x xs)))"),
    ("f(*a, *b, **c, **d)", "(call f (* a) (* b) (** c) (** d))"),
    ("f(a)(b)(c)", "(call (call (call f a) b) c)"),
    ("a.b.c", "(. (. a b) c)"),
    ("a.b(c).d[e]", "(sub (. (call (. a b) c) d) e)"),
    ("t[0]", "(sub t 0)"),
    ("t[i, j]", "(sub t (tuple i j))"),
    ("t[i,]", "(sub t (tuple i))"),
    ("t[1:2]", "(sub t (slice 1 2 _))"),
    ("t[:]", "(sub t (slice _ _ _))"),
    ("t[::2]", "(sub t (slice _ _ 2))"),
    ("t[a:b:c, ::-1, 5]", "(sub t (tuple (slice a b c) (slice _ _ (- 1)) 5))"),
    ("t[:, None]", "(sub t (tuple (slice _ _ _) None))"),
    ("t[None, :]", "(sub t (tuple None (slice _ _ _)))"),
    ("t[...]", "(sub t ...)"),
    ("t[..., 0]", "(sub t (tuple ... 0))"),
    ("nl.arange(128)[:, None, None]", "(sub (call (. nl arange) 128) (tuple (slice _ _ _) None None))"),
    ("nl.mgrid[0:128, 0:512]", "(sub (. nl mgrid) (tuple (slice 0 128 _) (slice 0 512 _)))"),
    ("t[i * 128 + ip, 2 * jf + 1]", "(sub t (tuple (+ (* i 128) ip) (+ (* 2 jf) 1)))"),
    ("kernel[4, 2](a, b)", "(call (sub kernel (tuple 4 2)) a b)"),
    ("()", "(tuple)"),
    ("(a,)", "(tuple a)"),
    ("(a, b, *c)", "(tuple a b (* c))"),
    ("[]", "(list)"),
    ("[1, 2, *rest]", "(list 1 2 (* rest))"),
    ("{}", "(dict)"),
    ("{1: 'a', **d, 'k': v}", "(dict (1 'a') (** d) ('k' v))"),
    ("{1, 2, *s}", "(set 1 2 (* s))"),
    ("[x * 2 for x in xs if x if x > 0]", "(listcomp (* x 2) (for x xs (if x) (if (compare x > 0))))"),
    (
      "[(i, j) for i in range(3) for j in range(i)]",
      "(listcomp (tuple i j) (for i (call range 3)) (for j (call range i)))"
    ),
    ("{k: v for k, v in d.items()}", "(dictcomp k v (for (tuple k v) (call (. d items))))"),
    ("{x for x in xs}", "(setcomp x (for x xs))"),
    ("(x for x in xs if x)", "(genexp x (for x xs (if x)))"),
    ("[y for x in xss for y in x]", "(listcomp y (for x xss) (for y x))"),
    ("'a' 'b'", "'ab'"),
    ("b'\\x00\\xff' b'z'", "b'\\x00\\xffz'"),
    ("r'\\d+' '\\t'", "'\\\\d+\\t'"),
    ("'''tri\nple'''", "'tri\\nple'"),
    ("\"it's\"", "\"it's\""),
    ("'\\u00e9\\x41\\101\\n'", "'éAA\\n'"),
    ("f'{x}'", "(fstring (format x))"),
    (
      "f'a{x!r}b{y:>10}c{z!s:{w}.{p}f}'",
      "(fstring 'a' (format x !r) 'b' (format y (spec '>10')) 'c' (format z !s (spec (format w) '.' (format p) 'f')))"
    ),
    ("f'{x=}'", "(fstring 'x=' (format x !r))"),
    ("f'{x = !s:5}'", "(fstring 'x = ' (format x !s (spec '5')))"),
    ("f'{{literal}} {x}'", "(fstring '{literal} ' (format x))"),
    ("F'{a[\"k\"]}' rf'\\d{n}'", "(fstring (format (sub a 'k')) '\\\\d' (format n))"),
    ("'plain ' f'{x}' ' tail'", "(fstring 'plain ' (format x) ' tail')"),
    ("f'{f\"{inner}\"}'", "(fstring (format (fstring (format inner))))"),
    ("f'{a:{b}}'", "(fstring (format a (spec (format b))))"),
    ("f'{3.14:.2f}'", "(fstring (format 3.14 (spec '.2f')))"),
    ("0x1F + 0o17 + 0b101 + 1_000_000", "(+ (+ (+ 31 15) 5) 1000000)"),
    ("1. + .5 + 1e-3 + 1_000.5 + 2E+10", "(+ (+ (+ (+ 1.0 0.5) 0.001) 1000.5) 20000000000.0)"),
    ("None, True, False, ...", "(tuple None True False ...)"),
    ("(*a, b)", "(tuple (* a) b)"),
    ("a if not b else c", "(if (not b) a c)"),
    ("x[1:2, ::3][-1]", "(sub (sub x (tuple (slice 1 2 _) (slice _ _ 3))) (- 1))"),
    ("-2 ** 2", "(- (** 2 2))"),
    ("2 ** -1", "(** 2 (- 1))"),
    ("a @ b.T", "(@ a (. b T))"),
    ("[i for i in range(10) if i % 2 == 0]", "(listcomp i (for i (call range 10) (if (compare (% i 2) == 0))))"),
    ("{**a, **b}", "(dict (** a) (** b))"),
    ("f(a, *b, c, **d, e=1)", "(call f a (* b) c (** d) (kw e 1))"),
    (
      "print(*args, sep='', end='\\n', file=sys.stderr)",
      "(call print (* args) (kw sep '') (kw end '\\n') (kw file (. sys stderr)))"
    ),
    ("np.allclose(a, b, atol=1e-2, rtol=1e-3)", "(call (. np allclose) a b (kw atol 0.01) (kw rtol 0.001))"),
    ("a if b else lambda: c", "(if b a (lambda (params) c))"),
  ]

  @Test("expression node shapes", arguments: cases)
  func shape(_ source: String, _ dump: String) {
    #expect(SyntaxTestSupport.dumpExpression(source) == dump, "\(source)")
  }

  @Test("expressions parse with Python 3.12 f-string rules")
  func fstringsPEP701() {
    #expect(SyntaxTestSupport.dumpExpression(#"f"{d["k"]}""#) == "(fstring (format (sub d 'k')))")
    #expect(SyntaxTestSupport.dumpExpression(#"f"{x:{'>'}10}""#) == "(fstring (format x (spec (format '>') '10')))")
    #expect(SyntaxTestSupport.dumpExpression(#"f"{a!=b}""#) == "(fstring (format (compare a != b)))")
    #expect(SyntaxTestSupport.dumpExpression(#"f"{x:=5}""#) == "(fstring (format x (spec '=5')))")
    #expect(SyntaxTestSupport.dumpExpression("f'''{\n  x  # the value\n  + 1\n}'''") == "(fstring (format (+ x 1)))")
    #expect(SyntaxTestSupport.dumpExpression(#"f"\{x}""#) == #"(fstring '\\' (format x))"#)
    #expect(SyntaxTestSupport.dumpExpression(#"f"{x!r:}""#) == "(fstring (format x !r (spec)))")
    #expect(SyntaxTestSupport.dumpExpression(#"f"""#) == "(fstring)")
  }

  @Test("walrus, starred subscripts and other less common forms")
  func lessCommonForms() {
    #expect(
      SyntaxTestSupport.dumpExpression("[y for x in xs if (y := f(x))]")
        == "(listcomp y (for x xs (if (:= y (call f x)))))")
    #expect(SyntaxTestSupport.dumpExpression("a[x := 1]") == "(sub a (:= x 1))")
    #expect(SyntaxTestSupport.dumpExpression("a[*idx]") == "(sub a (tuple (* idx)))")
    #expect(SyntaxTestSupport.dumpExpression("f(x := 1)") == "(call f (:= x 1))")
    #expect(SyntaxTestSupport.dumpExpression("1if x else 2") == "(if x 1 2)")
    #expect(SyntaxTestSupport.dumpExpression("\n\na +\\\n b\n\n") == "(+ a b)")
    #expect(SyntaxTestSupport.dumpExpression("π * r ** 2") == "(* π (** r 2))")
  }

  @Test("literal values are decoded")
  func literalValues() throws {
    func kind(_ source: String) throws -> Expr.Kind {
      try parseExpression(source: source, file: "v.py").kind
    }
    #expect(try kind("0x1F") == .int(31))
    #expect(try kind("0o777") == .int(511))
    #expect(try kind("0b1010_1010") == .int(170))
    #expect(try kind("1_000_000") == .int(1_000_000))
    #expect(try kind("9223372036854775807") == .int(Int.max))
    #expect(try kind("1.") == .float(1))
    #expect(try kind(".5") == .float(0.5))
    #expect(try kind("1e-3") == .float(0.001))
    #expect(try kind("1_000.5") == .float(1000.5))
    #expect(try kind("1e400") == .float(.infinity))
    #expect(try kind("None") == .noneLiteral)
    #expect(try kind("True") == .bool(true))
    #expect(try kind("...") == .ellipsis)
    #expect(try kind(#"'caf\xe9 \u00e9\U0001F600 \101\0'"#) == .string("café é😀 A\0"))
    #expect(try kind("'a\\\nb'") == .string("ab"))
    #expect(try kind(#"'\q\''"#) == .string(#"\q'"#))
    #expect(try kind(#"r'\n\''"#) == .string(#"\n\'"#))
    #expect(try kind(#"b'\x00\xff\101A'"#) == .bytes([0, 255, 65, 65]))
    #expect(try kind(#"Rb'\x00'"#) == .bytes(Array(#"\x00"#.utf8)))
    #expect(try kind(#"u'x' U"y""#) == .string("xy"))
    #expect(try kind("'''a\nb''' \"\"\"c\"\"\"") == .string("a\nbc"))
    #expect(try kind("'über'") == .string("über"))
  }

  @Test("every expression node records where it starts")
  func locations() throws {
    #expect(
      SyntaxTestSupport.dumpExpression("a + b * c", includeLocations: true) == "(+@1:1 a@1:1 (*@1:5 b@1:5 c@1:9))")
    #expect(
      SyntaxTestSupport.dumpExpression("nl.load(t[i, 0:4],\n        mask=m)", includeLocations: true)
        == "(call@1:1 (.@1:1 nl@1:1 load) (sub@1:9 t@1:9 (tuple@1:11 i@1:11 (slice@1:14 0@1:14 4@1:16 _))) (kw@2:9 mask m@2:14))"
    )
    #expect(
      SyntaxTestSupport.dumpExpression("-x if (a, b) else [c for c in d]", includeLocations: true)
        == "(if@1:1 (tuple@1:7 a@1:8 b@1:11) (-@1:1 x@1:2) (listcomp@1:19 c@1:20 (for@1:22 c@1:26 d@1:31)))")
    let e = try parseExpression(source: "f'{x!r}'", file: "k.py")
    guard case .fstring(let parts) = e.kind, case .field(let field) = parts.first else {
      Issue.record("not an f-string: \(e.dump())")
      return
    }
    #expect(field.location == TesselIR.SourceLocation(file: "k.py", line: 1, column: 3))
    #expect(field.value.location == TesselIR.SourceLocation(file: "k.py", line: 1, column: 4))
  }

  @Test("column counts UTF-8 bytes")
  func utf8Columns() throws {
    let e = try parseExpression(source: "'é' + x", file: "k.py")
    guard case .binary(_, _, let right) = e.kind else {
      Issue.record("not a binary: \(e.dump())")
      return
    }
    #expect(right.location.column == 8)
  }
}
