import ArgumentParser
import Foundation
import Tessel
import TesselTools

/// Options shared by `run`, `check` and `ir`.
struct KernelOptions: ParsableArguments {
  @ArgumentParser.Argument(help: "The NKI kernel file (.py).") var file: String
  @Option(help: "The kernel function to run (default: the file's only @nki.jit function).") var kernel: String?
  @Option(help: "SPMD launch grid, e.g. 4,2.") var grid: String?
  @Option(help: "Launch a current-dialect kernel on a logical NeuronCore of N programs, kernel[N] (1 or 2).")
  var lnc: Int?
  @Option(help: "NKI dialect: auto (from the file's imports), legacy (neuronxcc.nki) or current (nki 0.3+).")
  var dialect: String = "auto"
  @Option(
    name: .customLong("path"),
    help:
      "A directory to import the kernel's modules from (repeatable); the file's own directory and its package root are searched first."
  )
  var importPaths: [String] = []
  @OptionGroup var targetOption: TargetOption
  @ArgumentParser.Argument(
    parsing: .allUnrecognized,
    help:
      "Kernel arguments, in order or as NAME=ARG: FILE.npy[:DTYPE], a shape with a dtype (128x512:float32: for run, seeded random values with --seed), or a Python expression evaluated in the kernel's module (2, 0.5, [0, 1], \"'mode'\", FlashConfig(training=True), NormType.RMS_NORM)."
  )
  var arguments: [String] = []

  func invocation() -> KernelInvocation {
    guard let target = Target(rawValue: targetOption.target) else {
      failUsage("unknown target '\(targetOption.target)'; expected trn1, trn2 or trn3")
    }
    var inv = KernelInvocation(file: file, kernel: kernel, target: target)
    do {
      if let grid { inv.grid = try KernelInvocation.parseGrid(grid) }
      if let lnc {
        guard grid == nil else {
          failUsage("give --grid (legacy SPMD grid) or --lnc (current-dialect launch), not both")
        }
        guard lnc == 1 || lnc == 2 else {
          failUsage("--lnc takes 1 or 2 (a logical NeuronCore has one or two programs), got \(lnc)")
        }
        inv.grid = [lnc]
      }
      inv.dialect = try KernelInvocation.parseDialect(dialect)
      inv.importPaths = importPaths
      try inv.addArguments(arguments)
    } catch { failUsage(error.message) }
    return inv
  }

  /// Loads, traces and verifies, exiting with the right status on failure.
  func prepare(requireData: Bool, seed: UInt64? = nil) -> PreparedRun {
    prepareOrExit(invocation(), requireData: requireData, seed: seed)
  }
}

/// Loads, traces and verifies an invocation, exiting with the right status on failure.
func prepareOrExit(_ inv: KernelInvocation, requireData: Bool, seed: UInt64? = nil) -> PreparedRun {
  do {
    let prepared = try inv.prepare(requireData: requireData, seed: seed)
    // What the kernel printed while it was traced, before anything the command reports.
    if !prepared.traced.output.isEmpty { print(prepared.traced.output, terminator: "") }
    return prepared
  } catch let e as UsageError {
    failUsage(e.message)
  } catch let e as TraceError {
    // What the kernel printed before the error, as Python shows a script's output before its traceback.
    if !e.output.isEmpty { FileHandle.standardOutput.write(Data(e.output.utf8)) }
    if case .usage(let m) = e.kind { failUsage(m) }
    let source = (try? String(contentsOfFile: inv.file, encoding: .utf8))
    failKernel(e.diagnostic, source: source, file: inv.file)
  } catch {
    failUsage("\(error)")
  }
}
