import ArgumentParser
import Tessel

/// `tessel targets`: the simulated targets.
struct Targets: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "targets", abstract: "List the simulated targets and their constants.")
  @Flag(help: "Print the timing model's constants per target, with where each comes from.") var timing = false

  func run() {
    guard timing else {
      for t in Target.allCases {
        print(
          "\(t.rawValue) (\(t.generation)): SBUF \(t.sbufBytesPerPartition) B/partition, PSUM \(t.psumBanks)×\(t.psumBankBytes) B, pmax \(t.pmax), matmul stationary ≤ \(t.gemmStationaryFmax), moving ≤ \(t.gemmMovingFmax)"
        )
      }
      return
    }
    print(TimingConstants.table(Target.allCases.map(TimingConstants.for)), terminator: "")
  }
}
