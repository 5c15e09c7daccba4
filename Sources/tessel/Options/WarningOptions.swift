import ArgumentParser
import Foundation
import Tessel

/// `--strict`, and how a command reports the warnings of a run.
struct WarningOptions: ParsableArguments {
  @Flag(help: "Treat every warning as an error: report it as one and exit with status 1 (for CI).")
  var strict = false

  /// Prints `diagnostics` on standard error (warnings as errors under `--strict`), then a line
  /// counting the warnings.
  ///
  /// Returns whether the command must fail (`--strict` and a warning).
  func report(_ diagnostics: [Diagnostic], renderer: DiagnosticRenderer) -> Bool {
    var count = 0
    for var d in diagnostics {
      if d.severity == .warning {
        count += 1
        if strict { d.severity = .error }
      }
      FileHandle.standardError.write(Data(renderer.render(d).utf8))
    }
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
