import ArgumentParser
import Foundation
import Tessel
import TesselRepl

/// `tessel repl`: the interactive prompt.
struct Repl: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
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
