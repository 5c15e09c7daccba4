import ArgumentParser
import Foundation
import Tessel

/// `--strict`, and how a command reports the warnings of a run.
struct WarningOptions: ParsableArguments {
  @Flag(help: "Treat every warning as an error: report it as one and exit with status 1 (for CI).")
  var strict = false

  /// Prints `diagnostics` on standard error, warnings as errors under `--strict`.
  func emit(_ diagnostics: [Diagnostic], renderer: DiagnosticRenderer) {
    for var d in diagnostics {
      if strict && d.severity == .warning { d.severity = .error }
      FileHandle.standardError.write(Data(renderer.render(d).utf8))
    }
  }

  /// Prints `diagnostics` on standard error (warnings as errors under `--strict`), then a line
  /// counting the warnings.
  ///
  /// The count includes the warnings of `printedBefore`, printed already (the trace's).
  ///
  /// Returns whether the command must fail (`--strict` and a warning).
  func report(_ diagnostics: [Diagnostic], renderer: DiagnosticRenderer, printedBefore: [Diagnostic] = []) -> Bool {
    emit(diagnostics, renderer: renderer)
    let count = (printedBefore + diagnostics).filter { $0.severity == .warning }.count
    guard count > 0 else { return false }
    let noun = count == 1 ? "1 warning" : "\(count) warnings"
    if strict {
      printDiagnostic(Diagnostic(.error, "\(noun), treated as errors (--strict)"))
    } else {
      FileHandle.standardError.write(Data("\(noun) (--strict makes warnings errors)\n".utf8))
    }
    return strict
  }
}
