/// A timing constant name that ``TimingConstants/overriding(_:)`` does not know.
public struct UnknownTimingConstant: Error, Sendable, Hashable, CustomStringConvertible {
  /// The name given.
  public var name: String
  /// The names that exist.
  public var known: [String]

  public var description: String {
    "unknown timing constant '\(name)'; known: \(known.joined(separator: ", "))"
  }
}

extension TimingConstants {
  /// The constants with some values replaced by name (`["dmaBytesPerNs": 10]`); replaced values
  /// are marked as guessed, with the source "override".
  public func overriding(_ values: [String: Double]) throws(UnknownTimingConstant) -> TimingConstants {
    var c = self
    let known = entries.map(\.name)
    for (name, value) in values.sorted(by: { $0.key < $1.key }) {
      let path: WritableKeyPath<TimingConstants, TimingConstant>
      switch name {
      case "tensorClock": path = \.tensorClock
      case "vectorClock": path = \.vectorClock
      case "scalarClock": path = \.scalarClock
      case "gpsimdClock": path = \.gpsimdClock
      case "minInitiationInterval": path = \.minInitiationInterval
      case "instructionOverhead": path = \.instructionOverhead
      case "sameEngineDependencyLatency": path = \.sameEngineDependencyLatency
      case "matmulMinInterval": path = \.matmulMinInterval
      case "matmulFloat32Factor": path = \.matmulFloat32Factor
      case "transposeFloat32Factor": path = \.transposeFloat32Factor
      case "matmulPipelineLatency": path = \.matmulPipelineLatency
      case "gpsimdStartup": path = \.gpsimdStartup
      case "vectorFastCopyFactor": path = \.vectorFastCopyFactor
      case "vectorFastBinaryFactor": path = \.vectorFastBinaryFactor
      case "dmaEngines": path = \.dmaEngines
      case "dmaPartitionsPerEngine": path = \.dmaPartitionsPerEngine
      case "dmaBytesPerNs": path = \.dmaBytesPerNs
      case "dmaQueueBytesPerNs": path = \.dmaQueueBytesPerNs
      case "dmaDescriptorNs": path = \.dmaDescriptorNs
      case "dmaIssueNs": path = \.dmaIssueNs
      case "computeToDMALatency": path = \.computeToDMALatency
      case "dmaToComputeLatency": path = \.dmaToComputeLatency
      case "computeToComputeLatency": path = \.computeToComputeLatency
      case "dmaTransposeFactor": path = \.dmaTransposeFactor
      case "launchOverhead": path = \.launchOverhead
      case "maxBufferRotation": path = \.maxBufferRotation
      default: throw UnknownTimingConstant(name: name, known: known)
      }
      let unit = c[keyPath: path].unit
      c[keyPath: path] = TimingConstant(value, unit, .guessed, "override")
    }
    return c
  }
}
