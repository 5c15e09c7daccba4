/// A region of a tensor touched by one event, as the scoreboard remembers it.
struct Access: Sendable {
  var outerLow: Int
  var outerHigh: Int
  var innerLow: Int
  var innerHigh: Int
  /// For a write, when its result is readable (end plus latency); for a read, when it ends.
  var time: Double
  /// The event that made the access.
  var event: Int32
  /// The track (engine lane or DMA queue) of that event.
  var track: Int16

  @inline(__always)
  func overlaps(_ o: Access) -> Bool {
    outerLow <= o.outerHigh && o.outerLow <= outerHigh && innerLow <= o.innerHigh && o.innerLow <= innerHigh
  }

  @inline(__always)
  func covers(_ o: Access) -> Bool {
    outerLow <= o.outerLow && o.outerHigh <= outerHigh && innerLow <= o.innerLow && o.innerHigh <= innerHigh
  }
}

/// The most recent reads and writes of every physical buffer, at tile-region granularity.
///
/// Each slot (one physical buffer of a tensor) keeps a short list of writes and of reads. A new
/// write removes the accesses it covers (anything that later conflicts with them conflicts with
/// the write, which already waited for them); a read removes older reads it covers that ended
/// earlier. A list that still grows past ``capacity`` merges its two oldest entries into their
/// bounding box with the later time, which can only add waits, never drop one.
struct Scoreboard: Sendable {
  static let capacity = 24

  var writes: [[Access]]
  var reads: [[Access]]

  init(slots: Int) {
    writes = Array(repeating: [], count: slots)
    reads = Array(repeating: [], count: slots)
  }

  /// Records a write after its conflicts were waited for.
  mutating func recordWrite(_ a: Access, slot: Int) {
    writes[slot].removeAll { a.covers($0) }
    reads[slot].removeAll { a.covers($0) }
    writes[slot].append(a)
    if writes[slot].count > Scoreboard.capacity { Scoreboard.mergeOldest(&writes[slot]) }
  }

  /// Records a read.
  mutating func recordRead(_ a: Access, slot: Int) {
    reads[slot].removeAll { a.covers($0) && $0.time <= a.time }
    reads[slot].append(a)
    if reads[slot].count > Scoreboard.capacity { Scoreboard.mergeOldest(&reads[slot]) }
  }

  private static func mergeOldest(_ list: inout [Access]) {
    let a = list[0]
    let b = list[1]
    let later = a.time >= b.time ? a : b
    list[1] = Access(
      outerLow: Swift.min(a.outerLow, b.outerLow), outerHigh: Swift.max(a.outerHigh, b.outerHigh),
      innerLow: Swift.min(a.innerLow, b.innerLow), innerHigh: Swift.max(a.innerHigh, b.innerHigh),
      time: later.time, event: later.event, track: later.track)
    list.removeFirst()
  }
}
