import TesselIR
import TesselLang
import Testing

@testable import TesselTiming

/// How instructions are placed: dependencies, semaphores, engine order, rotating buffers.
@Suite("Scheduling")
struct SchedulerTests {
  @Test("load → activation → store: each waits for its input plus the semaphore between engines")
  func crossEngineChain() throws {
    let src = """
      @nki.jit
      def k(a):
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          x = nl.load(a)
          y = nisa.activation(op=nl.exp, data=x)
          nl.store(out, value=y)
          return out
      """
    let e = try estimate(try trace(src, [([128, 512], .float32)], target: .trn2), target: .trn2)
    let load = executions(e, "load")[0]
    let act = executions(e, "activation")[0]
    let store = executions(e, "store")[0]
    // DMA completion → compute: 100 ns; compute → DMA: 1300 ns (documented).
    #expect(abs(act.start - (load.end + 100)) < 1e-6)
    #expect(abs(store.start - (act.end + 1300)) < 1e-6)
    #expect(abs(e.report.scheduleNs - store.end) < 1e-6)
    #expect(abs(e.report.latencyNs - (store.end + 9000)) < 1e-6)
  }

  @Test("dependent instructions on one engine wait for its pipeline to drain; independent ones follow back to back")
  func sameEngine() throws {
    let src = """
      @nki.jit
      def k(a):
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          x = nl.load(a)
          y = nisa.activation(op=nl.exp, data=x)
          z = nisa.activation(op=nl.exp, data=y)
          w = nisa.activation(op=nl.exp, data=x)
          s = nl.add(z, w)
          nl.store(out, value=s)
          return out
      """
    let e = try estimate(try trace(src, [([128, 1], .float32)], target: .trn1), target: .trn1)
    let acts = executions(e, "activation")
    #expect(acts.count == 3)
    // A 1-element producer: the whole 200-cycle drain at 1.4 GHz.
    #expect(abs(acts[1].start - (acts[0].end + 200 / 1.4)) < 1e-6)
    // The third reads only the load: it follows the second in program order.
    #expect(abs(acts[2].start - acts[1].end) < 1e-6)
    // 64 + 200 cycles per dependent instruction: the documented 264-cycle initiation interval.
    #expect(abs((acts[1].end - acts[0].end) - 264 / 1.4) < 1e-6)
  }

  static let loopSource = """
    @nki.jit
    def k(a):
        out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        for i in nl.affine_range(a.shape[0] // 128):
            x = nl.load(a[i * 128:(i + 1) * 128, :])
            y = nisa.activation(op=nl.exp, data=x)
            nl.store(out[i * 128:(i + 1) * 128, :], value=y)
        return out
    """

  @Test("tiles declared in a loop body rotate: the next iteration's load does not wait for this one's compute")
  func rotation() throws {
    let k = try trace(Self.loopSource, [([1024, 2048], .float32)], target: .trn2)
    let rotating = try estimate(k, target: .trn2)
    let single = try estimate(
      k, target: .trn2, constants: try TimingConstants.trn2.overriding(["maxBufferRotation": 1]))
    let loads = executions(rotating, "load")
    let acts = executions(rotating, "activation")
    #expect(loads.count == 8 && acts.count == 8)
    // With four buffers the second load is issued right after the first (the issue slot is free).
    #expect(loads[1].start < acts[0].start)
    // With one, it must wait until the first activation has read x (a write-after-read).
    let oneLoads = executions(single, "load")
    let oneActs = executions(single, "activation")
    #expect(oneLoads[1].start >= oneActs[0].end + 1300 - 1e-6)
    #expect(rotating.report.latencyNs < single.report.latencyNs)
  }

  @Test("a loop-invariant instruction runs once per entry of the loop, as the compiler hoists it")
  func hoisting() throws {
    let src = """
      @nki.jit
      def k(a, b):
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          x = nl.load(a)
          y = nl.load(b)
          acc = nl.zeros(a.shape, dtype=nl.float32, buffer=nl.sbuf)
          for i in nl.sequential_range(4):
              p = nisa.tensor_tensor(x, y, op=nl.multiply)
              acc[...] = nl.add(acc, p)
          nl.store(out, value=acc)
          return out
      """
    let e = try estimate(
      try trace(src, [([128, 64], .float32), ([128, 64], .float32)], target: .trn2), target: .trn2)
    // x * y does not depend on i: once; the accumulation: four times, written in place.
    #expect(executions(e, "tensor_tensor").count == 5)
    #expect(e.report.notes.contains { $0.contains("1 loop-invariant") })
  }

  @Test("a masked instruction costs the elements its mask keeps")
  func masks() throws {
    let src = """
      @nki.jit
      def k(a):
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          ip = nl.arange(128)[:, None]
          jf = nl.arange(512)[None, :]
          for i in nl.affine_range(2):
              x = nl.load(a[i * 128 + ip, jf], mask=i * 128 + ip < a.shape[0])
              nl.store(out[i * 128 + ip, jf], value=x, mask=i * 128 + ip < a.shape[0])
          return out
      """
    let e = try estimate(try trace(src, [([135, 512], .float32)], target: .trn2), target: .trn2)
    let loads = executions(e, "load")
    #expect(loads.count == 2)
    // 128 rows over 16 engines, then 7 rows on one engine.
    #expect(abs((loads[0].transferEnd - loads[0].transferStart) - 8 * (30 + 2048 / 28.0)) < 1e-6)
    #expect(abs((loads[1].transferEnd - loads[1].transferStart) - 7 * (30 + 2048 / 28.0)) < 1e-6)
    #expect(abs(e.report.dma.bytes - 2 * 135 * 2048) < 1e-6)
  }

  @Test("SPMD instances run back to back on one core, or split over two logical cores")
  func spmd() throws {
    let src = """
      @nki.jit
      def k(a):
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          i = nl.program_id(0)
          x = nl.load(a[i * 128:(i + 1) * 128, :])
          y = nisa.activation(op=nl.exp, data=x)
          nl.store(out[i * 128:(i + 1) * 128, :], value=y)
          return out
      """
    let file = try NKIFile(source: nkiHeader + src, file: "t.py")
    let k = try file.trace(arguments: [.tensor(shape: [512, 2048], dtype: .float32)], grid: [4], target: .trn2).kernel
    let one = try TimingModel(kernel: k, target: .trn2).estimate()
    let two = try TimingModel(kernel: k, target: .trn2, options: TimingOptions(logicalCores: 2)).estimate()
    #expect(one.report.instructions == 12 && two.report.instructions == 12)
    #expect(two.report.scheduleNs < one.report.scheduleNs)
    #expect(two.report.notes.contains { $0.contains("2 physical cores") })
  }

  @Test("the same kernel, target and constants give the same report")
  func determinism() throws {
    let k = try trace(Self.loopSource, [([1024, 2048], .float32)], target: .trn1)
    let a = try estimate(k, target: .trn1)
    let b = try estimate(k, target: .trn1)
    #expect(a.report == b.report)
    #expect(a.perfettoTrace() == b.perfettoTrace())
  }
}
