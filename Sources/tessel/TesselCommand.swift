import ArgumentParser
import Foundation
import Tessel

/// The `tessel` command.
@main
struct TesselCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tessel",
    abstract: "Run, check and explore NKI tile kernels on a simulated NeuronCore.",
    subcommands: [Run.self, Check.self, IR.self, Repl.self, Demo.self, Targets.self, Inspect.self, Bench.self])

  /// Parses and runs a command; a command line that does not parse or validate exits with
  /// status 2, like every other usage error (ArgumentParser's own default is 64).
  ///
  /// OpenBLAS's thread pool, started when the library loaded, is ended first: its threads
  /// would spin through the first tenth of a second, which is when a one-shot command traces
  /// and runs (``HostBLAS/useOneThread()``; `bench` turns threads back on for its baselines).
  static func main() {
    HostBLAS.useOneThread()
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
