import TesselIR
import TesselLang
import TesselPython
import Testing

/// `nl.NKIObject` subclasses as NKI's front end builds them: every class-level data attribute,
/// annotated or not, is a constructor parameter whose default is its value or `None`.
@Suite("Current dialect: NKIObject records")
struct CurrentRecordTests {
  static let classes = """
    from dataclasses import dataclass


    @dataclass
    class Section(nl.NKIObject):
        idx = None  # not annotated: still a field
        offset = 0
        label: str = "s"


    class Plain(nl.NKIObject):
        a = 1
        b: int

        def total(self):
            return self.a + (self.b or 0)


    @dataclass
    class Post(nl.NKIObject):
        n: int = 2

        def __post_init__(self):
            self.doubled = self.n * 2


    class Own(nl.NKIObject):
        x = 5

        def __init__(self, y):
            self.y = y


    class Derived(Plain):
        c = 10


    """

  /// Traces a kernel whose body is `body` (one [4, 8] fp32 argument `a`) and returns what it printed.
  static func printed(_ body: String) throws -> String {
    try currentKernelOutput(prelude: classes, body: body, file: "records.py")
  }

  @Test(
    "constructors take every class-level data attribute",
    arguments: [
      ("    print(Section(idx=3, offset=7).idx, Section(idx=3, offset=7).offset, Section().label)", "3 7 s\n"),
      ("    s = Section(1, 2, 'x')\n    print(s.idx, s.offset, s.label)", "1 2 x\n"),
      ("    print(Section().idx)", "None\n"),
      ("    p = Plain(b=4)\n    print(p.a, p.b, p.total())", "1 4 5\n"),
      ("    print(Plain().b)", "None\n"),
      ("    print(Post(n=5).doubled, Post().doubled)", "10 4\n"),
      ("    o = Own(3)\n    print(o.x, o.y)", "5 3\n"),
      ("    d = Derived(2, 3, 4)\n    print(d.a, d.b, d.c, d.total())", "2 3 4 5\n"),
    ])
  func constructors(body: String, expected: String) throws {
    #expect(try Self.printed(body) == expected)
  }

  @Test(
    "unknown fields and extra arguments are CPython's TypeErrors",
    arguments: [
      ("    Section(size=1)", "unexpected keyword argument 'size'"),
      ("    Section(1, 2, 3, 4)", "takes from 1 to 4 positional arguments but 5 were given"),
      ("    Own(y=1, x=2)", "unexpected keyword argument 'x'"),
    ])
  func errors(body: String, message: String) throws {
    do {
      _ = try Self.printed(body)
      Issue.record("traced without the expected TypeError: \(message)")
    } catch let error as TraceError {
      #expect(error.message.contains("TypeError"), "\(error.message)")
      #expect(error.message.contains(message), "\(error.message)")
    }
  }

  @Test("a plain Python class keeps CPython's dataclass rule: only annotated names are fields")
  func plainDataclass() throws {
    let body = """
      from dataclasses import dataclass as dc
      @dc
      class C:
          x = 1
          y: int = 2
      print(C(y=3).x, C(y=3).y)
      try:
          C(x=3)
      except TypeError as e:
          print("TypeError")
      """
    let indented = body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    #expect(try Self.printed(indented) == "1 3\nTypeError\n")
  }
}
