import TesselIR
import TesselPython
import Testing

/// Python as real kernels use it: dataclasses, enums, named tuples, generators, the standard
/// library modules, and the finer points of formatting, closures and exceptions.
///
/// Every expected text was produced by running the same snippet with CPython 3.11 (`repr(r)`, or
/// `type(e).__name__ + ": " + str(e)` for a raised exception).
@Suite("Python evaluator: classes, generators and the standard library against CPython")
struct EvaluatorLibraryTests {
  static let cases: [(String, String)] = [
    (
      "from dataclasses import dataclass, field\n@dataclass\nclass C:\n    x: int\n    y: int = 2\n    z: list = field(default_factory=list)\nc = C(1)\nc.z.append(5)\nr = (c, C(1, 3) == C(1, 3), C(1) == C(2), c.y, C(1).z is C(1).z)",
      "(C(x=1, y=2, z=[5]), True, False, 2, False)"
    ),
    (
      "from dataclasses import dataclass\n@dataclass(frozen=True)\nclass F:\n    a: int\n    b: str = 'x'\nf = F(1)\ntry:\n    f.a = 2\nexcept Exception as e:\n    r = (type(e).__name__, str(e), hash(F(1)) == hash(F(1)), f)",
      "('FrozenInstanceError', \"cannot assign to field 'a'\", True, F(a=1, b='x'))"
    ),
    (
      "from dataclasses import dataclass\n@dataclass\nclass P:\n    n: int\n    def __post_init__(self):\n        self.sq = self.n * self.n\nr = (P(3).sq, P(3))",
      "(9, P(n=3))"
    ),
    (
      "from dataclasses import dataclass\n@dataclass\nclass P:\n    a: int\n    b: int\nP(1)",
      "TypeError: P.__init__() missing 1 required positional argument: 'b'"
    ),
    (
      "from dataclasses import dataclass\n@dataclass\nclass P:\n    a: int = 1\n    b: int",
      "TypeError: non-default argument 'b' follows default argument"
    ),
    (
      "from dataclasses import dataclass\n@dataclass\nclass P:\n    a: list = []",
      "ValueError: mutable default <class 'list'> for field a is not allowed: use default_factory"
    ),
    (
      "from dataclasses import dataclass, fields, asdict, replace, astuple\n@dataclass\nclass In:\n    v: int\n@dataclass\nclass Out:\n    i: In\n    w: float = 0.5\no = Out(In(3))\nr = ([f.name for f in fields(o)], asdict(o), astuple(o), replace(o, w=1.0))",
      "(['i', 'w'], {'i': {'v': 3}, 'w': 0.5}, ((3,), 0.5), Out(i=In(v=3), w=1.0))"
    ),
    (
      "from dataclasses import dataclass\n@dataclass(order=True)\nclass V:\n    a: int\n    b: int\nr = (V(1, 2) < V(1, 3), sorted([V(2, 0), V(1, 5)]))",
      "(True, [V(a=1, b=5), V(a=2, b=0)])"
    ),
    (
      "from dataclasses import dataclass\n@dataclass\nclass Base:\n    x: int\n@dataclass\nclass Sub(Base):\n    y: int = 0\nr = (Sub(1, 2), Sub(x=5), isinstance(Sub(1), Base))",
      "(Sub(x=1, y=2), Sub(x=5, y=0), True)"
    ),
    (
      "from dataclasses import dataclass\n@dataclass\nclass C:\n    x: int\nC(1, 2)",
      "TypeError: C.__init__() takes 2 positional arguments but 3 were given"
    ),
    (
      "from dataclasses import dataclass\n@dataclass\nclass C:\n    x: int\nC(x=1, y=2)",
      "TypeError: C.__init__() got an unexpected keyword argument 'y'"
    ),
    (
      "from enum import Enum\nclass Color(Enum):\n    RED = 1\n    GREEN = 2\n    BLUE = 3\nr = (Color.RED, Color.RED.name, Color.RED.value, Color(2), Color['BLUE'], list(Color), len(Color), Color.RED == 1, Color.RED is Color(1), str(Color.GREEN))",
      "(<Color.RED: 1>, 'RED', 1, <Color.GREEN: 2>, <Color.BLUE: 3>, [<Color.RED: 1>, <Color.GREEN: 2>, <Color.BLUE: 3>], 3, False, True, 'Color.GREEN')"
    ),
    (
      "from enum import IntEnum\nclass Mode(IntEnum):\n    A = 1\n    B = 2\nr = (Mode.A == 1, Mode.B + 1, Mode.A < Mode.B, int(Mode.B), [m.name for m in Mode], str(Mode.A), f'{Mode.B}', {1: 'one'}[Mode.A], sorted([Mode.B, Mode.A]))",
      "(True, 3, True, 2, ['A', 'B'], '1', '2', 'one', [<Mode.A: 1>, <Mode.B: 2>])"
    ),
    (
      "from enum import Enum, auto\nclass K(Enum):\n    X = auto()\n    Y = auto()\n    def describe(self):\n        return self.name.lower() + str(self.value)\nr = (K.X.value, K.Y.value, K.Y.describe(), K.X in K, isinstance(K.X, K))",
      "(1, 2, 'y2', True, True)"
    ),
    (
      "from enum import Enum\nclass S(Enum):\n    A = 'a'\n    B = 'b'\n    ALIAS = 'a'\nr = (S.ALIAS is S.A, list(S), S('b'))",
      "(True, [<S.A: 'a'>, <S.B: 'b'>], <S.B: 'b'>)"
    ),
    ("from enum import Enum\nclass S(Enum):\n    A = 1\nS(5)", "ValueError: 5 is not a valid S"),
    (
      "from enum import Enum\nclass S(Enum):\n    A = 1\n    def __str__(self):\n        return 'custom ' + self.name\nr = (str(S.A), f'{S.A}', repr(S.A))",
      "('custom A', 'custom A', '<S.A: 1>')"
    ),
    (
      "from collections import namedtuple\nP = namedtuple('P', ['x', 'y'])\np = P(1, y=2)\na, b = p\nr = (p, p.x, p[1], a + b, p == (1, 2), p._replace(x=5), p._asdict(), P._fields, isinstance(p, tuple), len(p))",
      "(P(x=1, y=2), 1, 2, 3, True, P(x=5, y=2), {'x': 1, 'y': 2}, ('x', 'y'), True, 2)"
    ),
    (
      "from collections import namedtuple\nP = namedtuple('P', 'x y z', defaults=[0])\nr = (P(1, 2), P(1, 2, 3))",
      "(P(x=1, y=2, z=0), P(x=1, y=2, z=3))"
    ),
    (
      "from typing import NamedTuple\nclass T(NamedTuple):\n    a: int\n    b: str = 'z'\n    def both(self):\n        return str(self.a) + self.b\nt = T(4)\nr = (t, t.both(), t.b, tuple(t), T._fields)",
      "(T(a=4, b='z'), '4z', 'z', (4, 'z'), ('a', 'b'))"
    ),
    (
      "from collections import namedtuple\nP = namedtuple('P', 'x y')\nP(1)",
      "TypeError: P.__new__() missing 1 required positional argument: 'y'"
    ),
    (
      "def gen(n):\n    for i in range(n):\n        yield i * i\nr = (list(gen(4)), sum(gen(3)), [x for x in gen(2)])",
      "([0, 1, 4, 9], 5, [0, 1])"
    ),
    (
      "log = []\ndef g():\n    log.append('start')\n    yield 1\n    log.append('mid')\n    yield 2\n    log.append('end')\nfor v in g():\n    log.append(v)\nr = log",
      "['start', 1, 'mid', 2, 'end']"
    ),
    (
      "def g():\n    try:\n        yield 1\n        yield 2\n    finally:\n        log.append('closed')\nlog = []\nfor v in g():\n    log.append(v)\n    break\nimport gc\nr = log[:1]",
      "[1]"
    ),
    (
      "def inner():\n    yield 1\n    yield 2\ndef outer():\n    yield 0\n    yield from inner()\n    yield 3\nr = list(outer())",
      "[0, 1, 2, 3]"
    ),
    ("def g():\n    x = yield 1\n    yield x * 10\nit = g()\nr = (next(it), it.send(4))", "(1, 40)"),
    ("def g():\n    yield 1\nit = iter(g())\nnext(it)\nr = next(it, 'done')", "'done'"),
    (
      "def fib():\n    a, b = 0, 1\n    while True:\n        yield a\n        a, b = b, a + b\nimport itertools\nr = list(itertools.islice(fib(), 8))",
      "[0, 1, 1, 2, 3, 5, 8, 13]"
    ),
    (
      "def g():\n    yield 1\n    raise ValueError('in gen')\ntry:\n    list(g())\nexcept ValueError as e:\n    r = str(e)",
      "'in gen'"
    ),
    (
      "import functools, operator\nr = (functools.reduce(operator.add, [1, 2, 3, 4]), functools.reduce(lambda a, b: a * b, [1, 2, 3], 10), functools.partial(pow, 2)(5), functools.partial(int, base=2)('101'))",
      "(10, 60, 32, 5)"
    ),
    (
      "import functools\ncalls = []\n@functools.lru_cache(maxsize=None)\ndef f(x):\n    calls.append(x)\n    return x * 2\nr = (f(2), f(2), f(3), calls)",
      "(4, 4, 6, [2, 3])"
    ),
    (
      "import functools\ndef deco(fn):\n    @functools.wraps(fn)\n    def wrapper(*a, **k):\n        return fn(*a, **k) + 1\n    return wrapper\n@deco\ndef add(a, b):\n    return a + b\nr = (add(1, 2), add.__name__)",
      "(4, 'add')"
    ),
    (
      "import itertools\nr = (list(itertools.product([1, 2], 'ab')), list(itertools.combinations(range(4), 2))[:3], list(itertools.permutations([1, 2, 3], 2))[:3], list(itertools.chain([1], (2, 3))), list(itertools.chain.from_iterable([[1], [2, 3]])), list(itertools.accumulate([1, 2, 3])), list(zip(itertools.count(5), 'ab')), list(itertools.repeat('x', 3)))",
      "([(1, 'a'), (1, 'b'), (2, 'a'), (2, 'b')], [(0, 1), (0, 2), (0, 3)], [(1, 2), (1, 3), (2, 1)], [1, 2, 3], [1, 2, 3], [1, 3, 6], [(5, 'a'), (6, 'b')], ['x', 'x', 'x'])"
    ),
    (
      "import itertools\nr = [(k, list(g)) for k, g in itertools.groupby('aabbbc')]",
      "[('a', ['a', 'a']), ('b', ['b', 'b', 'b']), ('c', ['c'])]"
    ),
    (
      "import operator\nr = (operator.itemgetter(1)([5, 6]), operator.itemgetter(0, 2)('abc'), operator.attrgetter('real')(3), operator.mul(3, 4), sorted([(2, 'b'), (1, 'a')], key=operator.itemgetter(0)))",
      "(6, ('a', 'c'), 3, 12, [(1, 'a'), (2, 'b')])"
    ),
    (
      "from collections import deque, OrderedDict, defaultdict, Counter\nd = deque([1, 2, 3], maxlen=3)\nd.append(4)\nd.appendleft(0)\nr = (list(d), d.popleft(), len(d))",
      "([0, 2, 3], 0, 2)"
    ),
    (
      "from collections import defaultdict, Counter\ndd = defaultdict(list)\ndd['a'].append(1)\ndd['b']\nc = Counter('abracadabra')\nr = (sorted(dd.items()), c['a'], c['z'], sorted(c.items())[:2])",
      "([('a', [1]), ('b', [])], 5, 0, [('a', 5), ('b', 2)])"
    ),
    (
      "from collections import OrderedDict\no = OrderedDict()\no['b'] = 1\no['a'] = 2\nr = list(o.keys())", "['b', 'a']"
    ),
    (
      "import copy\na = [[1, 2], [3]]\nb = copy.copy(a)\nc = copy.deepcopy(a)\na[0].append(9)\nr = (b, c)",
      "([[1, 2, 9], [3]], [[1, 2], [3]])"
    ),
    (
      "from abc import ABC, abstractmethod\nclass B(ABC):\n    @abstractmethod\n    def f(self): pass\nclass D(B):\n    def f(self): return 1\nr = D().f()\nB()",
      "TypeError: Can't instantiate abstract class B with abstract method f"
    ),
    (
      "class Meta:\n    count = 0\n    def __init__(self):\n        Meta.count += 1\nMeta(); Meta()\nr = Meta.count",
      "2"
    ),
    ("x = 10\ndef f():\n    return x + 1\nx = 20\nr = f()", "21"),
    (
      "def make():\n    fs = []\n    for i in range(3):\n        fs.append(lambda i=i: i * 10)\n    return [g() for g in fs]\nr = make()",
      "[0, 10, 20]"
    ),
    (
      "r = (f'{3:>{5}}', f'{2.5:.{2}f}', f'{\"x\":*^5}', '{:08.3f}'.format(3.14159), f'{1234.5:,.1f}', f'{0.000123:.2e}', f'{10:b}', f'{True}', f'{None!r}')",
      "('    3', '2.50', '**x**', '0003.142', '1,234.5', '1.23e-04', '1010', 'True', 'None')"
    ),
    (
      "s = slice(1, 5, 2)\nr = ([0, 1, 2, 3, 4, 5][s], s.start, s.stop, s.step, divmod(17, 5), divmod(-7.5, 2))",
      "([1, 3], 1, 5, 2, (3, 2), (-4.0, 0.5))"
    ),
    (
      "r = (int('ff', 16), float('-inf') < 0, round(-2.5), round(1.25, 1), 7 // 2.0, -7 % 3.0, 2 ** 0.5 == 2 ** 0.5, 10 / 4)",
      "(255, True, -2, 1.2, 3.0, 2.0, True, 2.5)"
    ),
    (
      "try:\n    raise KeyError('k')\nexcept LookupError as e:\n    r = (type(e).__name__, repr(e))",
      "('KeyError', \"KeyError('k')\")"
    ),
    (
      "class E(Exception):\n    def __init__(self, code):\n        super().__init__(f'code {code}')\n        self.code = code\ntry:\n    raise E(7)\nexcept E as e:\n    r = (str(e), e.code, e.args)",
      "('code 7', 7, ('code 7',))"
    ),
    (
      "def f():\n    try:\n        return 'try'\n    finally:\n        r.append('finally')\nr = []\nr.append(f())",
      "['finally', 'try']"
    ),
    ("r = [1, 2, 3]\ndel r[0]\nd = {'a': 1, 'b': 2}\ndel d['a']\nr = (r, d)", "([2, 3], {'b': 2})"),
    (
      "import math\nr = (math.ceil(7 / 2), math.floor(-0.5), math.pi > 3, math.isqrt(17), math.comb(5, 2), math.factorial(5), math.copysign(1, -0.0), math.fsum([0.1] * 10))",
      "(4, -1, True, 4, 10, 120, -1.0, 1.0)"
    ),
  ]

  @Test("each snippet evaluates as CPython does", arguments: cases)
  func snippet(_ source: String, _ expected: String) {
    #expect(evaluate(source) == expected, "\(source)")
  }
}
