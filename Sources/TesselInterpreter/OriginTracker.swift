import TesselIR

/// Per-element shadow memory that follows values computed from never-written memory back to the
/// read that produced them (``RunOptions/trackUninitializedOrigins``).
///
/// The shadow has one `UInt32` per arena element, at the same offsets. ``unwritten`` marks an
/// element nothing has written; 0 a defined value; any other value is an origin id, 1-based into
/// ``reads``. The state is kept apart from the `Float` values, so it works for every dtype (an
/// int32 or fp8 tile cannot hold a NaN sentinel, and comparisons, conversions, max/min and
/// bitwise ops do not propagate one).
///
/// Before each instruction executes, ``willExecute(_:pc:state:)`` computes the shadow of every
/// element the instruction writes from the shadows of the elements it depends on, following the
/// operation's element-level data flow (``DataFlow``) over its operands by role. The first time an
/// (instruction, operand) pair reads an unwritten element it creates an origin; where several
/// origins meet, the lowest id (the earliest read) wins. Writes of defined values clear the
/// shadow. The tracker assumes a serial run: one on-chip region, the one of worker 0.
final class OriginTracker {
  /// The shadow state of an element that was never written.
  static let unwritten: UInt32 = .max

  let interpreter: Interpreter
  /// One entry per arena element.
  let shadow: UnsafeMutablePointer<UInt32>
  let count: Int

  /// One origin per (instruction, lane), by id - 1.
  var records: [Record] = []
  /// Origin ids by (instruction, lane).
  var ids: [Key: UInt32] = [:]

  /// An origin being collected.
  struct Record {
    var pc: Int
    var operandName: String
    var tensor: Int
    /// The first element read, relative to the tensor.
    var first: Int
    /// Every distinct element read, relative to the tensor.
    var elements: Set<Int>
  }

  /// An (instruction, lane) pair: lane indexes ``CompiledInstruction/lanes`` (a matmul's read of
  /// the PSUM values it accumulates into is lane 0, its accumulator).
  struct Key: Hashable {
    var pc: Int
    var lane: Int
  }

  // Per instruction: the one being propagated and its pending writes.
  var pc = 0
  var ci: CompiledInstruction?
  var pendingOffsets: [Int] = []
  var pendingTaints: [UInt32] = []

  /// A shadow for `interpreter`'s arena (serial layout): parameters defined, everything else
  /// never written.
  init(interpreter: Interpreter) {
    self.interpreter = interpreter
    count = Swift.max(1, interpreter.hbmCount + interpreter.onChipCount)
    shadow = .allocate(capacity: count)
    shadow.initialize(repeating: Self.unwritten, count: count)
    for p in interpreter.kernel.parameters {
      let t = p.tensor.index
      let n = interpreter.kernel.tensors[t].elementCount
      (shadow + interpreter.tensorOffsets[t]).update(repeating: 0, count: n)
    }
  }

  deinit { shadow.deallocate() }

  // MARK: - Reading and writing the shadow

  /// The smaller nonzero of two shadows (0 when both are 0).
  @inline(__always)
  static func merge(_ a: UInt32, _ b: UInt32) -> UInt32 {
    a == 0 ? b : (b == 0 ? a : Swift.min(a, b))
  }

  /// The origin a value read from `offset` through lane `lane` of the current instruction carries:
  /// the element's own when it has one, a new or existing origin of this instruction and lane
  /// when it was never written.
  func read(_ lane: Int, _ offset: Int) -> UInt32 {
    guard offset >= 0 && offset < count else { return 0 }
    let s = shadow[offset]
    if s != Self.unwritten { return s }
    let key = Key(pc: pc, lane: lane)
    guard let ci, lane < ci.views.count, lane < ci.lanes.count else { return 0 }
    let tensor = ci.views[lane].tensor
    let relative = offset - interpreter.tensorOffsets[tensor]
    if let id = ids[key] {
      records[Int(id) - 1].elements.insert(relative)
      return id
    }
    records.append(
      Record(pc: pc, operandName: ci.lanes[lane].name, tensor: tensor, first: relative, elements: [relative]))
    let id = UInt32(records.count)
    ids[key] = id
    return id
  }

  /// Queues the shadow of one written element (applied after every read of the instruction, so
  /// that an instruction reading and writing the same tile sees the old shadows).
  @inline(__always)
  func write(_ offset: Int, _ taint: UInt32) {
    pendingOffsets.append(offset)
    pendingTaints.append(taint)
  }

  /// Applies the queued writes.
  func commit() {
    for (o, t) in zip(pendingOffsets, pendingTaints) where o >= 0 && o < count { shadow[o] = t }
    pendingOffsets.removeAll(keepingCapacity: true)
    pendingTaints.removeAll(keepingCapacity: true)
  }

  /// Marks `count` elements from arena offset `offset` never written (a tile made fresh).
  func markUnwritten(offset: Int, count: Int) {
    guard offset >= 0 && offset + count <= self.count else { return }
    (shadow + offset).update(repeating: Self.unwritten, count: count)
  }

  // MARK: - Report

  /// How many elements of a tensor were never written.
  func unwrittenCount(of t: Int) -> Int {
    let base = interpreter.tensorOffsets[t]
    var n = 0
    for i in 0..<interpreter.kernel.tensors[t].elementCount where shadow[base + i] == Self.unwritten { n += 1 }
    return n
  }

  /// The origin records, as public payloads.
  func uninitializedReads() -> [UninitializedRead] {
    let k = interpreter.kernel
    return records.map { r in
      let t = k.tensors[r.tensor]
      let inst = k.instructions[r.pc]
      return UninitializedRead(
        instruction: r.pc, operation: inst.operation.nkiName, operand: r.operandName, tensor: t.name,
        firstElement: UninitializedOrigin.index(r.first, in: t.shape), elementCount: r.elements.count,
        location: inst.location)
    }
  }

  /// For each returned tensor and each parameter, the elements that derive from each origin: one
  /// entry per (tensor, origin), tensors in return order then parameter order, origins by id.
  func origins() -> [UninitializedOrigin] {
    let k = interpreter.kernel
    let reads = uninitializedReads()
    var seen = Set<Int>()
    var out: [UninitializedOrigin] = []
    let tensors = k.outputs.map { ($0.index, false) } + k.parameters.map { ($0.tensor.index, true) }
    for (t, isParameter) in tensors where !seen.contains(t) {
      seen.insert(t)
      let decl = k.tensors[t]
      let base = interpreter.tensorOffsets[t]
      var byOrigin: [UInt32: [Int]] = [:]
      for i in 0..<decl.elementCount {
        let s = shadow[base + i]
        if s != 0 && s != Self.unwritten { byOrigin[s, default: []].append(i) }
      }
      for (id, elements) in byOrigin.sorted(by: { $0.key < $1.key }) where Int(id) <= reads.count {
        out.append(
          UninitializedOrigin(
            output: decl.name, isParameter: isParameter && decl.role == .parameter, shape: decl.shape,
            outputLocation: decl.location, elements: elements, read: reads[Int(id) - 1]))
      }
    }
    return out
  }
}
