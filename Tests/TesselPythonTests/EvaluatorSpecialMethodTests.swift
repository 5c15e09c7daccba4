import TesselPython
import Testing

/// Special methods called by name (`seq.__getitem__`, `object.__setattr__`), against CPython 3.11.
///
/// Every expected text was produced by running the same snippet with CPython 3.11 (`repr(r)`, or
/// `type(e).__name__ + ": " + str(e)` for a raised exception).
@Suite("Python evaluator: special methods by name")
struct EvaluatorSpecialMethodTests {
  static let cases: [(String, String)] = [
    ("seq = [30, 10, 20]\nr = (sorted(range(len(seq)), key=seq.__getitem__), list.__getitem__(seq, 1), seq.__len__(), seq.__contains__(20), tuple.__getitem__((4, 5), -1))", "([1, 2, 0], 10, 3, True, 5)"),
    ("d = {'a': 1}\nd.__setitem__('b', 2)\nd.__delitem__('a')\nr = (d, d.__getitem__('b'), 'b' in d, dict.__len__(d), str.__getitem__('abc', slice(1, None)))", "({'b': 2}, 2, True, 1, 'bc')"),
    ("r = (int.__add__(2, 3), (2).__mul__(4), (7).__rsub__(10), int.__add__(1, 1.5), (1.5).__add__(1), (3).__eq__(3), (3).__lt__('a'), float.__neg__(2.0), int.__abs__(-4), (5).__index__())", "(5, 8, 3, NotImplemented, 2.5, True, NotImplemented, -2.0, 4, 5)"),
    ("r = ('ab'.__add__('cd'), [1].__add__([2]), (1,).__mul__(3), [1, 2].__eq__([1, 2]), (1, 2).__lt__((1, 3)), (1,).__eq__([1]))", "('abcd', [1, 2], (1, 1, 1), True, True, NotImplemented)"),
    ("r = (str.__repr__('a'), int.__str__(5), (0).__bool__(), tuple.__hash__((1, 2)) == hash((1, 2)), list(iter([1, 2]).__iter__()) if False else list([1, 2].__iter__()))", "(\"'a'\", '5', False, True, [1, 2])"),
    ("from dataclasses import dataclass, field\n@dataclass(frozen=True)\nclass C:\n    a: int\n    b: list = field(init=False)\n    def __post_init__(self):\n        object.__setattr__(self, 'b', [self.a] * 2)\nc = C(3)\ntry:\n    c.a = 4\nexcept Exception as e:\n    err = type(e).__name__\nr = (c.b, c.a, err)", "([3, 3], 3, 'FrozenInstanceError')"),
    ("class P:\n    def __init__(self):\n        object.__setattr__(self, 'x', 1)\n        super().__setattr__('y', 2)\np = P()\nobject.__delattr__(p, 'y')\nr = (p.x, object.__getattribute__(p, 'x'), hasattr(p, 'y'), hasattr([], '__getitem__'), callable([].__len__))", "(1, 1, False, True, True)"),
    ("class L:\n    def __setattr__(self, n, v):\n        super().__setattr__(n, v * 2)\nl = L()\nl.x = 3\nsetattr(l, 'y', 4)\nr = (l.x, l.y, vars(l) if False else sorted(l.__dict__))", "(6, 8, ['x', 'y'])"),
    ("r = list.__getitem__((1, 2), 0)", "TypeError: descriptor '__getitem__' for 'list' objects doesn't apply to a 'tuple' object"),
    ("r = object.__setattr__(object(), 3, 1)", "TypeError: attribute name must be string, not 'int'"),
    ("r = int.__add__('a', 1)", "TypeError: descriptor '__add__' requires a 'int' object but received a 'str'"),
    ("r = 'x'.__add__(1)", "TypeError: can only concatenate str (not \"int\") to str"),
    ("r = [].__bool__()", "AttributeError: 'list' object has no attribute '__bool__'"),
    ("r = (1,) + [1]", "TypeError: can only concatenate tuple (not \"list\") to tuple"),
    ("r = 1.5 * [1]", "TypeError: can't multiply sequence by non-int of type 'float'"),
    ("from functools import reduce\nr = (reduce(int.__mul__, [1, 2, 3, 4]), list(map(str.__len__, ['a', 'bcd'])), sorted(['b', 'A', 'c'], key=str.__str__))", "(24, [1, 3], ['A', 'b', 'c'])"),
  ]

  @Test("special methods of built-in types and object", arguments: cases)
  func specialMethod(_ source: String, _ expected: String) {
    #expect(evaluate(source) == expected, "\(source)")
  }
}
