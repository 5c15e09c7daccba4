import Foundation
import TesselIR
import TesselLang
import TesselMachine

@testable import TesselTiming

/// The repository's root folder.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

let nkiHeader = """
  import neuronxcc.nki as nki
  import neuronxcc.nki.language as nl
  import neuronxcc.nki.isa as nisa

  """

/// Traces NKI source with tensor arguments of the given shapes and dtypes.
func trace(
  _ source: String, _ tensors: [([Int], DType)], keywords: [String: KernelArgument] = [:], target: Target = .trn2
) throws -> Kernel {
  let file = try NKIFile(source: nkiHeader + source, file: "t.py")
  return try file.trace(
    arguments: tensors.map { .tensor(shape: $0.0, dtype: $0.1) }, keywords: keywords, target: target
  ).kernel
}

/// Traces a kernel file of the repository.
func traceFile(
  _ path: String, kernel: String? = nil, _ tensors: [([Int], DType)], keywords: [String: KernelArgument] = [:],
  target: Target
) throws -> Kernel {
  let file = try NKIFile.load(path: repositoryRoot.appendingPathComponent(path).path)
  return try file.trace(
    kernel: kernel, arguments: tensors.map { .tensor(shape: $0.0, dtype: $0.1) }, keywords: keywords, target: target
  ).kernel
}

/// Estimates a kernel with every execution recorded.
func estimate(_ kernel: Kernel, target: Target, constants: TimingConstants? = nil) throws -> TimingEstimate {
  var options = TimingOptions(recordIterations: true)
  options.constants = constants
  return try TimingModel(kernel: kernel, target: target, options: options).estimate()
}

/// One recorded execution.
struct Execution {
  var start: Double
  var end: Double
  /// For a DMA: its transfer on its first DMA engine.
  var transferStart: Double
  var transferEnd: Double
  var track: Int
}

/// The recorded executions of the instructions with an NKI name, in order.
func executions(_ e: TimingEstimate, _ name: String) -> [Execution] {
  guard let log = e.events else { return [] }
  var out: [Execution] = []
  for i in 0..<log.count where e.model.kernel.instructions[Int(log.instruction[i])].operation.nkiName == name {
    out.append(
      Execution(
        start: log.start[i], end: log.end[i], transferStart: log.transferStart[i], transferEnd: log.transferEnd[i],
        track: Int(log.track[i])))
  }
  return out
}
