/// A box of tensor elements: a range of the tensor's first dimension (partitions, or rows of an
/// HBM tensor) and a range of its flattened remaining dimensions, both inclusive.
struct ElementBox: Sendable {
  var outerLow: Int
  var outerHigh: Int
  var innerLow: Int
  var innerHigh: Int

  /// Whether the two boxes share an element.
  @inline(__always)
  func overlaps(_ o: ElementBox) -> Bool {
    outerLow <= o.outerHigh && o.outerLow <= outerHigh && innerLow <= o.innerHigh && o.innerLow <= innerHigh
  }

  /// Whether every element of `o` is in this box.
  @inline(__always)
  func covers(_ o: ElementBox) -> Bool {
    outerLow <= o.outerLow && o.outerHigh <= outerHigh && innerLow <= o.innerLow && o.innerHigh <= innerHigh
  }

  /// The box moved by `outer` along the first dimension and by `inner` along the flattened rest.
  @inline(__always)
  func shifted(outer: Int, inner: Int) -> ElementBox {
    ElementBox(
      outerLow: outerLow + outer, outerHigh: outerHigh + outer, innerLow: innerLow + inner,
      innerHigh: innerHigh + inner)
  }

  /// The smallest box holding both.
  func union(_ o: ElementBox) -> ElementBox {
    ElementBox(
      outerLow: Swift.min(outerLow, o.outerLow), outerHigh: Swift.max(outerHigh, o.outerHigh),
      innerLow: Swift.min(innerLow, o.innerLow), innerHigh: Swift.max(innerHigh, o.innerHigh))
  }
}

/// A region of a tensor touched by one event, as the scoreboard remembers it.
struct Access: Sendable {
  var box: ElementBox
  /// For a write, when its result is readable (end plus latency); for a read, when it ends.
  var time: Double
  /// When the event that made the access ended (writes after a write wait for this, not for
  /// the result to be readable).
  var end: Double
  /// The event that made the access.
  var event: Int32
  /// The track (engine lane or DMA queue) of that event.
  var track: Int16
  /// For a write: the latency a dependent instruction on the same engine pays after it.
  var sameEngineLatency: Double = 0

  @inline(__always)
  func overlaps(_ o: Access) -> Bool { box.overlaps(o.box) }

  @inline(__always)
  func covers(_ o: Access) -> Bool { box.covers(o.box) }
}

/// The most recent reads and writes of every physical buffer, at tile-region granularity.
///
/// Each slot (one physical buffer of a tensor) keeps a list of writes and of reads. A new write
/// removes the accesses it covers (anything that later conflicts with them conflicts with the
/// write, which already waited for them); a read removes older reads it covers that ended
/// earlier. When a list grows past ``pruneAt``, accesses that can no longer delay anything (their
/// time plus the longest semaphore is before the horizon, the earliest time any later
/// instruction can start) are dropped; a list that still grows past ``capacity`` merges its two
/// oldest entries into their bounding box with the later time, which can only add waits.
struct Scoreboard: Sendable {
  static let pruneAt = 16
  static let capacity = 256

  var writes: [[Access]]
  var reads: [[Access]]

  init(slots: Int) {
    writes = Array(repeating: [], count: slots)
    reads = Array(repeating: [], count: slots)
  }

  /// Records a write after its conflicts were waited for; `horizon` is the time before which
  /// an access can no longer delay anything.
  mutating func recordWrite(_ a: Access, slot: Int, horizon: Double) {
    writes[slot].removeAll { a.covers($0) }
    reads[slot].removeAll { a.covers($0) }
    writes[slot].append(a)
    Scoreboard.trim(&writes[slot], horizon: horizon)
  }

  /// Records a read.
  mutating func recordRead(_ a: Access, slot: Int, horizon: Double) {
    reads[slot].removeAll { a.covers($0) && $0.time <= a.time }
    reads[slot].append(a)
    Scoreboard.trim(&reads[slot], horizon: horizon)
  }

  private static func trim(_ list: inout [Access], horizon: Double) {
    guard list.count > pruneAt else { return }
    list.removeAll { $0.time < horizon }
    while list.count > capacity { mergeOldest(&list) }
  }

  private static func mergeOldest(_ list: inout [Access]) {
    let a = list[0]
    let b = list[1]
    let later = a.time >= b.time ? a : b
    list[1] = Access(
      box: a.box.union(b.box), time: later.time, end: Swift.max(a.end, b.end), event: later.event, track: later.track,
      sameEngineLatency: Swift.max(a.sameEngineLatency, b.sameEngineLatency))
    list.removeFirst()
  }
}
