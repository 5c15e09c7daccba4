import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupportCore

/// `tessel bench`: the canonical kernels at real shapes, each against a baseline measured in the
/// same run (one direct `cblas_sgemm` for matmuls, one plain Swift pass over the arrays otherwise).
///
/// ```swift
/// let results = try BenchmarkSuite(kernelsDirectory: "kernels", quick: true).run()
/// print(BenchmarkSuite.table(results))
/// ```
public struct BenchmarkSuite: Sendable {
  /// Where the tutorial kernels are.
  public var kernelsDirectory: String
  /// Fewer repetitions and only the smaller shapes.
  public var quick: Bool
  /// Only cases whose name contains this string (nil: all).
  public var filter: String?
  /// Also time numpy on the same shapes (add, softmax, rmsnorm, layernorm) through `python3`.
  public var numpy: Bool = true
  /// The `tessel` executable, for the whole-process and bridge figures of ``UserPaths`` (nil:
  /// those are not measured).
  public var executable: String?
  /// An nki-samples checkout's `reference` folder: adds AWS's flash attention forward and
  /// backward (nil: not measured).
  public var samplesDirectory: String?

  /// Creates a benchmark run.
  public init(kernelsDirectory: String, quick: Bool = false, filter: String? = nil) {
    self.kernelsDirectory = kernelsDirectory
    self.quick = quick
    self.filter = filter
  }

  /// The kernels directory next to the package's sources, for runs outside the package root.
  public static var defaultKernelsDirectory: String {
    if FileManager.default.fileExists(atPath: "kernels/tensor_add.py") { return "kernels" }
    let here = URL(fileURLWithPath: #filePath)
    return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("kernels").path
  }

  /// One benchmark's figures.
  public struct Result: Sendable, Codable {
    /// The case name, such as `matmul_hoisted 1024^3`.
    public var name: String
    /// The kernel file.
    public var file: String
    /// Tracing (parse, trace, verify) time in ms.
    public var traceMs: Double
    /// Median run time in ms of `Interpreter.run(parameters:outputs:)` into fresh output arrays.
    public var runMs: Double
    /// Median serial run time (RunOptions.parallel = false) in ms, for the parallel cases.
    public var serialMs: Double?
    /// Median time of the same-run baseline in ms.
    public var baselineMs: Double?
    /// Median time of numpy on the same computation in ms (when python3 and numpy are present).
    public var numpyMs: Double?
    /// What the baseline is.
    public var baseline: String
    /// runMs / baselineMs.
    public var ratio: Double? { baselineMs.map { runMs / $0 } }
    /// GFLOP/s (matmul, attention) of the kernel.
    public var gflops: Double?
    /// GB/s over the HBM bytes read and written once (other kernels).
    public var gbps: Double?
    /// Instructions executed per run.
    public var instructions: Int
    /// Instructions per second.
    public var instructionsPerSecond: Double { Double(instructions) / (runMs / 1000) }
    /// Peak resident memory during this case (VmHWM after a reset), in MiB.
    public var peakRSSMiB: Double
    /// The issue's memory bound: 2 × HBM bytes + SBUF + PSUM + 64 MiB, in MiB.
    public var memoryBoundMiB: Double
    /// The largest difference between the kernel's result and the baseline's, relative to the
    /// baseline's largest magnitude when that exceeds 1: max |k − b| / max(1, max |b|).
    public var maxError: Double?
    /// Repetitions measured.
    public var runs: Int
    /// The same case through the paths users take.
    public var userPaths = UserPaths()
  }

  struct Case {
    var name: String
    var file: String
    var kernel: String? = nil
    var inputs: [[Int]]
    var literals: [String: PythonLiteral] = [:]
    /// The numpy expression timed against the kernel (x, y: the first inputs; w, b: vectors; a0,
    /// a1, ...: every input in order).
    var numpy: String? = nil
    var grid: [Int] = []
    var flops: Double? = nil
    var serialToo = false
    var baselineName: String
    /// Computes the baseline result from the inputs (nil: no baseline).
    var baseline: (([[Float]]) -> [Float])?
  }

  /// Runs every case and returns the figures.
  public func run(progress: (String) -> Void = { _ in }) throws -> [Result] {
    var results: [Result] = []
    for c in cases() where filter.map({ c.name.contains($0) }) ?? true {
      progress(c.name)
      results.append(try measure(c))
    }
    return results
  }

  func cases() -> [Case] {
    var cs: [Case] = []
    let small = [4096, 512]
    cs.append(
      Case(
        name: "add 4096x512", file: "tensor_add.py", inputs: [small, small], numpy: "x + y", baselineName: "Swift loop",
        baseline: { x in BenchmarkSuite.addBaseline(x[0], x[1]) }))
    // A small call, as a unit-test suite makes thousands of: per-call overhead shows here.
    cs.append(
      Case(
        name: "add 256x512 (per call)", file: "tensor_add.py", inputs: [[256, 512], [256, 512]], numpy: "x + y",
        baselineName: "Swift loop", baseline: { x in BenchmarkSuite.addBaseline(x[0], x[1]) }))
    // A 2-D grid: one program per [128, 512] tile; the kernel writes its result into `c_output`.
    let wide = [4096, 1024]
    cs.append(
      Case(
        name: "add_spmd 4096x1024 grid 32x2", file: "tensor_add_spmd.py", inputs: [wide, wide, wide], grid: [32, 2],
        serialToo: true, baselineName: "Swift loop", baseline: { x in BenchmarkSuite.addBaseline(x[0], x[1]) }))
    for n in quick ? [1024] : [1024, 2048] {
      for f in ["matmul_tiled", "matmul_hoisted", "matmul_optimized"] where !(f == "matmul_tiled" && n > 1024) {
        cs.append(
          Case(
            name: "\(f) \(n)^3", file: "\(f).py", inputs: [[n, n], [n, n]],
            flops: 2 * Double(n) * Double(n) * Double(n),
            serialToo: f == "matmul_tiled", baselineName: "cblas_sgemm",
            baseline: { x in BenchmarkSuite.matmulBaseline(x[0], x[1], n) }))
      }
    }
    for shape in quick ? [small] : [small, [16384, 1024]] {
      let s = "\(shape[0])x\(shape[1])"
      cs.append(
        Case(
          name: "softmax \(s)", file: "softmax.py", inputs: [shape],
          numpy: "(lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(x - x.max(axis=1, keepdims=True)))",
          baselineName: "Swift loop",
          baseline: { x in BenchmarkSuite.softmaxBaseline(x[0], cols: shape[1]) }))
      cs.append(
        Case(
          name: "rmsnorm \(s)", file: "rmsnorm.py", inputs: [shape, [shape[1]]],
          numpy: "x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-6) * w", baselineName: "Swift loop",
          baseline: { x in BenchmarkSuite.rmsnormBaseline(x[0], x[1], cols: shape[1], eps: 1e-6) }))
      cs.append(
        Case(
          name: "layernorm \(s)", file: "layernorm.py", inputs: [shape, [shape[1]], [shape[1]]],
          numpy: "(x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-5) * w + b",
          baselineName: "Swift loop",
          baseline: { x in BenchmarkSuite.layernormBaseline(x[0], x[1], x[2], cols: shape[1], eps: 1e-5) }))
    }
    for seq in quick ? [1024] : [1024, 4096] {
      let d = 128
      cs.append(
        Case(
          name: "attention seq \(seq) d \(d)", file: "attention.py", inputs: [[seq, d], [seq, d], [seq, d]],
          literals: ["softmax_scale": .float(1 / Double(d).squareRoot())],
          flops: 4 * Double(seq) * Double(seq) * Double(d), baselineName: "2x cblas_sgemm + Swift softmax",
          baseline: { x in
            BenchmarkSuite.attentionBaseline(x[0], x[1], x[2], seq: seq, d: d, scale: 1 / Float(d).squareRoot())
          }))
    }
    cs += productionCases()
    cs += sampleCases()
    let (b, ch, st, len) = (1, 256, 16, quick ? 1024 : 4096)
    cs.append(
      Case(
        name: "mamba b\(b) c\(ch) s\(st) t\(len)", file: "mamba.py",
        inputs: [[b, ch, len], [b, ch, len], [ch, st], [b, st, len], [b, st, len]], baselineName: "Swift loop",
        baseline: { x in BenchmarkSuite.mambaBaseline(x, batch: b, channels: ch, states: st, seq: len) }))
    cs.append(
      Case(
        name: "dispatch 25600 [1,8] tiles", file: "<dispatch>", inputs: [[1, 25600 * 8]], baselineName: "Swift loop",
        baseline: { x in x[0].map { $0 * 2 + 1 } }))
    cs.append(
      Case(
        name: "dispatch current 25600 [1,8] tiles", file: "<dispatch current>", inputs: [[1, 25600 * 8]],
        baselineName: "Swift loop", baseline: { x in x[0].map { $0 * 2 + 1 } }))
    return cs
  }

  /// The dispatch microbenchmark: tiny [1, 8] tiles, four instructions each (102,400 in all).
  static let dispatchSource = """
    from neuronxcc import nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def dispatch_kernel(x):
        rows, cols = x.shape
        out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
        i_p, i_f = nl.mgrid[0:1, 0:8]
        for t in nl.affine_range(cols // 8):
            tile = nl.load(x[i_p, t * 8 + i_f])
            y = nl.multiply(tile, 2.0)
            z = nl.add(y, 1.0)
            nl.store(out[i_p, t * 8 + i_f], value=z)
        return out

    """

  /// The dispatch microbenchmark in the current dialect: the same four instructions per tile,
  /// with destination passing (the trace runs the loop body once per tile and rolls it into one
  /// loop).
  static let dispatchCurrentSource = """
    import nki
    import nki.isa as nisa
    import nki.language as nl

    @nki.jit
    def dispatch_kernel(x):
        rows, cols = x.shape
        out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
        for t in nl.affine_range(cols // 8):
            tile = nl.ndarray((1, 8), dtype=x.dtype, buffer=nl.sbuf)
            nisa.dma_copy(dst=tile, src=x[0:1, t * 8 : t * 8 + 8])
            y = nl.ndarray((1, 8), dtype=x.dtype, buffer=nl.sbuf)
            nisa.tensor_scalar(dst=y, data=tile, op0=nl.multiply, operand0=2.0)
            z = nl.ndarray((1, 8), dtype=x.dtype, buffer=nl.sbuf)
            nisa.tensor_scalar(dst=z, data=y, op0=nl.add, operand0=1.0)
            nisa.dma_copy(dst=out[0:1, t * 8 : t * 8 + 8], src=z)
        return out

    """

  func measure(_ c: Case) throws -> Result {
    let runs = quick ? 3 : 7
    // Seeded inputs in [-1, 1), one stream for all of a case's inputs.
    var rng = SeededGenerator(seed: 0x7E55E1)
    let inputs: [[Float]] = c.inputs.map { shape in
      (0..<shape.reduce(1, *)).map { _ in 2 * rng.nextUnitFloat() - 1 }
    }
    let t0 = Date()
    let file: NKIFile
    if c.file == "<dispatch>" {
      file = try NKIFile(source: BenchmarkSuite.dispatchSource, file: "<dispatch>")
    } else if c.file == "<dispatch current>" {
      file = try NKIFile(source: BenchmarkSuite.dispatchCurrentSource, file: "<dispatch current>")
    } else {
      file = try NKIFile.load(path: kernelPath(c))
    }
    let traced = try file.trace(
      kernel: c.kernel, arguments: c.inputs.map { .tensor(shape: $0, dtype: .float32) },
      keywords: c.literals.mapValues { .literal($0) }, grid: c.grid)
    let traceMs = Date().timeIntervalSince(t0) * 1000
    // Let OpenBLAS's threads from the previous baseline go back to sleep (they spin for a while).
    Thread.sleep(forTimeInterval: 0.3)
    // The previous case's simulated memory, kept for later runs, must not count towards this one.
    Interpreter.releaseCachedMemory()
    resetPeakRSS()
    let options = RunOptions()
    let interpreter = try Interpreter(kernel: traced.kernel, options: options)
    // The kernel runs in place (`run(parameters:outputs:)`): it reads the inputs where they are
    // and writes fresh output arrays, as the baseline does.
    let k = traced.kernel
    let params = inputs.map { values in
      let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
      _ = p.initialize(from: values)
      return p
    }
    defer { for p in params { p.deallocate() } }
    var outputs: [UnsafeMutableBufferPointer<Float>] = []
    func freeOutputs() {
      for o in outputs { o.deallocate() }
      outputs = []
    }
    defer { freeOutputs() }
    func runKernel(_ i: Interpreter) throws -> RunReport {
      outputs = k.outputs.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: k[$0].elementCount) }
      return try i.run(parameters: params, outputs: outputs)
    }
    func time(_ body: () throws -> Void) rethrows -> Double {
      let s = DispatchTime.now().uptimeNanoseconds
      try body()
      return Double(DispatchTime.now().uptimeNanoseconds - s) / 1e6
    }
    // Warm up (the second run reuses the first one's memory), then read the peak RSS.
    var report = try runKernel(interpreter)
    freeOutputs()
    report = try runKernel(interpreter)
    let peak = peakRSSMiB()
    var serialInterpreter: Interpreter?
    if c.serialToo || ProcessInfo.processInfo.environment["TESSEL_BENCH_SERIAL"] != nil {
      var o = options
      o.parallel = false
      let si = try Interpreter(kernel: traced.kernel, options: o)
      freeOutputs()
      _ = try runKernel(si)
      serialInterpreter = si
    }
    var out: [Float] = c.baseline?(inputs) ?? []
    // The host-array path on arrays made once, as `tessel run` and the test helpers hold them.
    var hostArrays: [HostArray] = []
    for (shape, values) in zip(c.inputs, inputs) {
      hostArrays.append(try HostArray(shape: shape, dtype: .float32, values: values))
    }
    _ = try interpreter.run(hostArrays: hostArrays)
    // Interleave the kernel, its serial run, its host-array run and the baseline, so that all see
    // the same load.
    var times: [Double] = []
    var serialTimes: [Double] = []
    var baselineTimes: [Double] = []
    var hostTimes: [Double] = []
    // OpenBLAS's threads spin for a while after a multithreaded call; let them sleep before
    // timing the next run.
    let blasPause = c.flops != nil ? 0.12 : 0
    for _ in 0..<runs {
      if let si = serialInterpreter {
        freeOutputs()
        serialTimes.append(try time { _ = try runKernel(si) })
        Thread.sleep(forTimeInterval: blasPause)
      }
      freeOutputs()
      times.append(try time { report = try runKernel(interpreter) })
      hostTimes.append(try time { _ = try interpreter.run(hostArrays: hostArrays) })
      if let b = c.baseline {
        out = []
        baselineTimes.append(time { out = b(inputs) })
        Thread.sleep(forTimeInterval: blasPause)
      }
    }
    func median(_ t: [Double]) -> Double? { t.isEmpty ? nil : t.sorted()[t.count / 2] }
    let runMs = median(times) ?? 0
    let serialMs = median(serialTimes)
    let baselineMs = median(baselineTimes)
    var err: Double?
    // The returned tensor, or for kernels that return nothing (they write an output argument)
    // the last parameter.
    let got = outputs.first.map { Array($0) } ?? (k.outputs.isEmpty ? params.last.map { Array($0) } ?? [] : [])
    if c.baseline != nil && got.count == out.count {
      var m = 0.0
      var scale = 1.0
      for i in got.indices {
        let g = got[i]
        let b = out[i]
        if g == b || (g.isNaN && b.isNaN) { continue }
        // A NaN or infinity on one side only is an infinite error.
        if !g.isFinite || !b.isFinite {
          m = .infinity
          continue
        }
        m = Swift.max(m, Double(abs(g - b)))
        scale = Swift.max(scale, Double(abs(b)))
      }
      for b in out where b.isFinite { scale = Swift.max(scale, Double(abs(b))) }
      err = m / scale
    }
    var numpyMs: Double?
    if numpy, let expr = c.numpy { numpyMs = BenchmarkSuite.timeNumpy(expr, shapes: c.inputs, runs: runs) }
    let hbmBytes = k.tensors.filter { $0.space != .sbuf && $0.space != .psum }.map { $0.elementCount * 4 }.reduce(0, +)
    let target = options.target
    let onChip = target.sbufBytesPerPartition * 128 + target.psumBytesPerPartition * 128
    let bound = Double(2 * hbmBytes + onChip + (64 << 20)) / 1048576
    let gbps = c.flops == nil ? Double(hbmBytes) / (runMs / 1000) / 1e9 : nil
    var paths = measureProcesses(c, inputs: inputs, runs: runs)
    paths.hostMs = median(hostTimes)
    return Result(
      name: c.name, file: c.file, traceMs: traceMs, runMs: runMs, serialMs: serialMs, baselineMs: baselineMs,
      numpyMs: numpyMs,
      baseline: c.baseline == nil ? "-" : c.baselineName, gflops: c.flops.map { $0 / (runMs / 1000) / 1e9 }, gbps: gbps,
      instructions: report.instructionsExecuted, peakRSSMiB: peak, memoryBoundMiB: bound, maxError: err,
      runs: runs, userPaths: paths)
  }

  // MARK: - Reporting

  /// A human-readable table.
  public static func table(_ results: [Result]) -> String {
    let blas = HostBLAS.configuration
    var lines = [
      "OpenBLAS core \(blas.core), \(blas.threads) threads; \(ProcessInfo.processInfo.activeProcessorCount) cores; medians in ms"
    ]
    func f(_ x: Double?, _ d: Int = 2) -> String { TextTable.number(x, d) }
    let header = [
      "case", "trace", "run", "serial", "baseline", "ratio", "numpy", "GFLOP/s", "GB/s", "Minstr/s", "peakMiB",
      "boundMiB", "maxerr",
    ]
    var rows = [header]
    for r in results {
      rows.append([
        r.name, f(r.traceMs, 1), f(r.runMs), f(r.serialMs), r.baselineMs.map { f($0) + " (\(r.baseline))" } ?? "-",
        f(r.ratio), f(r.numpyMs), f(r.gflops, 1), f(r.gbps, 1), f(r.instructionsPerSecond / 1e6, 2), f(r.peakRSSMiB, 0),
        f(r.memoryBoundMiB, 0), r.maxError.map { String(format: "%.1e", $0) } ?? "-",
      ])
    }
    lines.append(TextTable.render(rows))
    return lines.joined(separator: "\n")
  }

  /// JSON for machines.
  public static func json(_ results: [Result]) -> String {
    struct Doc: Codable {
      var openblasCore: String
      var openblasThreads: Int
      var cores: Int
      var results: [Row]
    }
    struct Row: Codable {
      var result: Result
      var ratio: Double?
      var instructionsPerSecond: Double
    }
    let blas = HostBLAS.configuration
    let doc = Doc(
      openblasCore: blas.core, openblasThreads: blas.threads, cores: ProcessInfo.processInfo.activeProcessorCount,
      results: results.map { Row(result: $0, ratio: $0.ratio, instructionsPerSecond: $0.instructionsPerSecond) })
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    return (try? e.encode(doc)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
  }
}

extension BenchmarkSuite {
  /// The median time of a numpy expression over fp32 inputs of the first shape (x, y), vectors of
  /// its last dimension (w, b) and inputs of every shape in order (a0, a1, ...), or nil when
  /// python3 or numpy is missing.
  static func timeNumpy(_ expr: String, shapes: [[Int]], runs: Int) -> Double? {
    let shape = shapes.first ?? [1]
    let inputs = shapes.enumerated().map { "a\($0.offset) = r.standard_normal(\($0.element), dtype=np.float32)" }
    let script = """
      import time, numpy as np
      r = np.random.default_rng(0)
      \(inputs.joined(separator: "; "))
      x = r.standard_normal(\(shape), dtype=np.float32); y = r.standard_normal(\(shape), dtype=np.float32)
      w = r.standard_normal(\(shape.last ?? 1), dtype=np.float32); b = r.standard_normal(\(shape.last ?? 1), dtype=np.float32)
      f = lambda: \(expr)
      f(); ts = []
      for _ in range(\(runs)):
          t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1e3)
      print(sorted(ts)[len(ts) // 2])
      """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return nil }
    return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
  }
}

// MARK: - Memory

/// Resets the process's peak RSS (Linux: `5` to /proc/self/clear_refs).
func resetPeakRSS() {
  #if os(Linux)
  let fd = open("/proc/self/clear_refs", O_WRONLY)
  if fd >= 0 {
    _ = write(fd, "5", 1)
    close(fd)
  }
  #endif
}

/// The process's peak RSS in MiB (VmHWM from /proc/self/status).
func peakRSSMiB() -> Double {
  guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
    return kb / 1024
  }
  return 0
}
