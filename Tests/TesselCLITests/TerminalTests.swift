import CTestPTY
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tessel repl` in a pseudo-terminal: keystrokes in, screen text out.
final class PseudoTerminalSession {
  let master: Int32
  let process = Process()
  var transcript = ""

  init(executable: String, home: String) throws {
    var name = [CChar](repeating: 0, count: 256)
    master = tessel_open_pty(&name, name.count, 40, 120)
    guard master >= 0 else { throw POSIXError(.ENXIO) }
    let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let slave = FileHandle(forUpdatingAtPath: slavePath) else { throw POSIXError(.ENXIO) }
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["repl"]
    process.standardInput = slave
    process.standardOutput = slave
    process.standardError = slave
    var env = ProcessInfo.processInfo.environment
    env["HOME"] = home
    env["TERM"] = "xterm"
    process.environment = env
    process.currentDirectoryURL = URL(fileURLWithPath: repoRoot)
    try process.run()
    try? slave.close()
  }

  /// Sends keystrokes.
  func send(_ s: String) {
    let bytes = Array(s.utf8)
    _ = bytes.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
  }

  /// Reads until `text` appears after `from` in the transcript, or the timeout passes.
  @discardableResult
  func expect(_ text: String, after from: String.Index? = nil, timeout: Double = 20) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let start = from ?? transcript.startIndex
      if transcript[start...].contains(text) { return true }
      var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
      if poll(&p, 1, 100) > 0 {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buf, buf.count)
        if n <= 0 { break }
        transcript += String(decoding: buf[0..<n], as: UTF8.self)
      }
    }
    return transcript[(from ?? transcript.startIndex)...].contains(text)
  }

  func finish() {
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    close(master)
  }
}

@Suite("tessel repl in a real pseudo-terminal", .serialized)
struct TerminalTests {
  @Test("prompt, eager tile op, multi-line def, Up-arrow history, tab completion, surviving an error, :quit")
  func endToEnd() throws {
    let exe = try #require(tesselExecutable(), "the tessel executable was not built")
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-pty-\(getpid())").path
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let t = try PseudoTerminalSession(executable: exe, home: home)
    defer { t.finish() }
    #expect(t.expect(">>> "), "no prompt: \(t.transcript)")

    // An eager tile operation.
    var mark = t.transcript.endIndex
    t.send("t = nl.load(np.full((2, 3), 4.0))\r")
    #expect(t.expect(">>> ", after: mark))
    mark = t.transcript.endIndex
    t.send("nl.sqrt(t)\r")
    #expect(t.expect("[[2. 2. 2.],", after: mark), "\(t.transcript)")

    // A multi-line def with the continuation prompt.
    mark = t.transcript.endIndex
    t.send("def triple(x):\r")
    #expect(t.expect("... ", after: mark))
    t.send("    return nl.multiply(x, 3.0)\r")
    t.send("\r")
    #expect(t.expect(">>> ", after: mark))
    mark = t.transcript.endIndex
    t.send("triple(t)\r")
    #expect(t.expect("[[12. 12. 12.],", after: mark), "\(t.transcript)")

    // Up-arrow recalls the previous input; Enter runs it again.
    mark = t.transcript.endIndex
    t.send("\u{1B}[A\r")
    #expect(t.expect("[[12. 12. 12.],", after: mark), "history recall failed: \(t.transcript[mark...])")

    // Tab completes `nl.sqr` to `nl.sqrt`.
    mark = t.transcript.endIndex
    t.send("u = nl.sqr\t(t)\r")
    #expect(t.expect(">>> ", after: mark))
    mark = t.transcript.endIndex
    t.send("u.shape\r")
    #expect(t.expect("(2, 3)", after: mark), "tab completion failed: \(t.transcript)")

    // An error, and the session goes on.
    mark = t.transcript.endIndex
    t.send("nl.nope(t)\r")
    #expect(t.expect("error: unsupported: nl.nope", after: mark))
    mark = t.transcript.endIndex
    t.send("1 + 41\r")
    #expect(t.expect("42", after: mark))

    t.send(":quit\r")
    let deadline = Date().addingTimeInterval(10)
    while t.process.isRunning && Date() < deadline { usleep(50_000) }
    #expect(!t.process.isRunning, "tessel repl did not exit on :quit")
    #expect(t.process.terminationStatus == 0)
    // History persists across sessions.
    let history = (try? String(contentsOfFile: home + "/.tessel_history", encoding: .utf8)) ?? ""
    #expect(history.contains("triple"))
  }

  @Test("a stepping session: break at a file's line, print a tile, watch it, step, continue, quit, run again")
  func steppingSession() throws {
    let exe = try #require(tesselExecutable(), "the tessel executable was not built")
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-pty-dbg-\(getpid())").path
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let kernel = home + "/row_sums.py"
    // Line 10 adds row i of `a` into the accumulator `acc`.
    try """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def row_sums(a):
        out = nl.ndarray((1, 4), dtype=a.dtype, buffer=nl.shared_hbm)
        acc = nl.zeros((1, 4), dtype=nl.float32, buffer=nl.sbuf)
        for i in nl.sequential_range(3):
            row = nl.load(a[i:i + 1, :])
            acc[...] = nl.add(acc, row)
        nl.store(out, value=acc)
        return out
    """.write(toFile: kernel, atomically: true, encoding: .utf8)
    let t = try PseudoTerminalSession(executable: exe, home: home)
    defer { t.finish() }
    #expect(t.expect(">>> "), "no prompt: \(t.transcript)")
    func send(_ line: String, expecting text: String) {
      let mark = t.transcript.endIndex
      t.send(line + "\r")
      #expect(t.expect(text, after: mark), "after `\(line)`, no `\(text)` in: \(t.transcript[mark...])")
    }
    send(":load \(kernel)", expecting: "kernels row_sums")
    send(":break row_sums.py:10", expecting: "breakpoint 1 at row_sums.py:10")
    send("a = np.arange(12).reshape((3, 4)) * 1.0", expecting: ">>> ")
    // The call stops before line 10 runs in iteration 0, at the debugger's own prompt.
    send("r = row_sums(a)", expecting: "(debug) ")
    #expect(t.transcript.contains("breakpoint 1 (row_sums.py:10): before #3 tensor_tensor"))
    #expect(t.transcript.contains("(i = 0)"))
    #expect(t.transcript.contains("   10 |         acc[...] = nl.add(acc, row)"))
    send("acc", expecting: "acc = [[0. 0. 0. 0.]]")
    send(":watch acc", expecting: "watch 2: acc")
    // One step runs the add: the watch reports row 0 (0, 1, 2, 3) arriving in `acc`.
    send(":step", expecting: "acc[0, 3]: 0. -> 3.")
    #expect(t.expect("(debug) "))
    // Continue: the breakpoint again in iteration 1, then the add of row 1 (4, 5, 6, 7).
    send(":continue", expecting: "(i = 1)")
    send(":continue", expecting: "acc[0, 1]: 1. -> 6.")
    send(":quit", expecting: "error: run abandoned at 'tensor_tensor': :quit at the debugger")
    #expect(t.expect(">>> "))
    send("r", expecting: "NameError: name 'r' is not defined")
    send(":delete", expecting: "deleted every breakpoint and watch")
    send("r = row_sums(a)", expecting: ">>> ")
    // Column sums of the rows 0..3, 4..7, 8..11.
    send("r", expecting: "array([[12., 15., 18., 21.]], dtype=float32)")
    t.send(":quit\r")
    let deadline = Date().addingTimeInterval(10)
    while t.process.isRunning && Date() < deadline { usleep(50_000) }
    #expect(!t.process.isRunning, "tessel repl did not exit on :quit")
    #expect(t.process.terminationStatus == 0)
  }

  @Test("with stdin not a terminal, `tessel repl < script` reads plain lines")
  func piped() throws {
    let exe = try #require(tesselExecutable(), "the tessel executable was not built")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["repl"]
    let input = Pipe()
    let output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try p.run()
    input.fileHandleForWriting.write(Data("x = nl.load(np.ones((2, 2)))\nnl.add(x, x)\nprint('done')\n".utf8))
    try input.fileHandleForWriting.close()
    let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(out.contains("[[2. 2.],\n [2. 2.]]"))
    #expect(out.contains("done"))
  }
}
