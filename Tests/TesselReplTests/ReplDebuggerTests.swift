import Foundation
import TesselIR
import TesselRepl
import Testing

/// A kernel typed at the prompt: `out = 2 * a`, four rows per iteration of an affine loop.
///
/// In its input (`<repl 2>`): line 5 loads `t`, line 6 makes `u`, line 7 stores it.
let scaleRowsDefinition = [
  "@nki.jit",
  "def scale_rows(a):",
  "    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)",
  "    for i in nl.affine_range(2):",
  "        t = nl.load(a[i * 4:(i + 1) * 4, :])",
  "        u = nl.multiply(t, 2.0)",
  "        nl.store(out[i * 4:(i + 1) * 4, :], value=u)",
  "    return out",
  "",
]

/// `a` holds 0, 1, ..., 31 in 8 rows of 4.
let rampArray = "a = np.arange(32).reshape((8, 4)) * 1.0"

/// Rows `rows` of `a` times `scale`, as numpy prints a 2-D float array at the debugger.
func rampRows(_ rows: Range<Int>, times scale: Int = 1) -> String {
  "["
    + rows.map { r in "[" + (0..<4).map { "\((r * 4 + $0) * scale)." }.joined(separator: " ") + "]" }
    .joined(separator: ",\n ") + "]"
}

/// A scripted session that defines `a` and `scale_rows`, then types `lines`.
func debugSession(_ lines: [String]) -> (output: String, reader: ScriptedLineReader) {
  session([rampArray] + scaleRowsDefinition + lines)
}

@Suite("The REPL's stepping debugger, driven by a scripted line reader")
struct ReplDebuggerTests {
  @Test("break at a line, print tiles, step, watch a region, continue, quit: the run is abandoned and binds nothing")
  func breakStepWatchContinueQuit() {
    let (out, reader) = debugSession([
      ":break 6",
      "r = scale_rows(a)",
      "t",
      "u",
      ":step",
      "u[1]",
      ":watch u[0, 0:2]",
      ":continue",
      ":continue",
      ":quit",
      "r",
      ":quit",
    ])
    #expect(out.contains("breakpoint 1 at line 6\n"))
    // Stopped before the multiply of iteration 0: `t` holds rows 0..3, `u` is not written yet.
    #expect(out.contains("breakpoint 1 (line 6): before #2 tensor_scalar at <repl 2>:6:13 (i = 0)\n"))
    #expect(
      out.contains(
        "    6 |         u = nl.multiply(t, 2.0)\n   #2 u[0:4, 0:4] = tensor_scalar(t[0:4, 0:4], multiply 2.0)  [vector]"
      ))
    #expect(out.contains("t = \(rampRows(0..<4))\n"))
    #expect(out.contains("(16 of 16 elements never written, shown as nan)"))
    // One step runs the multiply and stops before the store.
    #expect(out.contains("step: before #3 store at <repl 2>:7:9 (i = 0)\n"))
    #expect(out.contains("u[1] = [8. 10. 12. 14.]\n"))
    #expect(out.contains("watch 2: u[0, 0:2]\n"))
    // :continue runs into the next iteration's breakpoint; the next one runs the multiply,
    // which changes the watched elements from iteration 0's values.
    #expect(out.contains("breakpoint 1 (line 6): before #2 tensor_scalar at <repl 2>:6:13 (i = 1)\n"))
    #expect(
      out.contains(
        "watch 2: u[0, 0:2] changed by #2 tensor_scalar at <repl 2>:6:13 (i = 1): 2 of 2 elements\n  u[0, 0]: 0. -> 32.\n  u[0, 1]: 2. -> 34.\nold: [0. 2.]\nnew: [32. 34.]\n"
      ))
    #expect(out.contains("error: run abandoned at 'tensor_scalar': :quit at the debugger"))
    #expect(out.contains("NameError: name 'r' is not defined"))
    #expect(reader.prompts.filter { $0 == "(debug) " }.count == 8)
  }

  @Test("without breakpoints the same call runs to the end and gives 2 * a")
  func deleteThenRun() {
    let (out, _) = debugSession([
      ":break 5", ":watch u", ":break", ":delete 1", ":break", ":delete", ":break", "r = scale_rows(a)",
      "np.allclose(r, a * 2.0)", ":quit",
    ])
    #expect(out.contains("  1: break at line 5\n  2: watch u\n"))
    #expect(out.contains("deleted 1\n  2: watch u\n"))
    #expect(out.contains("deleted every breakpoint and watch\nno breakpoints or watches\n"))
    #expect(!out.contains("(debug)") && !out.contains("before #"))
    #expect(out.contains("True"))
  }

  @Test("an empty line repeats :step; a watch on a whole tile reports never-written elements becoming values")
  func repeatStepAndWatchWholeTile() {
    let (out, _) = debugSession([
      ":watch t", "r = scale_rows(a)", ":continue", ":step", "", "", ":delete", ":continue", "r[7]", ":quit",
    ])
    // The first stop is the load writing all of `t`.
    #expect(out.contains("watch 1: t changed by #1 load at <repl 2>:5:13 (i = 0): 16 of 16 elements\n"))
    #expect(out.contains("  t[0, 0]: never written -> 0.\n"))
    #expect(out.contains("  ... and 8 more\n"))
    // The second: iteration 1's load.
    #expect(out.contains("  t[0, 0]: 0. -> 16.\n"))
    // :step, then two empty lines: three single steps from after the load of iteration 1.
    #expect(out.contains("step: before #2 tensor_scalar at <repl 2>:6:13 (i = 1)\n"))
    #expect(out.contains("step: before #3 store at <repl 2>:7:9 (i = 1)\n"))
    #expect(!out.contains("step: before #1"))
    #expect(out.contains("array([56., 58., 60., 62.], dtype=float32)"))
  }

  @Test("breakpoints by instruction and by operation; a line without instructions moves to the next")
  func breakpointKinds() {
    let (out, _) = debugSession([
      ":break 4", ":break #3", ":break tensor_scalar", ":break nc_matmul", "r = scale_rows(a)", ":continue",
      ":continue", ":quit", ":quit",
    ])
    #expect(out.contains("breakpoint 1: line 4 of <repl 2> has no instruction of `scale_rows`; it stops at line 5\n"))
    #expect(out.contains("breakpoint 4: `scale_rows` has no nc_matmul instruction\n"))
    #expect(out.contains("breakpoint 1 (line 4): before #1 load at <repl 2>:5:13 (i = 0)\n"))
    #expect(out.contains("breakpoint 3 (every tensor_scalar): before #2 tensor_scalar"))
    #expect(out.contains("breakpoint 2 (#3): before #3 store"))
  }

  @Test(":mem at a stop lists the tiles live at that instruction; :where repeats the position")
  func memoryAtAStop() {
    let (out, _) = debugSession([":break 6", "r = scale_rows(a)", ":mem", ":where", ":quit", ":quit"])
    // Two [4, 4] fp32 tiles (16 bytes per partition each); a tile of up to 32 partitions starts
    // at partition 0, 32, 64 or 96, so they sit side by side and no partition holds more than 16.
    let sbuf = Target.trn2.sbufBytesPerPartition
    #expect(out.contains("live before #2: SBUF 16 of \(sbuf) bytes per partition; PSUM 0 of 16384 (0 of 8 banks)\n"))
    #expect(out.contains("  t: sbuf float32[4, 4], partitions 0..3, bytes 0..<16\n"))
    #expect(out.contains("  u: sbuf float32[4, 4], partitions 32..35, bytes 0..<16\n"))
    #expect(out.contains("before #2 tensor_scalar at <repl 2>:6:13 (i = 0)\n    6 |"))
  }

  @Test("mistakes at the debugger get messages and the run stays stopped")
  func mistakes() {
    let (out, _) = debugSession([
      ":break 6", "r = scale_rows(a)", ":watch nope", "t[9]", "t[0, 1, 2]", ":step 0", ":frobnicate", "x = 1",
      ":print", ":delete 9", ":continue", ":continue", "r[0]", ":quit",
    ])
    #expect(out.contains("error: `scale_rows` has no tensor `nope` (its tensors: a, out, t, u)"))
    #expect(out.contains("error: index 9 is out of bounds for dimension 0 of `t` with size 4"))
    #expect(out.contains("error: `t` has 2 dimensions (shape [4, 4]), not 3"))
    #expect(out.contains("error: :step takes a positive number of instructions"))
    #expect(out.contains("error: :frobnicate is not a debugger command (try :help)"))
    #expect(out.contains("error: at a stop, type a tile"))
    #expect(out.contains("error: :print takes a tile"))
    #expect(out.contains("error: no breakpoint or watch 9"))
    #expect(out.contains("array([0., 2., 4., 6.], dtype=float32)"))
  }

  @Test("commands at the prompt: bad specs, :step with nothing stopped, a watch naming no tensor of the kernel")
  func promptCommands() {
    let (out, _) = debugSession([
      ":break", ":break a b", ":break 0", ":watch u[", ":step", ":continue", ":watch acc", "r = scale_rows(a)",
      "r[0, 1]", ":quit",
    ])
    #expect(out.contains("no breakpoints or watches\n"))
    #expect(out.contains("error: :break takes a line"))
    #expect(out.contains("error: :watch takes a tile name"))
    #expect(out.contains("error: no kernel is stopped"))
    #expect(
      out.contains("watch 1: `scale_rows` has no tensor `acc` (its tensors: a, out, t, u); not watched in this run"))
    // The watch that names nothing does not stop the run: r[0, 1] = 2 * a[0, 1] = 2.
    #expect(out.hasSuffix("not watched in this run\n2.0\n"))
  }

  @Test("end of input at a stop abandons the run; Ctrl-C there keeps it stopped")
  func endOfInput() {
    let engine = ReplEngine()
    let reader = ScriptedLineReader(
      ([rampArray] + scaleRowsDefinition + [":break 7", "r = scale_rows(a)"]).map { .line($0) } + [.interrupted])
    var out = ""
    engine.run(reader: reader) { out += $0 }
    #expect(out.contains("KeyboardInterrupt"))
    #expect(out.contains("error: run abandoned at 'store': end of input at the debugger"))
  }

  @Test("a kernel loaded from a file stops at FILE:LINE and shows the file's line")
  func fileBreakpoint() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-dbg-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent("double.py").path
    try """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def double(a):
        out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        t = nl.load(a)
        nl.store(out, value=nl.add(t, t))
        return out
    """.write(toFile: file, atomically: true, encoding: .utf8)
    let (out, _) = session([
      ":load \(file)", ":break double.py:8", "a = np.ones((2, 3))", "r = double(a)", "t", ":continue", "r", ":quit",
    ])
    #expect(out.contains("breakpoint 1 at double.py:8\n"))
    #expect(out.contains("    8 |     nl.store(out, value=nl.add(t, t))\n"))
    #expect(out.contains("t = [[1. 1. 1.],\n [1. 1. 1.]]"))
    #expect(out.contains("[2., 2., 2.]"))
  }
}
