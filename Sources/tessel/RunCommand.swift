import ArgumentParser
import Foundation
import Tessel
import TesselTools

/// `tessel run`: trace an NKI kernel file and run it.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Trace an NKI kernel file and run it on .npy inputs.")
  @OptionGroup var options: KernelOptions
  @Option(
    name: .shortAndLong,
    help: "Write a returned tensor (in order) to PATH, or a parameter's final contents with PARAM=PATH.")
  var output: [String] = []
  @Option(help: "Run the traced kernel N times and print timing on stderr.") var `repeat`: Int = 1
  @Flag(help: "Print a JSON report on stdout.") var json = false
  @Flag(
    help:
      "Also run with every float tensor stored as fp32 and report, per output, the largest difference (precision loss vs. an algorithm bug)."
  )
  var fp32 = false
  @OptionGroup var limits: LimitOptions
  @OptionGroup var estimateOptions: EstimateOptions
  @Flag(
    inversion: .prefixedNo,
    help:
      "Track which output elements derive from reads of never-written memory, and from which read. By default a run that reads never-written memory runs once more with tracking (serial, slower) to report them; --origins tracks from the first run, --no-origins never does."
  )
  var origins: Bool?

  func run() throws {
    if `repeat` < 1 { failUsage("--repeat must be at least 1") }
    let t0 = Date()
    let prepared = options.prepare(requireData: true)
    let traceMs = Date().timeIntervalSince(t0) * 1000 - prepared.loadMilliseconds
    let kernel = prepared.traced.kernel
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
    let returned = outputs.filter { $0.name == nil }.count
    if returned > kernel.outputs.count {
      failUsage("\(returned) -o paths given but the kernel returns \(kernel.outputs.count) tensor(s)")
    }
    let source = prepared.source
    let target = options.invocation().target
    let runs = `repeat`
    let origins = self.origins
    let outcome = Result { () throws(KernelError) -> (HostRunResult, [Double]) in
      var runOptions = limits.runOptions(target: target)
      runOptions.trackUninitializedOrigins = origins == true
      let interpreter = try Interpreter(kernel: kernel, options: runOptions)
      var last: HostRunResult?
      var times: [Double] = []
      for _ in 0..<runs {
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
      return (last, times)
    }
    let result: HostRunResult
    let times: [Double]
    switch outcome {
    case .success(let (r, t)):
      result = r
      times = t
    case .failure(let e):
      failKernel(TraceError(.kernel(e), at: e.location).diagnostic, source: source, file: options.file)
    }
    if `repeat` > 1 {
      let sorted = times.sorted()
      let median = sorted[sorted.count / 2]
      FileHandle.standardError.write(
        Data(String(
          format: "timing: trace_ms=%.3f run_ms_median=%.3f runs=%d load_ms=%.3f\n", traceMs, median, `repeat`,
          prepared.loadMilliseconds).utf8))
    }
    if fp32 {
      // The same kernel with fp32 storage everywhere, on the same inputs.
      let wide = kernel.withFloat32Storage()
      let wideArrays = arrays.map { $0.dtype?.isFloatingPoint == true ? $0.converted(to: .float32) : $0 }
      do {
        let r = try Interpreter(kernel: wide, options: limits.runOptions(target: target)).run(hostArrays: wideArrays)
        for (i, o) in result.outputs.enumerated() {
          let a = o.floatValues()
          let b = r.outputs[i].floatValues()
          var worst: Float = 0
          var at = 0
          for j in a.indices where abs(a[j] - b[j]) > worst || (a[j].isNaN != b[j].isNaN) {
            worst = a[j].isNaN != b[j].isNaN ? .infinity : abs(a[j] - b[j])
            at = j
          }
          var index: [Int] = []
          var rest = at
          for d in o.shape.reversed() {
            index.insert(rest % max(d, 1), at: 0)
            rest /= max(d, 1)
          }
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
      let arr: HostArray?
      if let name = o.name {
        arr = result.parameters[name]
      } else {
        arr = result.outputs[k]
        k += 1
      }
      guard let arr else { continue }
      do { try arr.writeNPY(to: o.path) } catch { failUsage("cannot write \(o.path): \(error)") }
    }
    let renderer = DiagnosticRenderer { name in
      name == options.file ? source.split(separator: "\n", omittingEmptySubsequences: false) : nil
    }
    for w in result.report.warnings { FileHandle.standardError.write(Data(renderer.render(w).utf8)) }
    let estimate =
      json || estimateOptions.requested
      ? estimateOptions.estimate(kernel, target: target, source: source, file: options.file) : nil
    if json {
      print(RunReportJSON.render(result, kernel: kernel, estimate: estimate?.report))
    } else if outputs.isEmpty {
      for (i, o) in result.outputs.enumerated() { print("output \(i) (\(kernel[kernel.outputs[i]].name)):\n\(o)") }
    }
    if let estimate { estimateOptions.emit(estimate, printSummary: !json) }
  }
}
