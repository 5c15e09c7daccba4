import ArgumentParser
import Foundation
import Tessel
import TesselRepl

/// The `tessel` command.
@main
struct TesselCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tessel",
    abstract: "Run, check and explore NKI tile kernels on a simulated NeuronCore.",
    subcommands: [Run.self, Check.self, IR.self, Repl.self, Demo.self, Targets.self, Inspect.self, Bench.self])

  /// Parses and runs a command; a command line that does not parse or validate exits with
  /// status 2, like every other usage error (ArgumentParser's own default is 64).
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      if exitCode(for: error) == .validationFailure {
        FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
        Foundation.exit(2)
      }
      exit(withError: error)
    }
  }
}

/// Options shared by commands that pick a target.
struct TargetOption: ParsableArguments {
  @Option(name: .long, help: "Trainium generation: trn1, trn2 or trn3.")
  var target: String = "trn2"

  func resolved() throws -> Target {
    guard let t = Target(rawValue: target) else {
      throw ValidationError("unknown target '\(target)'; expected trn1, trn2 or trn3")
    }
    return t
  }
}

/// Prints a diagnostic on standard error and exits with status 1 (a kernel error).
func failKernel(_ d: Diagnostic, source: String? = nil, file: String? = nil) -> Never {
  let lines = source.map { $0.split(separator: "\n", omittingEmptySubsequences: false) }
  let renderer = DiagnosticRenderer { name in name == file ? lines : nil }
  FileHandle.standardError.write(Data(renderer.render(d).utf8))
  exit(1)
}

/// Prints a usage error and exits with status 2.
func failUsage(_ message: String) -> Never {
  FileHandle.standardError.write(Data("error: \(message)\n".utf8))
  exit(2)
}

/// Options shared by `run`, `check` and `ir`.
struct KernelOptions: ParsableArguments {
  @ArgumentParser.Argument(help: "The NKI kernel file (.py).") var file: String
  @Option(help: "The kernel function to run (default: the file's only @nki.jit function).") var kernel: String?
  @Option(help: "SPMD launch grid, e.g. 4,2.") var grid: String?
  @OptionGroup var targetOption: TargetOption
  @ArgumentParser.Argument(parsing: .allUnrecognized, help: "Arguments: FILE.npy[:DTYPE], SHAPExSHAPE:DTYPE, Python literals, or NAME=ARG.")
  var arguments: [String] = []

  func invocation() -> KernelInvocation {
    guard let target = Target(rawValue: targetOption.target) else { failUsage("unknown target '\(targetOption.target)'; expected trn1, trn2 or trn3") }
    var inv = KernelInvocation(file: file, kernel: kernel, target: target)
    do {
      if let grid { inv.grid = try KernelInvocation.parseGrid(grid) }
      try inv.addArguments(arguments)
    } catch { failUsage(error.message) }
    return inv
  }

  /// Loads, traces and verifies, exiting with the right status on failure.
  func prepare(requireData: Bool) -> PreparedRun {
    let inv = invocation()
    do {
      return try inv.prepare(requireData: requireData)
    } catch let e as UsageError {
      failUsage(e.message)
    } catch let e as TraceError {
      if case .usage(let m) = e.kind { failUsage(m) }
      let source = (try? String(contentsOfFile: file, encoding: .utf8))
      failKernel(e.diagnostic, source: source, file: file)
    } catch {
      failUsage("\(error)")
    }
  }
}

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Trace an NKI kernel file and run it on .npy inputs.")
  @OptionGroup var options: KernelOptions
  @Option(name: .shortAndLong, help: "Write a returned tensor (in order) to PATH, or a parameter's final contents with PARAM=PATH.")
  var output: [String] = []
  @Option(help: "Run the traced kernel N times and print timing on stderr.") var `repeat`: Int = 1
  @Flag(help: "Print a JSON report on stdout.") var json = false
  @Flag(help: "Also run with every float tensor stored as fp32 and report, per output, the largest difference (precision loss vs. an algorithm bug).")
  var fp32 = false
  @OptionGroup var limits: LimitOptions
  @Flag(
    inversion: .prefixedNo,
    help: "Track which output elements derive from reads of never-written memory, and from which read. By default a run that reads never-written memory runs once more with tracking (serial, slower) to report them; --origins tracks from the first run, --no-origins never does.")
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
          failUsage("-o \(o): the kernel has no parameter '\(name)' (parameters: \(kernel.parameters.map(\.name).joined(separator: ", ")))")
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
      FileHandle.standardError.write(Data(String(
        format: "timing: trace_ms=%.3f run_ms_median=%.3f runs=%d load_ms=%.3f\n", traceMs, median, `repeat`, prepared.loadMilliseconds).utf8))
    }
    if fp32 {
      // The same kernel with fp32 storage everywhere, on the same inputs.
      let wide = kernel.withFloat32Storage()
      let wideArrays = arrays.map { $0.dtype?.isFloatingPoint == true ? $0.converted(to: .float32) : $0 }
      do {
        let r = try Interpreter(kernel: wide, options: limits.runOptions(target: target)).run(hostArrays: wideArrays)
        for (i, o) in result.outputs.enumerated() {
          let a = o.floatValues(), b = r.outputs[i].floatValues()
          var worst: Float = 0
          var at = 0
          for j in a.indices where abs(a[j] - b[j]) > worst || (a[j].isNaN != b[j].isNaN) {
            worst = a[j].isNaN != b[j].isNaN ? .infinity : abs(a[j] - b[j])
            at = j
          }
          var index: [Int] = []
          var rest = at
          for d in o.shape.reversed() { index.insert(rest % max(d, 1), at: 0); rest /= max(d, 1) }
          FileHandle.standardError.write(Data("precision: output \(i) (`\(kernel[kernel.outputs[i]].name)`, \(kernel[kernel.outputs[i]].dtype)): max |real dtypes - fp32 storage| = \(worst) at \(index)\n".utf8))
        }
      } catch {
        failKernel(TraceError(.kernel(error), at: error.location).diagnostic, source: source, file: options.file)
      }
    }
    var k = 0
    for o in outputs {
      let arr: HostArray?
      if let name = o.name { arr = result.parameters[name] } else { arr = result.outputs[k]; k += 1 }
      guard let arr else { continue }
      do { try arr.writeNPY(to: o.path) } catch { failUsage("cannot write \(o.path): \(error)") }
    }
    let renderer = DiagnosticRenderer { name in name == options.file ? source.split(separator: "\n", omittingEmptySubsequences: false) : nil }
    for w in result.report.warnings { FileHandle.standardError.write(Data(renderer.render(w).utf8)) }
    if json {
      print(RunReportJSON.render(result, kernel: kernel))
    } else if outputs.isEmpty {
      for (i, o) in result.outputs.enumerated() { print("output \(i) (\(kernel[kernel.outputs[i]].name)):\n\(o)") }
    }
  }
}

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Trace and verify an NKI kernel without running it.")
  @OptionGroup var options: KernelOptions
  @Flag(help: "Also run the kernel once (on the .npy data given, zeros for SHAPE:DTYPE arguments) with origin tracking, and report reads of never-written memory and the output elements that derive from them. Which elements are written does not depend on the data (only which operand nl.where takes does).")
  var origins = false
  func run() {
    let prepared = options.prepare(requireData: false)
    let k = prepared.traced.kernel
    var warnings: [Diagnostic] = []
    do {
      var runOptions = RunOptions(target: options.invocation().target)
      runOptions.trackUninitializedOrigins = origins
      let interpreter = try Interpreter(kernel: k, options: runOptions)
      if origins {
        var arrays: [HostArray] = []
        for (i, d) in prepared.data.enumerated() {
          let t = k[k.parameters[i].tensor]
          if let d {
            arrays.append(d)
          } else {
            do { arrays.append(try HostArray(shape: t.shape, dtype: t.dtype, values: [Float](repeating: 0, count: t.elementCount))) } catch {
              failUsage("cannot make zeros for kernel parameter '\(k.parameters[i].name)': \(error)")
            }
          }
        }
        warnings = try interpreter.run(hostArrays: arrays).report.warnings
      }
      print("ok: \(prepared.traced.name): \(k.instructions.count) instructions, SBUF high water \(interpreter.allocation.sbufHighWater) B/partition, PSUM \(interpreter.allocation.psumHighWater) B/partition")
    } catch {
      failKernel(TraceError(.kernel(error), at: error.location).diagnostic, source: prepared.source, file: options.file)
    }
    let source = prepared.source
    let file = options.file
    let renderer = DiagnosticRenderer { name in name == file ? source.split(separator: "\n", omittingEmptySubsequences: false) : nil }
    for w in warnings { FileHandle.standardError.write(Data(renderer.render(w).utf8)) }
  }
}

struct IR: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ir", abstract: "Trace an NKI kernel and print its IR.")
  @OptionGroup var options: KernelOptions
  @Flag(help: "Show source locations.") var locations = false
  func run() {
    let prepared = options.prepare(requireData: false)
    print(prepared.traced.kernel.printed(locations: locations), terminator: "")
  }
}

struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run kernels/matmul_tiled.py (an NKI kernel, unmodified) on seeded bf16 inputs and check it against plain loops.")

  @OptionGroup var targetOption: TargetOption
  @Option(help: "The NKI matmul kernel file to run.") var file = "kernels/matmul_tiled.py"
  @Flag(help: "Print the traced kernel's IR first.") var ir = false
  @Flag(help: "Print the run report as JSON.") var json = false

  func run() throws {
    let target = try targetOption.resolved()
    let K = 512, M = 256, N = 1024
    var state: UInt64 = 42
    func next() -> Float {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Float(Int((state >> 40) % 2001) - 1000) / 1000
    }
    let args: [HostArray]
    do {
      args = [try HostArray(shape: [K, M], dtype: .bfloat16, values: (0..<(K * M)).map { _ in next() }),
              try HostArray(shape: [K, N], dtype: .bfloat16, values: (0..<(K * N)).map { _ in next() })]
    } catch { throw ValidationError("\(error)") }
    let source = try? String(contentsOfFile: file, encoding: .utf8)
    let start = Date()
    let traced: TracedKernel
    do {
      traced = try NKIFile.load(path: file).trace(
        arguments: args.map { .tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }, target: target)
    } catch {
      if case .usage(let m) = error.kind { failUsage(m) }
      failKernel(error.diagnostic, source: source, file: file)
    }
    let traceMs = Date().timeIntervalSince(start) * 1000
    if ir { print(traced.kernel.printed()) }
    let runStart = Date()
    let result: HostRunResult
    do {
      result = try Interpreter(kernel: traced.kernel, options: RunOptions(target: target)).run(hostArrays: args)
    } catch { failKernel(TraceError(.kernel(error), at: error.location).diagnostic, source: source, file: file) }
    let runMs = Date().timeIntervalSince(runStart) * 1000
    // Reference: plain loops over the bf16 inputs, accumulating in Double, rounded to bf16 like the output.
    let a = args[0].floatValues(), b = args[1].floatValues()
    let out = result.outputs[0].floatValues()
    var worst: Double = 0
    for i in 0..<M {
      for j in 0..<N {
        var acc: Double = 0
        for k in 0..<K { acc += Double(a[k * M + i]) * Double(b[k * N + j]) }
        let expected = Double(BFloat16Reference.round(Float(acc)))
        worst = max(worst, abs(expected - Double(out[i * N + j])) / max(1, abs(expected)))
      }
    }
    if json {
      print(RunReportJSON.render(result, kernel: traced.kernel))
    } else {
      print("tessel demo: \(file) (\(traced.name)), result = lhsT[\(K), \(M)]ᵀ · rhs[\(K), \(N)] in bf16 with fp32 PSUM, on \(target.rawValue)")
      print(String(format: "  traced in %.1f ms, ran in %.1f ms; max relative error vs plain loops = %.2e", traceMs, runMs, worst))
      for e in Engine.allCases {
        if let c = result.report.engines[e] {
          print("  \(e.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(c.instructions) instructions, \(c.elements) elements, \(c.flops) flops")
        }
      }
      print("  SBUF high water \(result.report.sbufHighWaterBytes) of \(result.report.sbufCapacityBytes) bytes/partition; PSUM \(result.report.psumHighWaterBytes) of \(result.report.psumCapacityBytes)")
    }
    // bf16 output: the fp32 sum and the reference may round to neighbouring bf16 values (one ulp, 2^-7 relative).
    if worst > 1.0 / 128 { throw ExitCode(1) }
  }
}

/// bf16 rounding for the demo's reference, from the format's definition.
enum BFloat16Reference {
  static func round(_ x: Float) -> Float {
    if x.isNaN { return x }
    let b = x.bitPattern
    return Float(bitPattern: (b &+ 0x7FFF &+ ((b >> 16) & 1)) & 0xFFFF_0000)
  }
}

struct Targets: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the simulated targets and their constants.")
  func run() {
    for t in Target.allCases {
      print("\(t.rawValue) (\(t.generation)): SBUF \(t.sbufBytesPerPartition) B/partition, PSUM \(t.psumBanks)×\(t.psumBankBytes) B, pmax \(t.pmax), matmul stationary ≤ \(t.gemmStationaryFmax), moving ≤ \(t.gemmMovingFmax)")
    }
  }
}

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print a .npy file's shape, dtype and values.")
  @ArgumentParser.Argument(help: "A .npy file, optionally with :DTYPE for raw bf16/fp8 data (x.npy:bfloat16).") var file: String
  func run() throws {
    var path = file
    var dtype: DType?
    if let colon = file.lastIndex(of: ":"), !file.hasSuffix(".npy") {
      let name = String(file[file.index(after: colon)...])
      guard let d = DType(nkiName: name) else { throw ValidationError("unknown dtype '\(name)' in '\(file)'") }
      dtype = d
      path = String(file[..<colon])
    }
    do {
      print(try HostArray.readNPY(from: path, as: dtype))
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      throw ExitCode(1)
    }
  }
}

struct Repl: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "An interactive NKI prompt over a live simulated NeuronCore (plain lines when stdin is not a terminal).")
  @OptionGroup var targetOption: TargetOption

  func run() throws {
    let engine = ReplEngine(target: try targetOption.resolved())
    let output: (String) -> Void = { s in
      FileHandle.standardOutput.write(Data(s.utf8))
    }
    if isatty(0) != 0, let reader = EditLineReader(completer: { engine.completions(for: $0) }) {
      output("Tessel REPL (\(engine.target.rawValue)). :help for commands, Ctrl-D to leave.\n")
      engine.run(reader: reader, output: output)
    } else {
      engine.run(reader: PlainLineReader(), output: output)
    }
  }
}
