import TesselHost
import TesselIR
import TesselLang
import TesselMachine
import TesselTestSupport
import Testing

@testable import TesselInterpreter

private let header = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl


  @nki.jit

  """

/// Four generations of tiles (`x`, `y`, `z`, the difference) over row blocks of `a` and `b`, and
/// an accumulator carried across them; `loop` is a Python list (traced per block: straight-line
/// code, a new tile per block) or `nl.sequential_range(4)` (one IR loop).
private func chainSource(_ loop: String, partitions p: Int, free f: Int) -> String {
  header + """
    def chain(a, b):
        out = nl.ndarray((\(4 * p), \(f)), dtype=a.dtype, buffer=nl.shared_hbm)
        total = nl.ndarray((\(p), \(f)), dtype=a.dtype, buffer=nl.shared_hbm)
        acc = nl.zeros((\(p), \(f)), dtype=nl.float32, buffer=nl.sbuf)
        i_p = nl.arange(\(p))[:, None]
        i_f = nl.arange(\(f))[None, :]
        for i in \(loop):
            x = nl.load(a[i * \(p) + i_p, i_f])
            y = nl.load(b[i * \(p) + i_p, i_f])
            z = nl.multiply(x, y)
            acc[i_p, i_f] = nl.add(acc, z)
            nl.store(out[i * \(p) + i_p, i_f], value=nl.subtract(z, x))
        nl.store(total, value=acc)
        return out, total
    """
}

/// Traces `source` and returns the kernel with host arrays for `args`.
private func traced(_ source: String, _ args: [HostArray]) throws -> Kernel {
  try NKIFile(source: source, file: "reuse.py")
    .trace(kernel: nil, arguments: args.map { .tensor(shape: $0.shape, dtype: .float32) }, keywords: [:], grid: [])
    .kernel
}

/// Serial, parallel and origin-tracking options, with tile memory shared or not.
private func modes(sharing: Bool) -> [(String, RunOptions)] {
  var serial = RunOptions()
  serial.parallel = false
  var tracked = RunOptions()
  tracked.trackUninitializedOrigins = true
  return [("serial", serial), ("parallel", RunOptions()), ("tracked", tracked)].map { name, o in
    var o = o
    o.reusesTileMemory = sharing
    return ("\(name), sharing \(sharing)", o)
  }
}

/// Checks that no two on-chip tensors whose live intervals overlap share an arena element.
private func expectDisjointWhileLive(_ interpreter: Interpreter, _ what: String) {
  let k = interpreter.kernel
  let live = Allocator(target: interpreter.options.target).liveIntervals(k)
  let tiles = k.tensors.indices.filter { interpreter.onChip[$0] && k.tensors[$0].alias == nil }
  for a in tiles {
    for b in tiles where b > a {
      guard let la = live[TensorID(a)], let lb = live[TensorID(b)], la.overlaps(lb) else { continue }
      let ra = interpreter.tensorOffsets[a]..<(interpreter.tensorOffsets[a] + k.tensors[a].elementCount)
      let rb = interpreter.tensorOffsets[b]..<(interpreter.tensorOffsets[b] + k.tensors[b].elementCount)
      #expect(!ra.overlaps(rb), "\(what): `\(k.tensors[a].name)` and `\(k.tensors[b].name)` are live at once")
    }
  }
}

@Suite("On-chip tiles with disjoint lifetimes share simulated memory")
struct TileMemoryReuseTests {
  @Test(
    "a chain of tile generations matches plain loops whether or not tiles share memory",
    arguments: ["[0, 1, 2, 3]", "nl.sequential_range(4)"], [(1, 33), (7, 5), (128, 33)])
  func chain(loop: String, shape: (Int, Int)) throws {
    let (p, f) = shape
    let av = randomArray(count: 4 * p * f, seed: 71)
    let bv = randomArray(count: 4 * p * f, seed: 72)
    let args = [
      try HostArray(shape: [4 * p, f], dtype: .float32, values: av),
      try HostArray(shape: [4 * p, f], dtype: .float32, values: bv),
    ]
    // Plain loops: out = x*y - x per element, total = the sum over the four blocks in order.
    let out = (0..<(4 * p * f)).map { av[$0] * bv[$0] - av[$0] }
    var total = [Float](repeating: 0, count: p * f)
    for i in 0..<4 { for e in 0..<(p * f) { total[e] += av[i * p * f + e] * bv[i * p * f + e] } }
    let kernel = try traced(chainSource(loop, partitions: p, free: f), args)
    for (mode, options) in modes(sharing: true) + modes(sharing: false) {
      let interpreter = try Interpreter(kernel: kernel, options: options)
      expectDisjointWhileLive(interpreter, mode)
      let r = try interpreter.run(hostArrays: args)
      #expect(r.outputs[0].floatValues() == out, "\(mode)")
      #expect(r.outputs[1].floatValues() == total, "\(mode)")
      #expect(r.report.warnings.isEmpty, "\(mode)")
    }
    // Straight-line generations reuse each other's memory.
    if loop.hasPrefix("[") {
      let shared = try Interpreter(kernel: kernel)
      let separate = try Interpreter(
        kernel: kernel,
        options: {
          var o = RunOptions()
          o.reusesTileMemory = false
          return o
        }())
      #expect(shared.sharesTileMemory && !separate.sharesTileMemory)
      #expect(shared.onChipCount * 2 < separate.onChipCount)
    }
  }

  @Test("a tile that takes over another's memory and is read before written reads never-written memory")
  func staleThroughSharedMemory() throws {
    let source =
      header + """
        def stale(a):
            t = nl.load(a)
            first = nl.ndarray((128, 8), dtype=a.dtype, buffer=nl.shared_hbm)
            nl.store(first, value=t)
            i_p, i_f = nl.mgrid[0:128, 0:8]
            second = nl.ndarray((128, 8), dtype=a.dtype, buffer=nl.shared_hbm)
            u = nl.ndarray((128, 8), dtype=a.dtype, buffer=nl.sbuf)
            u[i_p, i_f] = nl.load(a[i_p, i_f], mask=(i_p < 64))
            nl.store(second, value=u)
            return first, second
        """
    let values = randomArray(count: 128 * 8, seed: 73)
    let args = [try HostArray(shape: [128, 8], dtype: .float32, values: values)]
    let kernel = try traced(source, args)
    let names = kernel.tensors.map(\.name)
    let (t, u) = (try #require(names.firstIndex(of: "t")), try #require(names.firstIndex(of: "u")))
    for (mode, options) in modes(sharing: true) {
      let interpreter = try Interpreter(kernel: kernel, options: options)
      // `u` lies where `t` was: without fresh memory it would read `t`'s rows.
      #expect(interpreter.tensorOffsets[t] == interpreter.tensorOffsets[u], "\(mode)")
      let r = try interpreter.run(hostArrays: args)
      #expect(r.outputs[0].floatValues() == values, "\(mode)")
      let second = r.outputs[1].floatValues()
      // Rows 0..<64 were loaded; rows 64..<128 were never written, whatever `t` left there.
      #expect(second[..<(64 * 8)] == values[..<(64 * 8)], "\(mode)")
      let stale = second[(64 * 8)...].filter { !$0.isNaN }
      #expect(stale.isEmpty, "\(mode): never-written rows must be NaN, not \(stale.prefix(4))")
      #expect(
        r.report.warnings.map(\.message).contains { $0.contains("of `u`") && $0.contains("never written") }, "\(mode)")
    }
  }

  @Test(
    "a parallel loop's workers start with the tiles it reads, not those dead at the loop",
    arguments: [(1, 33), (7, 5), (128, 33)])
  func parallelLoopInputs(shape: (Int, Int)) throws {
    let (p, f) = shape
    let source =
      header + """
        def split(a, b):
            out = nl.ndarray((\(4 * p), \(f)), dtype=a.dtype, buffer=nl.shared_hbm)
            first = nl.ndarray((\(p), \(f)), dtype=a.dtype, buffer=nl.shared_hbm)
            dead = nl.load(a[0:\(p), 0:\(f)])
            nl.store(first, value=nl.multiply(dead, 2.0))
            w = nl.load(b)
            i_p = nl.arange(\(p))[:, None]
            i_f = nl.arange(\(f))[None, :]
            for i in nl.affine_range(4):
                x = nl.load(a[i * \(p) + i_p, i_f])
                nl.store(out[i * \(p) + i_p, i_f], value=nl.add(x, w))
            return out, first
        """
    let av = randomArray(count: 4 * p * f, seed: 74)
    let bv = randomArray(count: p * f, seed: 75)
    let args = [
      try HostArray(shape: [4 * p, f], dtype: .float32, values: av),
      try HostArray(shape: [p, f], dtype: .float32, values: bv),
    ]
    let out = (0..<(4 * p * f)).map { av[$0] + bv[$0 % (p * f)] }
    let first = (0..<(p * f)).map { av[$0] * 2 }
    let kernel = try traced(source, args)
    let names = kernel.tensors.map(\.name)
    let (dead, w) = (try #require(names.firstIndex(of: "dead")), try #require(names.firstIndex(of: "w")))
    for (mode, options) in modes(sharing: true) + modes(sharing: false) {
      let interpreter = try Interpreter(kernel: kernel, options: options)
      if options.parallel && !options.trackUninitializedOrigins && interpreter.workerCount > 1 {
        let plan = try #require(interpreter.parallelLoops.values.first, "\(mode)")
        #expect(plan.inputs.contains(w) && !plan.inputs.contains(dead), "\(mode): \(plan.inputs)")
      }
      let r = try interpreter.run(hostArrays: args)
      #expect(r.outputs[0].floatValues() == out, "\(mode)")
      #expect(r.outputs[1].floatValues() == first, "\(mode)")
      #expect(r.report.warnings.isEmpty, "\(mode)")
    }
  }
}
