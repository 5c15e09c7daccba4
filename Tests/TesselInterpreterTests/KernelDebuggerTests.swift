import TesselIR
import TesselInterpreter
import TesselTestSupportCore
import Testing

/// Records what a ``KernelDebugger`` sees, and can end the run at a chosen call.
final class RecordingDebugger: KernelDebugger, @unchecked Sendable {
  struct Event {
    var after: Bool
    var pc: Int
    var indices: [Int]
    var values: [TensorID: [Float]]
  }
  var events: [Event] = []
  let watched: [TensorID]
  /// The number of `willExecute` calls after which the run is abandoned (nil: never).
  var abandonAt: Int?
  var calls = 0

  init(watching: [TensorID], abandonAt: Int? = nil) {
    self.watched = watching
    self.abandonAt = abandonAt
  }

  func record(_ run: PausedRun, after: Bool) {
    var values: [TensorID: [Float]] = [:]
    for t in watched { values[t] = run.values(of: t) }
    events.append(Event(after: after, pc: run.pc, indices: run.indices.map(\.value), values: values))
  }

  func willExecute(_ run: PausedRun) throws(KernelError) {
    calls += 1
    if calls == abandonAt {
      throw KernelError(
        .abandoned(reason: "test"), operation: run.instruction.operation.nkiName, at: run.instruction.location)
    }
    record(run, after: false)
  }

  func didExecute(_ run: PausedRun) throws(KernelError) { record(run, after: true) }
}

@Suite("The interpreter's debugger hook")
struct KernelDebuggerTests {
  /// `out[4i:4i+4, :] = 2 * a[4i:4i+4, :]` over an affine loop of `tiles` iterations, with the
  /// tiles declared in the loop (fresh each iteration).
  static func doubleRows(tiles: Int, cols: Int) -> (TileKernel, a: TensorID, t: TensorID, u: TensorID, out: TensorID) {
    var k = TileKernel()
    let a = k.input("a", [4 * tiles, cols])
    let out = k.output("out", [4 * tiles, cols])
    let i = k.b.beginLoop(name: "i", kind: .affine, stop: tiles)
    let t = k.tile("t", [4, cols])
    let u = k.tile("u", [4, cols])
    func rows(_ x: TensorID) -> View {
      View(
        tensor: x, start: [AffineExpr(i) * 4, AffineExpr()],
        dims: [.along(0, of: 2, count: 4), .along(1, of: 2, count: cols)])
    }
    k.b.emit(.load(dst: k.whole(t), src: rows(a)))
    k.b.emit(
      .tensorScalar(
        dst: k.whole(u), src: k.whole(t), op0: .multiply, operand0: .scalar(2), reverse0: false, op1: nil,
        operand1: nil, reverse1: false))
    k.b.emit(.store(dst: rows(out), src: k.whole(u)))
    try? k.b.endLoop()
    k.b.setOutputs([out])
    return (k, a, t, u, out)
  }

  @Test("sees every instruction before and after it runs, in order, with loop indices and tile values")
  func seesEveryInstruction() throws {
    let tiles = 3
    let cols = 5
    let (k, a, t, u, out) = Self.doubleRows(tiles: tiles, cols: cols)
    let kernel = try k.b.finish(target: .trn2)
    var rng = SeededGenerator(seed: 7)
    let data = rng.array(4 * tiles * cols)
    let d = RecordingDebugger(watching: [t, u, a])
    var options = RunOptions(target: .trn2)
    options.debugger = d
    let debugged = try Interpreter(kernel: kernel, options: options).run([data])
    let plain = try Interpreter(kernel: kernel, options: RunOptions(target: .trn2)).run([data])
    #expect(debugged.outputs == plain.outputs)
    #expect(debugged.outputs[0] == data.map { 2 * $0 })
    _ = out

    // Instructions 1, 2, 3 (0 and 4 are the loop's begin and end), before then after, per iteration.
    let expected = (0..<tiles).flatMap { i in [1, 2, 3].flatMap { pc in [(false, pc, i), (true, pc, i)] } }
    #expect(d.events.count == expected.count)
    for (e, x) in zip(d.events, expected) {
      #expect(e.after == x.0 && e.pc == x.1 && e.indices == [x.2], "event \(e.after) \(e.pc) \(e.indices)")
    }
    for i in 0..<tiles {
      let slice = Array(data[(4 * i * cols)..<(4 * (i + 1) * cols)])
      let beforeLoad = d.events[6 * i]
      let beforeMultiply = d.events[6 * i + 2]
      let afterMultiply = d.events[6 * i + 3]
      // A tile declared in the loop is never written at the start of each iteration.
      #expect(beforeLoad.values[t]?.allSatisfy(Poison.isPoison) == true)
      #expect(beforeMultiply.values[t] == slice)
      #expect(beforeMultiply.values[u]?.allSatisfy(Poison.isPoison) == true)
      #expect(afterMultiply.values[u] == slice.map { 2 * $0 })
      #expect(beforeLoad.values[a] == data)
    }
  }

  @Test("a debugger that throws ends the run with its error, at the instruction")
  func abandon() throws {
    let (k, _, _, _, _) = Self.doubleRows(tiles: 2, cols: 3)
    let kernel = try k.b.finish(target: .trn2)
    let d = RecordingDebugger(watching: [], abandonAt: 5)
    var options = RunOptions(target: .trn2)
    options.debugger = d
    #expect {
      try Interpreter(kernel: kernel, options: options).run([Array(repeating: 1, count: 24)])
    } throws: { error in
      guard let e = error as? KernelError, case .abandoned(let reason) = e.kind else { return false }
      return reason == "test" && e.message == "run abandoned at 'tensor_scalar': test"
    }
    // Calls 1–4 ran (load, multiply, store of iteration 0, then the load of iteration 1).
    #expect(d.events.filter { !$0.after }.map(\.pc) == [1, 2, 3, 1])
  }

  @Test("an SPMD kernel under the debugger runs its instances one after the other, each seen whole")
  func instancesInOrder() throws {
    var k = TileKernel()
    let a = k.input("a", [4, 6])
    let out = k.output("out", [4, 6])
    let pid = k.b.programID(axis: 0)
    let t = k.tile("t", [4, 3])
    func half(_ x: TensorID) -> View {
      View(
        tensor: x, start: [AffineExpr(), AffineExpr(pid) * 3],
        dims: [.along(0, of: 2, count: 4), .along(1, of: 2, count: 3)])
    }
    k.b.emit(.load(dst: k.whole(t), src: half(a)))
    k.b.emit(.store(dst: half(out), src: k.whole(t)))
    k.b.setOutputs([out])
    k.b.setGrid([2])
    let kernel = try k.b.finish(target: .trn2)
    let d = RecordingDebugger(watching: [])
    var options = RunOptions(target: .trn2)
    options.debugger = d
    let data = (0..<24).map(Float.init)
    let r = try Interpreter(kernel: kernel, options: options).run([data])
    #expect(r.outputs[0] == data)
    #expect(d.events.map(\.pc) == [0, 0, 1, 1, 0, 0, 1, 1])
    #expect(d.events.map(\.indices) == [[0], [0], [0], [0], [1], [1], [1], [1]])
  }
}
