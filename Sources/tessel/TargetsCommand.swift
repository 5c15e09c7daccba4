import ArgumentParser
import Tessel

/// `tessel targets`: the simulated targets.
struct Targets: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the simulated targets and their constants.")
  func run() {
    for t in Target.allCases {
      print(
        "\(t.rawValue) (\(t.generation)): SBUF \(t.sbufBytesPerPartition) B/partition, PSUM \(t.psumBanks)×\(t.psumBankBytes) B, pmax \(t.pmax), matmul stationary ≤ \(t.gemmStationaryFmax), moving ≤ \(t.gemmMovingFmax)"
      )
    }
  }
}
