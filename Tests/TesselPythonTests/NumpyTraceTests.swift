import TesselIR
import TesselPython
import Testing

/// numpy at trace time: dtypes, `np.finfo`/`np.iinfo`, small constant arrays, their arithmetic,
/// indexing and reductions, against numpy 2.
///
/// Every expected text was produced by running the same snippet with CPython 3.11 and numpy 2.4,
/// with one documented difference applied to numpy's output: a numpy scalar (`np.int64(15)`) is a
/// Python number at trace time (`15`), so the expected texts show numpy's scalars as
/// `value.item()` prints them.
@Suite("Trace-time numpy against numpy")
struct NumpyTraceTests {
  static let cases: [(String, String)] = [
    (
      "import numpy as np\nr = (np.dtype(np.float32).itemsize, np.dtype('int64').itemsize, np.dtype(np.int8).itemsize, str(np.dtype(np.float16)), np.dtype(np.float32) == np.float32)",
      "(4, 8, 1, 'float16', True)"
    ),
    (
      "import numpy as np\nf = np.finfo(np.float32)\nr = (f.bits, float(f.eps), float(f.max), float(f.min), float(f.tiny), np.finfo(np.float16).bits, float(np.finfo(np.float16).max))",
      "(32, 1.1920928955078125e-07, 3.4028234663852886e+38, -3.4028234663852886e+38, 1.1754943508222875e-38, 16, 65504.0)"
    ),
    (
      "import numpy as np\nr = (int(np.iinfo(np.int32).max), int(np.iinfo(np.int8).min), int(np.iinfo(np.uint8).max), np.iinfo(np.int16).bits)",
      "(2147483647, -128, 255, 16)"
    ),
    (
      "import numpy as np\na = np.arange(5)\nr = (a.tolist(), str(a.dtype), a.shape, a.ndim, a.size, len(a))",
      "([0, 1, 2, 3, 4], 'int64', (5,), 1, 5, 5)"
    ),
    (
      "import numpy as np\nr = (np.arange(2, 9, 3).tolist(), np.arange(1.0, 2.0, 0.25).tolist(), str(np.arange(1.0, 2.0, 0.25).dtype), np.arange(5, 0, -2).tolist(), np.arange(0).tolist())",
      "([2, 5, 8], [1.0, 1.25, 1.5, 1.75], 'float64', [5, 3, 1], [])"
    ),
    (
      "import numpy as np\nOH, H = 7, 20\nh0 = (np.arange(OH, dtype=np.int32) * H) // OH\nh1 = ((np.arange(1, OH + 1, dtype=np.int32) * H + OH - 1) // OH)\nspan = h1 - h0\nr = (h0.tolist(), h1.tolist(), int(span.max()), int(span.min()), str(h0.dtype), str(span.dtype), int(h0[3]))",
      "([0, 2, 5, 8, 11, 14, 17], [3, 6, 9, 12, 15, 18, 20], 4, 3, 'int32', 'int32', 8)"
    ),
    (
      "import numpy as np\ni = np.identity(3, dtype=np.int8)\nr = (i.tolist(), str(i.dtype), np.identity(2).tolist(), str(np.identity(2).dtype), np.eye(2, 3, k=1).tolist())",
      "([[1, 0, 0], [0, 1, 0], [0, 0, 1]], 'int8', [[1.0, 0.0], [0.0, 1.0]], 'float64', [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])"
    ),
    (
      "import numpy as np\nz = np.zeros((2, 3))\no = np.ones(4, dtype=np.int32)\nf = np.full((2,), 7)\nr = (z.tolist(), str(z.dtype), o.tolist(), str(o.dtype), f.tolist(), str(f.dtype), np.full(3, 1.5).tolist(), np.zeros_like(o).tolist())",
      "([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], 'float64', [1, 1, 1, 1], 'int32', [7, 7], 'int64', [1.5, 1.5, 1.5], [0, 0, 0, 0])"
    ),
    (
      "import numpy as np\na = np.arange(6).reshape(2, 3)\nr = (a.tolist(), a.T.tolist(), a.sum(), a.sum(axis=0).tolist(), a.max(axis=1).tolist(), a.mean(), a.prod(), a[1].tolist(), a[1, 2], a[:, 1].tolist(), a[..., ::2].tolist(), a[None].shape, a.reshape(-1).tolist())",
      "([[0, 1, 2], [3, 4, 5]], [[0, 3], [1, 4], [2, 5]], 15, [3, 5, 7], [2, 5], 2.5, 0, [3, 4, 5], 5, [1, 4], [[0, 2], [3, 5]], (1, 2, 3), [0, 1, 2, 3, 4, 5])"
    ),
    (
      "import numpy as np\na = np.array([[1, 2], [3, 4]])\nb = np.array([10, 20])\nr = ((a + b).tolist(), (a * 2.5).tolist(), str((a * 2.5).dtype), (a / 2).tolist(), str((a / 2).dtype), (-a).tolist(), (a ** 2).tolist(), (a % 3).tolist(), (7 - a).tolist(), (2 ** a).tolist(), (a > 2).tolist(), str((a > 2).dtype))",
      "([[11, 22], [13, 24]], [[2.5, 5.0], [7.5, 10.0]], 'float64', [[0.5, 1.0], [1.5, 2.0]], 'float64', [[-1, -2], [-3, -4]], [[1, 4], [9, 16]], [[1, 2], [0, 1]], [[6, 5], [4, 3]], [[2, 4], [8, 16]], [[False, False], [True, True]], 'bool')"
    ),
    (
      "import numpy as np\na = np.array([1.5, -2.25, 3.0], dtype=np.float32)\nr = (str(a.dtype), (a + 1).tolist(), str((a + 1).dtype), str((a + np.arange(3)).dtype), str((np.arange(3, dtype=np.int32) + np.arange(3, dtype=np.int8)).dtype), str((np.arange(3, dtype=np.int32) * 1.0).dtype), abs(a).tolist(), a.astype(np.int32).tolist(), str(a.astype(np.int32).dtype))",
      "('float32', [2.5, -1.25, 4.0], 'float32', 'float64', 'int32', 'float64', [1.5, 2.25, 3.0], [1, -2, 3], 'int32')"
    ),
    (
      "import numpy as np\nr = (np.prod((2, 3, 4)), np.prod([]), np.sum([1.5, 2]), np.max([3, 9, 2]), np.argmax([3, 9, 2]), np.argmin(np.array([[4, 1], [0, 5]])), np.ceil(2.1), np.floor(-2.5), np.sqrt(16), np.exp(0), np.abs(-3), np.maximum(3, 7), np.minimum(2.5, 1), np.add(2, 3), np.log2(8))",
      "(24, 1.0, 3.5, 9, 1, 2, 3.0, -3.0, 4.0, 1.0, 3, 7, 1.0, 5, 3.0)"
    ),
    (
      "import numpy as np\na = np.arange(4)\nr = (np.maximum(a, 2).tolist(), np.sqrt(np.array([4, 9])).tolist(), np.exp(np.zeros(2)).tolist(), np.mean(a), np.sum(a, keepdims=True).tolist(), (a == 2).any(), (a >= 0).all(), np.isnan(np.array([1.0, np.nan])).tolist())",
      "([2, 2, 2, 3], [2.0, 3.0], [1.0, 1.0], 1.5, [6], True, True, [False, True])"
    ),
    (
      "import numpy as np\na = np.zeros((2, 3), dtype=np.int32)\na[0] = 5\na[1, 1:] = np.array([7, 8])\na[:, 0] += 1\nr = a.tolist()",
      "[[6, 5, 5], [1, 7, 8]]"
    ),
    (
      "import numpy as np\nr = (repr(np.arange(3)), repr(np.arange(3, dtype=np.int32)), repr(np.array([0.0, 0.5, 1.0])), repr(np.identity(2, dtype=np.int8)), str(np.arange(4).reshape(2, 2)), repr(np.array([True, False])))",
      "('array([0, 1, 2])', 'array([0, 1, 2], dtype=int32)', 'array([0. , 0.5, 1. ])', 'array([[1, 0],\\n       [0, 1]], dtype=int8)', '[[0 1]\\n [2 3]]', 'array([ True, False])')"
    ),
    (
      "import numpy as np\nr = (np.float32(1.1) == 1.100000023841858, np.int32(7) + 1, float(np.float16(0.1)), int(np.arange(3)[1]), [int(x) for x in np.arange(3)], bool(np.array([1])))",
      "(True, 8, 0.0999755859375, 1, [0, 1, 2], True)"
    ),
    (
      "import numpy as np\ntry:\n    np.arange(3) + np.arange(2)\nexcept ValueError as e:\n    r = str(e)",
      "'operands could not be broadcast together with shapes (3,) (2,) '"
    ),
    (
      "import numpy as np\ntry:\n    bool(np.arange(3))\nexcept ValueError as e:\n    r = str(e)",
      "'The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()'"
    ),
    (
      "import numpy as np\ntry:\n    np.arange(6).reshape(4, 2)\nexcept ValueError as e:\n    r = str(e)",
      "'cannot reshape array of size 6 into shape (4,2)'"
    ),
    (
      "import numpy as np\ntry:\n    np.arange(3)[5]\nexcept IndexError as e:\n    r = str(e)",
      "'index 5 is out of bounds for axis 0 with size 3'"
    ),
    (
      "import numpy as np\ntry:\n    np.finfo(np.int32)\nexcept ValueError as e:\n    r = str(e)",
      "\"data type <class 'numpy.int32'> not inexact\""
    ),
    (
      "import numpy as np\nr = (np.array([[1, 2], [3, 4]], dtype=np.float32).sum(axis=1).tolist(), np.array((1, 2.5)).tolist(), str(np.array([True, 1]).dtype), np.array(5).shape, int(np.array(5)), np.asarray([1, 2]).tolist())",
      "([3.0, 7.0], [1.0, 2.5], 'int64', (), 5, [1, 2])"
    ),
  ]

  @Test("each snippet evaluates as numpy does", arguments: cases)
  func snippet(_ source: String, _ expected: String) {
    #expect(evaluate(source) == expected, "\(source)")
  }

  @Test("numpy applied to a value it cannot hold is a located refusal, not a conversion")
  func refusals() {
    #expect(
      evaluate("import numpy as np\nr = np.exp('a')") == "TypeError: np.exp() does not accept a value of type 'str'")
    #expect(evaluate("import numpy as np\nr = np.zeros(1 << 30)").contains("resource limit"))
  }
}
