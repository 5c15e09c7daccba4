import Foundation
import TesselHost
import TesselIR
import TesselRepl
import Testing

/// Runs a scripted session and returns everything it printed.
func session(_ lines: [String], target: Target = .trn2) -> (output: String, reader: ScriptedLineReader) {
  let engine = ReplEngine(target: target)
  let reader = ScriptedLineReader(lines: lines)
  var out = ""
  engine.run(reader: reader) { out += $0 }
  return (out, reader)
}

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

@Suite("REPL core, driven by a scripted line reader")
struct ReplTests {
  @Test("expressions print their value; tile operations run eagerly on the persistent core")
  func eagerTiles() {
    let (out, _) = session([
      "a = np.full((4, 3), 2.0)",
      "t = nl.load(a)",
      "u = nl.multiply(t, t)",
      "u",
      "1 + 2",
      ":quit",
    ])
    #expect(
      out.contains("u: sbuf float32[4, 3] partitions 0..3\n[[4. 4. 4.],\n [4. 4. 4.],\n [4. 4. 4.],\n [4. 4. 4.]]"))
    #expect(out.contains("\n3\n"))
  }

  @Test("multi-line blocks use the continuation prompt and end with an empty line")
  func blocks() {
    let (out, reader) = session([
      "def double(x):",
      "    y = nl.add(x, x)",
      "    return y",
      "",
      "t = nl.load(np.ones((2, 2)))",
      "double(t)",
      "for i in range(3):",
      "    print(i * 10)",
      "",
      ":quit",
    ])
    #expect(reader.prompts.prefix(4) == [">>> ", "... ", "... ", "... "])
    #expect(out.contains("[[2. 2.],\n [2. 2.]]"))
    #expect(out.contains("0\n10\n20\n"))
    #expect(reader.history.contains("def double(x):\n    y = nl.add(x, x)\n    return y"))
  }

  @Test("errors print located diagnostics and the session survives them")
  func errorsSurvive() {
    let (out, _) = session([
      "t = nl.load(np.ones((4, 4)))",
      "nl.foo(t)",
      "z = undefined_name",
      "big = nl.ndarray((256, 4), dtype=nl.float32, buffer=nl.sbuf)",
      "t2 = nl.exp(t)",
      "t2.shape",
      ":quit",
    ])
    #expect(out.contains("error: unsupported: nl.foo\n --> <repl 2>:1:1"))
    #expect(out.contains("error: NameError: name 'undefined_name' is not defined"))
    #expect(out.contains("Size of partition dimension 256 exceeds architecture limitation of 128"))
    #expect(out.contains("(4, 4)"))
  }

  @Test("Ctrl-C cancels the block being typed")
  func interrupt() {
    let engine = ReplEngine()
    let reader = ScriptedLineReader([
      .line("for i in range(2):"), .line("    print('never')"), .interrupted, .line("print('after')"), .line(":quit"),
    ])
    var out = ""
    engine.run(reader: reader) { out += $0 }
    #expect(out.contains("KeyboardInterrupt"))
    #expect(!out.contains("never"))
    #expect(out.contains("after"))
  }

  @Test(":load a kernel file and call its kernel on host arrays; np.save / np.load round trip")
  func loadAndCall() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-repl-\(getpid())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let (out, _) = session([
      ":load \(repoRoot)/kernels/tensor_add.py",
      "np.random.seed(3)",
      "a = np.random.uniform(-1, 1, size=(130, 70))",
      "b = np.ones((130, 70))",
      "c = tensor_add_kernel(a, b)",
      "np.allclose(c, a + b, atol=1e-6)",
      "np.save('\(dir)/c.npy', c)",
      "d = np.load('\(dir)/c.npy')",
      "np.allclose(c, d)",
      ":stats c",
      ":quit",
    ])
    #expect(out.contains("loaded \(repoRoot)/kernels/tensor_add.py: kernels tensor_add_kernel"))
    #expect(out.contains("True\n"))
    #expect(!out.contains("error"), "\(out)")
    let saved = try HostArray.readNPY(from: "\(dir)/c.npy")
    #expect(saved.shape == [130, 70])
    #expect(out.contains("c: array float32[130, 70]: min "))
    #expect(out.contains("True\nTrue\n"))
  }

  @Test(":ir, :run, :mem, :target and :reset")
  func commands() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-repl-cmd-\(getpid())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try HostArray(shape: [4, 8], dtype: .float32, values: (0..<32).map(Float.init)).writeNPY(to: "\(dir)/x.npy")
    let (out, _) = session([
      ":load \(repoRoot)/kernels/softmax.py",
      ":ir softmax_kernel 4x8:float32",
      ":run softmax_kernel \(dir)/x.npy",
      "t = nl.load(np.ones((128, 512)))",
      "p = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)",
      ":mem",
      ":target trn1",
      ":mem",
      ":reset",
      ":bogus",
      ":quit",
    ])
    #expect(out.contains("kernel softmax_kernel(x: hbm float32[4, 8])"))
    #expect(out.contains("output") || out.contains(": hbm float32[4, 8]") || out.contains("[["))
    #expect(out.contains("SBUF 2048 of 212984 bytes per partition; PSUM 2048 of 16384 (1 of 8 banks)"))
    #expect(out.contains("  t: sbuf float32[128, 512] partitions 0..127, 2048 B/partition"))
    #expect(out.contains("target trn1; session reset"))
    #expect(out.contains("SBUF 0 of 180224 bytes per partition"))
    #expect(out.contains("error: unknown command :bogus"))
  }

  @Test(":estimate prints a kernel call's estimated latency from shapes alone")
  func estimate() {
    let (out, _) = session(
      [
        ":load \(repoRoot)/kernels/matmul_tiled.py",
        ":estimate matmul_tiled_kernel 256x128:bfloat16 256x512:bfloat16",
        ":estimate",
        ":quit",
      ], target: .trn1)
    #expect(out.contains("estimate (trn1 model):"))
    #expect(out.contains("Tensor (PE)"))
    #expect(out.contains("error: :estimate takes a kernel name and arguments"))
  }

  @Test("tab completion of nl./nisa. names, session names, commands and paths")
  func completion() {
    let engine = ReplEngine()
    let reader = ScriptedLineReader(lines: ["my_tile = nl.load(np.ones((2, 2)))", ":quit"])
    engine.run(reader: reader) { _ in }
    #expect(engine.completions(for: "y = nl.ex").contains("nl.exp"))
    #expect(engine.completions(for: "nisa.nc_m") == ["nisa.nc_matmul"])
    #expect(engine.completions(for: "x = my_t") == ["my_tile"])
    #expect(engine.completions(for: ":lo") == [":load"])
    #expect(engine.completions(for: ":load \(repoRoot)/kernels/soft").contains("\(repoRoot)/kernels/softmax.py"))
  }
}
