import ArgumentParser
import TesselIR
import TesselInterpreter

/// `--max-instructions`, `--max-memory` and `--max-seconds`: the resource limits of a run.
struct LimitOptions: ParsableArguments {
  @Option(help: "Stop a run after this many executed instructions (loop back-edges count too).")
  var maxInstructions: Int = RunOptions().maxInstructions
  @Option(help: "The most simulated memory a run may use, in bytes; K, M and G suffixes are binary (e.g. 512M).")
  var maxMemory: String = "16G"
  @Option(help: "Stop a run after this many seconds of wall time.")
  var maxSeconds: Double = RunOptions().maxSeconds

  /// The byte count of `--max-memory`.
  static func parseBytes(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    var digits = Substring(text)
    var scale = 1
    if let last = text.last?.uppercased().first, let u = units[last] {
      scale = u
      digits = digits.dropLast()
    }
    guard let n = Int(digits), n > 0 else { return nil }
    let (bytes, overflow) = n.multipliedReportingOverflow(by: scale)
    return overflow ? nil : bytes
  }

  func validate() throws {
    if maxInstructions < 1 { throw ValidationError("--max-instructions must be at least 1") }
    if LimitOptions.parseBytes(maxMemory) == nil {
      throw ValidationError("--max-memory '\(maxMemory)' is not a positive byte count such as 1048576, 512M or 4G")
    }
    if !(maxSeconds > 0) || !maxSeconds.isFinite { throw ValidationError("--max-seconds must be a positive number") }
  }

  /// Run options for `target` with these limits.
  func runOptions(target: Target) -> RunOptions {
    RunOptions(
      target: target, maxInstructions: maxInstructions,
      maxMemoryBytes: LimitOptions.parseBytes(maxMemory) ?? RunOptions().maxMemoryBytes, maxSeconds: maxSeconds)
  }
}
