import Foundation
import Tessel

/// Prints a diagnostic on standard error and exits with status 1 (a kernel error).
///
/// Lines of the
/// kernel file come from `source`; lines of the other modules it imported are read from disk.
func failKernel(_ d: Diagnostic, source: String? = nil, file: String? = nil) -> Never {
  let lines = source.map { $0.split(separator: "\n", omittingEmptySubsequences: false) }
  let renderer = DiagnosticRenderer { name in
    if name == file { return lines }
    guard name.hasSuffix(".py"), let data = FileManager.default.contents(atPath: name),
      let text = String(data: data, encoding: .utf8)
    else { return nil }
    return text.split(separator: "\n", omittingEmptySubsequences: false)
  }
  FileHandle.standardError.write(Data(renderer.render(d).utf8))
  exit(1)
}

/// Prints a usage error and exits with status 2.
func failUsage(_ message: String) -> Never {
  printDiagnostic(Diagnostic(.error, message))
  exit(2)
}

/// Prints a diagnostic that points at no kernel line (a usage error, a note on the command's
/// outputs) on standard error.
func printDiagnostic(_ d: Diagnostic) {
  FileHandle.standardError.write(Data(DiagnosticRenderer().render(d).utf8))
}
