import TesselRepl
import Testing

@Suite("REPL nl.device_print")
struct ReplDevicePrintTests {
  @Test("at the prompt it prints at once; in a kernel called from the prompt, each execution after the call")
  func devicePrintAtThePrompt() {
    let (out, _) = session([
      "t = nl.load(np.full((2, 3), 1.5))",
      "nl.device_print('t is', t)",
      "@nki.jit",
      "def k(x):",
      "    out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)",
      "    for i in nl.affine_range(2):",
      "        v = nl.load(x[i:i + 1, :])",
      "        nl.device_print('row', v)",
      "        nl.store(out[i:i + 1, :], value=v)",
      "    return out",
      "",
      "y = k(np.array([[1.0, 2.0], [3.0, 4.0]]))",
      ":quit",
    ])
    #expect(out.contains("t is [[1.5 1.5 1.5],\n [1.5 1.5 1.5]]\n"))
    #expect(out.contains("row (i=0) [[1. 2.]]\nrow (i=1) [[3. 4.]]\n"))
  }

  @Test("in the current dialect at the prompt it prints at once, with the values computed before it")
  func currentDialectAtThePrompt() {
    let (out, _) = session([
      "import nki.language as nl",
      "import nki.isa as nisa",
      "a = nl.ndarray((2, 3), dtype=nl.float32, buffer=nl.sbuf)",
      "nisa.memset(a, 2.5)",
      "nl.device_print('a is', a)",
      "nl.device_print('row', a[1:2, 0:2])",
      ":quit",
    ])
    #expect(!out.contains("error"), "\(out)")
    #expect(out.contains("a is [[2.5 2.5 2.5],\n [2.5 2.5 2.5]]\n"), "\(out)")
    #expect(out.contains("row [[2.5 2.5]]\n"), "\(out)")
  }
}
