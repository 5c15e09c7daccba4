import ArgumentParser
import Foundation
import Tessel
import TesselTools

/// `tessel run`: trace an NKI kernel file and run it.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Trace an NKI kernel file and run it on .npy inputs (or seeded random ones).",
    discussion: """
      Arguments bind to the kernel's parameters in order, or by name (NAME=ARG): a .npy file (FILE.npy, or \
      FILE.npy:DTYPE to read raw data as DTYPE), a shape with a dtype (128x512:float32) filled with seeded \
      random values when --seed is given, or a Python expression for a compile-time parameter, evaluated in \
      the kernel's module after its code has run (2, 0.5, True, [0, 1], "'exp'", FlashConfig(training=True)).

      Examples:
        tessel run kernels/softmax.py x.npy -o y.npy
        tessel run kernels/softmax.py 300x512:float32 --seed 1 --expect ref.npy
        tessel run kernels/tensor_add_spmd.py --grid 2,2 a.npy b.npy c.npy -o c_output=c.npy
      """)
  @OptionGroup var options: KernelOptions
  @Option(
    name: .shortAndLong,
    help: "Write a returned tensor (in order) to PATH, or a parameter's final contents with PARAM=PATH.")
  var output: [String] = []
  @Option(
    help:
      "Fill SHAPE:DTYPE arguments with seeded random values (floats uniform in [-1, 1) rounded to the dtype, integers in [-8, 8))."
  )
  var seed: UInt64?
  @Option(help: "With --seed: write the generated inputs to DIR/<parameter>.npy.")
  var saveInputs: String?
  @Option(
    help:
      "Compare an output with a reference .npy ([OUT=]REF.npy; OUT: a returned tensor's position or name, or a parameter); exit 1 on mismatch."
  )
  var expect: [String] = []
  @Option(help: "Relative tolerance of --expect (numpy.allclose's rule).") var rtol: Float = 1e-5
  @Option(help: "Absolute tolerance of --expect.") var atol: Float = 1e-8
  @OptionGroup var warningOptions: WarningOptions
  @Option(help: "Run the traced kernel N times and print timing on stderr.") var `repeat`: Int = 1
  @Flag(help: "Print a JSON report on stdout.") var json = false
  @Flag(
    help:
      "Also run with every float tensor stored as fp32 and report, per output, the largest difference (precision loss vs. an algorithm bug)."
  )
  var fp32 = false
  @OptionGroup var limits: LimitOptions
  @OptionGroup var estimateOptions: EstimateOptions
  @OptionGroup var compareOptions: CompareOptions
  @Flag(
    inversion: .prefixedNo,
    help:
      "Track which output elements derive from reads of never-written memory, and from which read. By default a run that reads never-written memory runs once more with tracking (serial, slower) to report them; --origins tracks from the first run, --no-origins never does."
  )
  var origins: Bool?

  func run() throws {
    if `repeat` < 1 { failUsage("--repeat must be at least 1") }
    if !(rtol >= 0 && rtol.isFinite && atol >= 0 && atol.isFinite) {
      failUsage("--rtol and --atol must be finite and not negative")
    }
    if saveInputs != nil && seed == nil { failUsage("--save-inputs needs --seed (it saves the generated inputs)") }
    if let dir = saveInputs, let problem = OutputPath.problem(directory: dir) {
      failUsage("--save-inputs \(dir): \(problem)")
    }
    let t0 = Date()
    let prepared = options.prepare(requireData: true, seed: seed)
    let traceMs = Date().timeIntervalSince(t0) * 1000 - prepared.loadMilliseconds
    let kernel = prepared.traced.kernel
    // The trace's warnings are printed before the run (they may explain its failure) and
    // counted with the run's below.
    if !prepared.traced.warnings.isEmpty {
      let lines = prepared.source.split(separator: "\n", omittingEmptySubsequences: false)
      let renderer = DiagnosticRenderer { name in name == options.file ? lines : nil }
      warningOptions.emit(prepared.traced.warnings, renderer: renderer)
    }
    var arrays: [HostArray] = []
    for (i, d) in prepared.data.enumerated() {
      guard let d else { failUsage("no data for kernel parameter '\(kernel.parameters[i].name)'") }
      arrays.append(d)
    }
    // Check -o targets before running.
    var outputs: [(name: String?, path: String)] = []
    for o in output {
      if let eq = o.firstIndex(of: "="), !o[..<eq].contains("/") {
        let name = String(o[..<eq])
        guard kernel.parameters.contains(where: { $0.name == name }) else {
          failUsage(
            "-o \(o): the kernel has no parameter '\(name)' (parameters: \(kernel.parameters.map(\.name).joined(separator: ", ")))"
          )
        }
        outputs.append((name, String(o[o.index(after: eq)...])))
      } else {
        outputs.append((nil, o))
      }
    }
    for o in outputs {
      if let problem = OutputPath.problem(file: o.path) { failUsage("cannot write -o \(o.path): \(problem)") }
    }
    var references: [(selection: OutputExpectation.Selection, label: String, path: String, values: [Float])] = []
    for e in expect {
      let x = OutputExpectation(e)
      do {
        let r = try x.reference(for: kernel)
        references.append((r.selection, r.label, x.path, r.values))
      } catch { failUsage(error.message) }
    }
    if let dir = saveInputs, prepared.generated {
      for (p, a) in zip(kernel.parameters, arrays) {
        let path = (dir as NSString).appendingPathComponent("\(p.name).npy")
        do { try a.writeNPY(to: path) } catch { failUsage("\(error)") }
      }
    }
    let returned = outputs.filter { $0.name == nil }.count
    if returned > kernel.outputs.count {
      failUsage("\(returned) -o paths given but the kernel returns \(kernel.outputs.count) tensor(s)")
    }
    let source = prepared.source
    let target = options.invocation().target
    let runs = `repeat`
    let origins = self.origins
    let outcome = Result { () throws(KernelError) -> (HostRunResult, [Double], AllocationPlan) in
      var runOptions = limits.runOptions(target: target)
      runOptions.trackUninitializedOrigins = origins == true
      let interpreter = try Interpreter(kernel: kernel, options: runOptions)
      var last: HostRunResult?
      var times: [Double] = []
      for _ in 0..<runs {
        // The previous run's results go first, so that this run can reuse their memory.
        last = nil
        let s = Date()
        last = try interpreter.run(hostArrays: arrays)
        times.append(Date().timeIntervalSince(s) * 1000)
      }
      guard var last else { throw KernelError(.malformed("no run")) }
      if origins == nil && last.report.readsNeverWrittenMemory {
        // The same values, serially, with the shadow that says where the never-written data went.
        runOptions.trackUninitializedOrigins = true
        last = try Interpreter(kernel: kernel, options: runOptions).run(hostArrays: arrays)
      }
      return (last, times, interpreter.allocation)
    }
    let result: HostRunResult
    let times: [Double]
    let allocation: AllocationPlan
    switch outcome {
    case .success(let (r, t, a)):
      result = r
      times = t
      allocation = a
    case .failure(let e):
      failKernel(TraceError(.kernel(e), at: e.location).diagnostic, source: source, file: options.file)
    }
    if `repeat` > 1 {
      let sorted = times.sorted()
      let median = sorted[sorted.count / 2]
      let perRun = times.map { String(format: "%.3f", $0) }.joined(separator: ",")
      let line = String(
        format: "timing: trace_ms=%.3f run_ms_median=%.3f runs=%d load_ms=%.3f", traceMs, median, `repeat`,
        prepared.loadMilliseconds)
      FileHandle.standardError.write(Data((line + " run_ms=" + perRun + "\n").utf8))
    }
    if fp32 {
      // The same kernel with fp32 storage everywhere, on the same inputs.
      let wide = kernel.withFloat32Storage()
      let wideArrays = arrays.map { $0.dtype?.isFloatingPoint == true ? $0.converted(to: .float32) : $0 }
      do {
        let r = try Interpreter(kernel: wide, options: limits.runOptions(target: target)).run(hostArrays: wideArrays)
        for (i, o) in result.outputs.enumerated() {
          let (worst, index) = largestDifference(o, r.outputs[i])
          FileHandle.standardError.write(
            Data(
              "precision: output \(i) (`\(kernel[kernel.outputs[i]].name)`, \(kernel[kernel.outputs[i]].dtype)): max |real dtypes - fp32 storage| = \(worst) at \(index)\n"
                .utf8))
        }
      } catch {
        failKernel(TraceError(.kernel(error), at: error.location).diagnostic, source: source, file: options.file)
      }
    }
    var k = 0
    for o in outputs {
      var arr: HostArray?
      if let name = o.name {
        arr = result.parameters[name]
      } else {
        arr = result.outputs[k]
        // A current-dialect kernel may return a reshaped view of its output tensor.
        if let a = arr, k < prepared.traced.outputShapes.count, let shape = prepared.traced.outputShapes[k] {
          arr = try? HostArray(shape: shape, elementType: a.elementType, bytes: a.bytes)
        }
        k += 1
      }
      guard let arr else { continue }
      do { try arr.writeNPY(to: o.path) } catch {
        let text = "\(error)"
        failUsage(text.contains(o.path) ? text : "cannot write \(o.path): \(text)")
      }
    }
    let renderer = DiagnosticRenderer { name in
      name == options.file ? source.split(separator: "\n", omittingEmptySubsequences: false) : nil
    }
    let strictFailure = warningOptions.report(
      result.report.warnings, renderer: renderer, printedBefore: prepared.traced.warnings)
    // Parameters the kernel writes into (output arguments), and whether -o saves them.
    let savedParameters = Set(outputs.compactMap(\.name))
    let written = Set(kernel.instructions.flatMap { $0.operation.destinations.map(\.tensor) })
    let writtenParameters = kernel.parameters.filter { written.contains($0.tensor) }.map(\.name)
    let compared = compareOptions.prepare(like: options.invocation(), requireData: true, seed: seed)
    let estimate =
      json || estimateOptions.requested || compared != nil
      ? estimateOptions.estimate(kernel, target: target, allocation: allocation, source: source, file: options.file)
      : nil
    let comparison = compared.flatMap { c in estimate.map { compareRun(c, result, $0, target: target) } }
    if !json { for p in result.report.devicePrints { print(p.text, terminator: "") } }
    if json {
      print(
        RunReportJSON.render(
          result, kernel: kernel, traceWarnings: prepared.traced.warnings, estimate: estimate?.report,
          comparison: comparison?.json))
    } else if outputs.isEmpty && references.isEmpty && compared == nil {
      for (i, o) in result.outputs.enumerated() { print("output \(i) (\(kernel[kernel.outputs[i]].name)):\n\(o)") }
      for name in writtenParameters {
        if let a = result.parameters[name] { print("parameter \(name) (written by the kernel):\n\(a)") }
      }
    }
    if let comparison, !json { print(comparison.text, terminator: "") }
    for name in writtenParameters where !savedParameters.contains(name) && !json {
      printDiagnostic(
        Diagnostic(.note, "the kernel writes its result into parameter `\(name)`; -o \(name)=PATH saves it"))
    }
    var mismatch = false
    for r in references {
      guard
        let report = OutputExpectation.compare(
          r.selection, in: result, kernel: kernel, expected: r.values, rtol: rtol, atol: atol)
      else { continue }
      if report.passed {
        FileHandle.standardError.write(
          Data(
            "expect: \(r.label) matches \(r.path) (largest |actual - expected| \(report.maxAbsoluteError); rtol \(rtol), atol \(atol))\n"
              .utf8))
      } else {
        mismatch = true
        printDiagnostic(Diagnostic(.error, "\(r.label) does not match \(r.path): \(report)"))
      }
    }
    if let estimate { estimateOptions.emit(estimate, printSummary: !json && compared == nil) }
    if strictFailure || mismatch { throw ExitCode(1) }
  }

  /// Runs the --compare kernel on its data and compares its outputs and estimate with this run's.
  func compareRun(_ other: PreparedRun, _ result: HostRunResult, _ estimate: TimingEstimate, target: Target)
    -> KernelComparison
  {
    let k = other.traced.kernel
    var arrays: [HostArray] = []
    for (i, d) in other.data.enumerated() {
      guard let d else { failUsage("--compare: no data for kernel parameter '\(k.parameters[i].name)'") }
      arrays.append(d)
    }
    let file = compareOptions.compare ?? ""
    let r: HostRunResult
    do {
      r = try Interpreter(kernel: k, options: limits.runOptions(target: target)).run(hostArrays: arrays)
    } catch {
      failKernel(TraceError(.kernel(error), at: error.location).diagnostic, source: other.source, file: file)
    }
    let theirs = estimateOptions.estimate(k, target: target, source: other.source, file: file)
    return compareOptions.comparison(estimate, file: options.file, theirs, outputs: (result.outputs, r.outputs))
  }
}
