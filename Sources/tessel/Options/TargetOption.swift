import ArgumentParser
import Tessel

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
