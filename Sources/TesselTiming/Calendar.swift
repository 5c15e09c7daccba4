/// The busy intervals of a shared resource that serves several in-order queues (a DMA engine,
/// the DMA issue slot): a transfer that becomes ready early may use a gap before one that was
/// booked later in program order but waits on something.
///
/// The calendar keeps its latest ``capacity`` intervals (dropping the oldest 16 at a time); time
/// before the oldest kept one counts as busy (``floor``), which can only delay a booking, never
/// make one overlap another.
struct Calendar: Sendable {
  static let capacity = 48

  /// Busy intervals, sorted and disjoint.
  private(set) var busy: [(start: Double, end: Double)] = []
  /// No booking starts before this.
  private(set) var floor: Double = 0

  /// Books `duration` at the earliest time at or after `earliest` where it fits; returns its start.
  mutating func book(earliest: Double, duration: Double) -> Double {
    var t = Swift.max(earliest, floor)
    // The first interval that ends after t.
    var lo = 0
    var hi = busy.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if busy[mid].end <= t { lo = mid + 1 } else { hi = mid }
    }
    var i = lo
    while i < busy.count {
      if busy[i].start >= t + duration { break }
      t = Swift.max(t, busy[i].end)
      i += 1
    }
    insert(start: t, end: t + duration, at: i)
    return t
  }

  private mutating func insert(start: Double, end: Double, at i: Int) {
    let touchesPrevious = i > 0 && busy[i - 1].end >= start
    let touchesNext = i < busy.count && busy[i].start <= end
    switch (touchesPrevious, touchesNext) {
    case (true, true):
      busy[i - 1].end = busy[i].end
      busy.remove(at: i)
    case (true, false):
      busy[i - 1].end = Swift.max(busy[i - 1].end, end)
    case (false, true):
      busy[i].start = start
    case (false, false):
      busy.insert((start, end), at: i)
    }
    if busy.count > Calendar.capacity + 16 {
      floor = busy[15].end
      busy.removeFirst(16)
    }
  }
}
