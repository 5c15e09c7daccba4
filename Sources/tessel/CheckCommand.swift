import ArgumentParser
import Foundation
import Tessel
import TesselTools

/// `tessel check`: trace and verify without running.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Trace and verify an NKI kernel without running it.")
  @OptionGroup var options: KernelOptions
  @Flag(
    help:
      "Also run the kernel once (on the .npy data given, zeros for SHAPE:DTYPE arguments) with origin tracking, and report reads of never-written memory and the output elements that derive from them. Which elements are written does not depend on the data (only which operand nl.where takes does)."
  )
  var origins = false
  @Flag(help: "Print a JSON report on stdout (with the timing estimate).") var json = false
  @OptionGroup var estimateOptions: EstimateOptions
  @OptionGroup var compareOptions: CompareOptions
  @OptionGroup var warningOptions: WarningOptions

  func run() throws {
    let prepared = options.prepare(requireData: false)
    let k = prepared.traced.kernel
    var warnings = prepared.traced.warnings
    let target = options.invocation().target
    let memory: (sbuf: Int, psum: Int)
    let allocation: AllocationPlan
    do {
      var runOptions = RunOptions(target: target)
      runOptions.trackUninitializedOrigins = origins
      let interpreter = try Interpreter(kernel: k, options: runOptions)
      if origins {
        var arrays: [HostArray] = []
        for (i, d) in prepared.data.enumerated() {
          let t = k[k.parameters[i].tensor]
          if let d {
            arrays.append(d)
          } else {
            do {
              arrays.append(
                try HostArray(shape: t.shape, dtype: t.dtype, values: [Float](repeating: 0, count: t.elementCount)))
            } catch {
              failUsage("cannot make zeros for kernel parameter '\(k.parameters[i].name)': \(error)")
            }
          }
        }
        warnings += try interpreter.run(hostArrays: arrays).report.warnings
      }
      memory = (interpreter.allocation.sbufHighWater, interpreter.allocation.psumHighWater)
      allocation = interpreter.allocation
      if !json {
        let count = warnings.filter { $0.severity == .warning }.count
        let noted = count == 0 ? "" : count == 1 ? ", 1 warning" : ", \(count) warnings"
        print(
          "\(count > 0 && warningOptions.strict ? "failed" : "ok"): \(prepared.traced.name): \(k.instructions.count) instructions, SBUF high water \(memory.sbuf) B/partition, PSUM \(memory.psum) B/partition\(noted)"
        )
      }
    } catch {
      failKernel(TraceError(.kernel(error), at: error.location).diagnostic, source: prepared.source, file: options.file)
    }
    let source = prepared.source
    let file = options.file
    let renderer = DiagnosticRenderer { name in
      name == file ? source.split(separator: "\n", omittingEmptySubsequences: false) : nil
    }
    let strictFailure = warningOptions.report(warnings, renderer: renderer)
    let compared = compareOptions.prepare(like: options.invocation(), requireData: false)
    if json || estimateOptions.requested || compared != nil {
      let estimate = estimateOptions.estimate(k, target: target, allocation: allocation, source: source, file: file)
      let comparison = compared.map { c in
        compareOptions.comparison(
          estimate, file: file,
          estimateOptions.estimate(
            c.traced.kernel, target: target, source: c.source, file: compareOptions.compare ?? ""),
          outputs: nil)
      }
      if json {
        print(
          CheckReportJSON.render(
            kernel: k, target: target, sbufHighWater: memory.sbuf, psumHighWater: memory.psum, warnings: warnings,
            estimate: estimate.report, comparison: comparison?.json))
      } else if let comparison {
        print(comparison.text, terminator: "")
      }
      estimateOptions.emit(estimate, printSummary: !json && compared == nil)
    }
    if strictFailure { throw ExitCode(1) }
  }
}
