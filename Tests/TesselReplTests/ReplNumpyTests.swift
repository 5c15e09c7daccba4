import Foundation
import TesselRepl
import Testing

@Suite("REPL host arrays are numpy arrays: a reference computed at the prompt next to a kernel call")
struct ReplNumpyTests {
  @Test("the report's walk-through: arithmetic, .T, reductions and dtypes on host arrays and kernel results")
  func hostArithmetic() {
    let (out, _) = session([
      "a = np.arange(6).reshape((2, 3))",
      "a.astype(np.float32) * 2",
      "z = np.zeros((4, 4), dtype=np.float64)",
      "z.dtype",
      "o = np.ones((2, 3)) * 3",
      "o - o",
      "np.exp(o).sum(axis=1)",
      "o.max() / a.T",
      "nl.exp(a)",
      ":quit",
    ])
    #expect(out.contains("array([[ 0.,  2.,  4.],\n       [ 6.,  8., 10.]], dtype=float32)"), "\(out)")
    #expect(out.contains("\nfloat64\n"), "\(out)")
    #expect(out.contains("array([[0., 0., 0.],\n       [0., 0., 0.]])"), "\(out)")
    #expect(out.contains("array([60.256610769563004, 60.256610769563004])"), "\(out)")
    #expect(out.contains("array([[inf   ,   1.  ],\n       [  3.  ,   0.75],\n       [  1.5 ,   0.6 ]])"), "\(out)")
    #expect(
      out.contains(
        "error: TypeError: nl.exp() computes on tiles, not numpy arrays: nl.load the array first (or use np.exp on the host)"
      ), "\(out)")
    #expect(out.components(separatedBy: "error:").count == 2, "\(out)")
  }

  @Test("a kernel's result is a numpy array a reference computed at the prompt compares with")
  func kernelAgainstReference() {
    let (out, _) = session([
      ":load \(repoRoot)/kernels/softmax.py",
      "np.random.seed(3)",
      "x = np.random.normal(0, 1, size=(130, 48)).astype(np.float32)",
      "y = softmax_kernel(x)",
      "e = np.exp(x - x.max(axis=1, keepdims=True))",
      "ref = e / e.sum(axis=1, keepdims=True)",
      "np.allclose(y, ref, atol=1e-6)",
      "np.allclose(y, ref * 1.01, atol=1e-6)",
      "y.dtype, y.shape",
      ":quit",
    ])
    #expect(out.contains("True\nFalse\n"), "\(out)")
    #expect(out.contains("(float32, (130, 48))"), "\(out)")
  }

  @Test("an output parameter passed as a numpy array is updated in place; tiles come back with np.array")
  func outputParametersAndTiles() {
    let (out, _) = session([
      ":load \(repoRoot)/kernels/tensor_add_spmd.py",
      "a = np.full((128, 1024), 2.0, dtype=np.float32)",
      "b = np.full((128, 1024), 0.5, dtype=np.float32)",
      "c = np.zeros((128, 1024), dtype=np.float32)",
      "tensor_add_spmd_kernel[1, 2](a, b, c)",
      "float(c.min()), float(c.max())",
      "t = nl.load(a[0:4, 0:3])",
      "h = np.array(nl.exp(t))",
      "h.dtype, float(h.max())",
      "nl.store(c, value=t)",
      ":quit",
    ])
    #expect(out.contains("(2.5, 2.5)"), "\(out)")
    #expect(out.contains("(float32, 7.389056"), "\(out)")
    #expect(out.contains("nl.store() would write 'dst', a numpy array on the host"), "\(out)")
  }

  @Test("np.save and np.load keep the dtype, float64 exactly")
  func saveLoad() throws {
    let path = NSTemporaryDirectory() + "/repl-numpy-\(getpid()).npy"
    let (out, _) = session([
      "p = np.array([0.1, 1e-300, 3.0])",
      "np.save('\(path)', p)",
      "q = np.load('\(path)')",
      "q.dtype, bool((q == p).all())",
      ":quit",
    ])
    #expect(out.contains("(float64, True)"), "\(out)")
  }
}
