import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselMachine
import Testing

/// The programs of a launch traced one by one into one kernel (two cores, or SPMD programs that
/// meet at `nl.all_reduce`) each run on a NeuronCore of their own: each has the whole SBUF, so
/// two programs whose tiles together exceed one SBUF run, while one program that exceeds it is
/// still the capacity error.
@Suite("each program of a launch has its own SBUF")
struct ProgramCapacityTests {
  /// Every program holds a `[P, cols]` float32 tile of ones (120,000 bytes per partition for
  /// 30,000 columns: more than half of SBUF) across the programs' meeting.
  static func legacy(cols: Int, twice: Bool = false) -> String {
    """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl
    import numpy as np


    @nki.jit
    def k(x):
        G, P, F = x.shape
        out = nl.ndarray((G, P, F), dtype=x.dtype, buffer=nl.shared_hbm)
        a = nl.program_id(axis=0)
        big = nl.ndarray((P, \(cols)), dtype=nl.float32, buffer=nl.sbuf)
        big[...] = 1.0
        \(twice ? "more = nl.ndarray((P, \(cols)), dtype=nl.float32, buffer=nl.sbuf)\n    more[...] = 2.0" : "more = big")
        t = nl.load(x[a])
        r = nl.all_reduce(t, op=np.add, program_axes=[0], dtype=nl.float32)
        s = nl.add(nl.add(r, big[:, 0:F]), more[:, 0:F])
        nl.store(out[a], value=s)
        return out
    """
  }

  static func run(_ source: String, _ x: HostArray, grid: [Int]) throws -> (Kernel, HostRunResult) {
    let traced = try NKIFile(source: source, file: "cap.py").trace(
      arguments: [.tensor(shape: x.shape, dtype: .float32)], grid: grid)
    return (traced.kernel, try Interpreter(kernel: traced.kernel).run(hostArrays: [x]))
  }

  @Test("two programs meeting at nl.all_reduce, each with a tile of more than half of SBUF", arguments: [1, 7, 128])
  func legacyAllReduce(p: Int) throws {
    let (g, f) = (2, 5)
    let xv = (0..<(g * p * f)).map { Float($0 % 23) * 0.25 - 2 }
    let (kernel, r) = try Self.run(
      Self.legacy(cols: 30_000), try HostArray(shape: [g, p, f], dtype: .float32, values: xv), grid: [g])
    var expected = [Float](repeating: 0, count: xv.count)
    for a in 0..<g {
      for e in 0..<(p * f) { expected[a * p * f + e] = (xv[e] + xv[p * f + e]) + 1 + 1 }
    }
    #expect(r.outputs[0].floatValues() == expected)
    let plan = try Allocator(target: .trn2).plan(kernel)
    #expect(plan.sbufHighWater >= 120_000 && plan.sbufHighWater <= Target.trn2.sbufBytesPerPartition)
  }

  @Test("one program needing two such tiles at once is still the capacity error")
  func oneProgramOverCapacity() throws {
    let x = try HostArray(shape: [2, 128, 5], dtype: .float32, values: (0..<1280).map(Float.init))
    #expect {
      _ = try Self.run(Self.legacy(cols: 30_000, twice: true), x, grid: [2])
    } throws: { error in
      "\(error)".contains("SBUF capacity exceeded")
    }
  }

  @Test("two cores (--lnc 2), each with a tile of more than half of SBUF across a core_barrier")
  func twoCores() throws {
    let src = """
      import nki
      import nki.language as nl
      import nki.isa as nisa


      @nki.jit
      def k(x):
          rows, cols = x.shape
          pid = nl.program_id(0)
          out = nl.ndarray((2, rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
          big = nl.ndarray((rows, 30000), dtype=nl.float32, buffer=nl.sbuf)
          nisa.memset(dst=big, value=float(pid + 1))
          nisa.core_barrier(data=out, cores=(0, 1))
          t = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.sbuf)
          nisa.dma_copy(dst=t, src=x)
          nisa.tensor_tensor(dst=t, data1=t, data2=big[:, 0:cols], op=nl.add)
          nisa.dma_copy(dst=out[pid], src=t)
          return out
      """
    let (rows, cols) = (128, 3)
    let xv = (0..<(rows * cols)).map { Float($0) * 0.5 }
    let (_, r) = try Self.run(src, try HostArray(shape: [rows, cols], dtype: .float32, values: xv), grid: [2])
    #expect(r.outputs[0].floatValues() == xv.map { $0 + 1 } + xv.map { $0 + 2 })
  }
}
