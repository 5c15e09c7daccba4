import TesselIR

/// What one execution of a kernel's `nl.device_print(prefix, x)` printed: the tile's values and
/// the loop variables and program ids it ran under (``RunReport/devicePrints``).
public struct DevicePrintOutput: Sendable, Hashable, Codable {
  /// One loop variable or program id and its value at this execution.
  public struct Tag: Sendable, Hashable, Codable {
    /// `i`, `program_id(0)`.
    public var name: String
    /// The value.
    public var value: Int
  }

  /// The call's prefix text.
  public var prefix: String
  /// Where the call is.
  public var location: SourceLocation
  /// The printed tensor's name.
  public var tile: String
  /// The program ids and enclosing loops' variables, outermost first.
  public var tags: [Tag]
  /// The tile's shape.
  public var shape: [Int]
  /// The tile's dtype.
  public var dtype: DType
  /// The values, row-major (NaN where the call's mask left an element out).
  public var values: [Float]
  /// Set on a call's last output when some executions were not kept (`i` past its first 8).
  public var omitted: String?

  /// The printed form: the prefix, the tags, then the values as numpy prints them (elided past
  /// 1000 elements).
  public var text: String {
    let where_ = tags.isEmpty ? "" : " (" + tags.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + ")"
    var s = "\(prefix)\(where_) \(formatArray(values, shape: shape, dtype: dtype))\n"
    if let omitted { s += "\(prefix) ... \(omitted)\n" }
    return s
  }
}

extension Interpreter {
  /// The values every `nl.device_print` of the kernel logged, in the order the executions ran
  /// (program instance, then program order with loop iterations in order).
  func devicePrintOutputs(_ state: ExecutionState) -> [DevicePrintOutput] {
    var entries: [(instance: Int, key: [Int], output: DevicePrintOutput)] = []
    let positions = devicePrintPositions()
    for dp in kernel.devicePrints {
      guard let (position, loopBegins) = positions[dp.log] else { continue }
      let log = UnsafeBufferPointer(state.region(of: dp.log.index))
      let tileShape = Array(kernel[dp.log].shape.dropFirst(dp.axes.count))
      let size = max(1, tileShape.reduce(1, *))
      let slots = dp.axes.map(\.slots)
      let gridAxes = dp.axes.prefix { $0.name.hasPrefix("program_id(") }.count
      var slot = Array(repeating: 0, count: slots.count)
      var last: Int?
      for chunk in 0..<max(1, slots.reduce(1, *)) {
        defer { RowMajorIndex.advance(&slot, in: slots) }
        let base = chunk * size
        guard base + size <= log.count else { break }
        var values = Array(log[base..<base + size])
        guard values.contains(where: { !Poison.isPoison($0) }) else { continue }
        for j in values.indices where Poison.isPoison(values[j]) { values[j] = .nan }
        let tags = zip(dp.axes, slot).map { DevicePrintOutput.Tag(name: $0.name, value: $0.first + $0.direction * $1) }
        var instance = 0
        for a in 0..<gridAxes { instance = instance * slots[a] + slot[a] }
        var key: [Int] = []
        for (k, begin) in loopBegins.enumerated() where gridAxes + k < slot.count {
          key += [begin, slot[gridAxes + k]]
        }
        key.append(position)
        let output = DevicePrintOutput(
          prefix: dp.prefix, location: dp.location, tile: kernel[dp.tile].name, tags: tags, shape: tileShape,
          dtype: kernel[dp.log].dtype, values: values, omitted: nil)
        entries.append((instance, key, output))
        last = entries.count - 1
      }
      let cut = dp.axes.dropFirst(gridAxes).filter { $0.kept < $0.count }
      if let last, !cut.isEmpty {
        entries[last].output.omitted =
          "later iterations not shown: "
          + cut.map { "the first \($0.kept) of \($0.count) iterations of `\($0.name)` are kept" }.joined(
            separator: ", ")
      } else if let last, let omitted = dp.omitted {
        entries[last].output.omitted = omitted
      }
    }
    entries.sort { a, b in a.instance != b.instance ? a.instance < b.instance : a.key.lexicographicallyPrecedes(b.key) }
    return entries.map(\.output)
  }

  /// For each log tensor: the index of the instruction that writes it and the loop-begin
  /// instructions open there, outermost first.
  func devicePrintPositions() -> [TensorID: (Int, [Int])] {
    let logs = Set(kernel.devicePrints.map(\.log))
    var open: [Int] = []
    var out: [TensorID: (Int, [Int])] = [:]
    for (i, inst) in kernel.instructions.enumerated() {
      switch inst.operation {
      case .loopBegin: open.append(i)
      case .loopEnd: _ = open.popLast()
      default:
        for d in inst.operation.destinations where logs.contains(d.tensor) && out[d.tensor] == nil {
          out[d.tensor] = (i, open)
        }
      }
    }
    return out
  }
}
