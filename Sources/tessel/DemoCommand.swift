import ArgumentParser
import Foundation
import Tessel
import TesselTestSupportCore
import TesselTools

/// `tessel demo`: the tiled matmul tutorial kernel against plain loops.
struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract:
      "Run kernels/matmul_tiled.py (an NKI kernel, unmodified) on seeded bf16 inputs and check it against plain loops.")

  @OptionGroup var targetOption: TargetOption
  @Option(help: "The NKI matmul kernel file to run.") var file = "kernels/matmul_tiled.py"
  @Flag(help: "Print the traced kernel's IR first.") var ir = false
  @Flag(help: "Print the run report as JSON.") var json = false

  func run() throws {
    let target = try targetOption.resolved()
    let K = 512
    let M = 256
    let N = 1024
    let args: [HostArray]
    do {
      args = [
        try HostArray(shape: [K, M], dtype: .bfloat16, values: randomArray(count: K * M, in: -1...1, seed: 42)),
        try HostArray(shape: [K, N], dtype: .bfloat16, values: randomArray(count: K * N, in: -1...1, seed: 43)),
      ]
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
    let a = args[0].floatValues()
    let b = args[1].floatValues()
    let out = result.outputs[0].floatValues()
    var worst: Double = 0
    for i in 0..<M {
      for j in 0..<N {
        var acc: Double = 0
        for k in 0..<K { acc += Double(a[k * M + i]) * Double(b[k * N + j]) }
        let expected = Double(roundToBFloat16(Float(acc)))
        worst = max(worst, abs(expected - Double(out[i * N + j])) / max(1, abs(expected)))
      }
    }
    // bf16 output: the fp32 sum and the reference may round to neighbouring bf16 values (one ulp, 2^-7 relative).
    let tolerance = 1.0 / 128
    let passed = worst <= tolerance
    if json {
      print(RunReportJSON.render(result, kernel: traced.kernel))
    } else {
      print(
        "tessel demo: \(file) (\(traced.name)), result = lhsT[\(K), \(M)]ᵀ · rhs[\(K), \(N)] in bf16 with fp32 PSUM, on \(target.rawValue)"
      )
      print(
        String(
          format: "  traced in %.1f ms, ran in %.1f ms; max relative error vs plain loops = %.2e", traceMs, runMs, worst
        ))
      print(
        passed
          ? String(format: "  PASS: within the tolerance %.2e (one bf16 ulp, 2^-7)", tolerance)
          : String(format: "  FAIL: above the tolerance %.2e (one bf16 ulp, 2^-7)", tolerance))
      for e in Engine.allCases {
        if let c = result.report.engines[e] {
          print(
            "  \(e.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(c.instructions) instructions, \(c.elements) elements, \(c.flops) flops"
          )
        }
      }
      print(
        "  SBUF high water \(result.report.sbufHighWaterBytes) of \(result.report.sbufCapacityBytes) bytes/partition; PSUM \(result.report.psumHighWaterBytes) of \(result.report.psumCapacityBytes)"
      )
    }
    if !passed {
      if json {
        FileHandle.standardError.write(
          Data(String(format: "FAIL: max relative error %.2e above the tolerance %.2e\n", worst, tolerance).utf8))
      }
      throw ExitCode(1)
    }
  }
}
