import TesselRepl
import Testing

@Suite("REPL current-dialect statements")
struct ReplCurrentDialectTests {
  @Test(
    "import nki.language selects the current dialect; destination-passing calls run eagerly on tiles made at the prompt"
  )
  func destinationPassingAtThePrompt() {
    let (out, _) = session([
      "import nki.language as nl",
      "import nki.isa as nisa",
      "x = np.arange(12.0).reshape(3, 4)",
      "a = nl.ndarray((3, 4), dtype=nl.float32, buffer=nl.sbuf)",
      "nisa.dma_copy(a, x)",
      "b = nl.ndarray((3, 4), dtype=nl.float32, buffer=nl.sbuf)",
      "nisa.memset(b, 2.0)",
      "c = nl.ndarray((3, 4), dtype=nl.float32, buffer=nl.sbuf)",
      "nisa.tensor_tensor(c, a, b, nl.multiply)",
      "c",
      "c[1:3, 2:4]",
      "acc = nl.ndarray((4, 4), dtype=nl.float32, buffer=nl.psum)",
      "nisa.nc_matmul(acc, a, b)",
      "nisa.nc_matmul(acc, a, b)",
      "acc",
      ":quit",
    ])
    #expect(!out.contains("error"), "\(out)")
    // c = 2·x, x[i, j] = 4i + j
    #expect(
      out.contains("c: sbuf float32[3, 4] partitions 0..2\n[[0. 2. 4. 6.],\n [8. 10. 12. 14.],\n [16. 18. 20. 22.]]"),
      "\(out)")
    #expect(out.contains("[[12. 14.],\n [20. 22.]]"), "\(out)")
    // Two nc_matmul into a fresh PSUM tile: the first overwrites, the second adds:
    // acc[m, n] = 2 · Σ_k x[k, m] · 2 = 4 · (column sum of x)[m] = 4 · [12, 15, 18, 21].
    #expect(
      out.contains("[[48. 48. 48. 48.],\n [60. 60. 60. 60.],\n [72. 72. 72. 72.],\n [84. 84. 84. 84.]]"), "\(out)")
  }

  @Test(
    "after legacy tensors, switching dialects is a located error; a current-dialect mistake is reported at its line")
  func errors() {
    let (out, _) = session([
      "t = nl.load(np.ones((2, 2)))",
      "import nki.language as nl",
      ":reset",
      "import nki.language as nl",
      "import nki.isa as nisa",
      "a = nl.ndarray((2, 2), dtype=nl.float32, buffer=nl.sbuf)",
      "nisa.activation(op=nl.exp, data=a)",
      "nisa.memset(a, 1.0, mask=None)",
      ":quit",
    ])
    #expect(
      out.contains(
        "error: unsupported: switching the session to the current dialect (`import nki`) after legacy tensors were made; :reset first\n --> <repl 2>:1:1"
      ), "\(out)")
    #expect(
      out.contains(
        "TypeError: nisa.activation() missing 1 required positional argument: 'dst'; ISA calls of the current "
          + "dialect return nothing and write into a destination passed first: nisa.activation(dst, ...) with "
          + "dst = nl.ndarray(shape, dtype, buffer=nl.sbuf)\n --> <repl 6>:1:1"),
      "\(out)")
    #expect(out.contains("TypeError: nisa.memset() got an unexpected keyword argument 'mask'"), "\(out)")
  }
}
