import Foundation
import Testing

@testable import TesselInterpreter

/// Counts calls per unit; each unit writes only its own slot, as the pool's callers do.
private final class Tally: @unchecked Sendable {
  let counts: UnsafeMutablePointer<Int>
  let count: Int
  init(_ count: Int) {
    self.count = count
    counts = .allocate(capacity: count)
    counts.initialize(repeating: 0, count: count)
  }
  deinit { counts.deallocate() }
  var all: [Int] { Array(UnsafeBufferPointer(start: counts, count: count)) }
}

/// The pool that runs parallel work: every unit runs exactly once, whoever runs it.
@Suite("Worker pool")
struct WorkerPoolTests {
  @Test("every unit runs exactly once", arguments: [0, 1, 2, 3, 64, 1000])
  func everyUnitOnce(units: Int) {
    let pool = WorkerPool(helpers: 3)
    let tally = Tally(Swift.max(units, 1))
    pool.run(units) { tally.counts[$0] += 1 }
    #expect(tally.all.prefix(units).allSatisfy { $0 == 1 })
  }

  @Test("a unit that starts a job of its own (nested) completes both")
  func nested() {
    let pool = WorkerPool(helpers: 2)
    let outer = 8
    let inner = 16
    let tally = Tally(outer * inner)
    pool.run(outer) { i in
      pool.run(inner) { j in tally.counts[i * inner + j] += 1 }
    }
    #expect(tally.all.allSatisfy { $0 == 1 })
  }

  @Test("jobs from several threads at once each complete")
  func concurrentCallers() {
    let pool = WorkerPool(helpers: 2)
    let callers = 4
    let units = 200
    let tally = Tally(callers * units)
    let group = DispatchGroup()
    for c in 0..<callers {
      group.enter()
      Thread.detachNewThread {
        pool.run(units) { u in tally.counts[c * units + u] += 1 }
        group.leave()
      }
    }
    group.wait()
    #expect(tally.all.allSatisfy { $0 == 1 })
  }

  @Test("without helpers, units run in order on the caller")
  func noHelpers() {
    let pool = WorkerPool(helpers: 0)
    var order: [Int] = []
    pool.run(5) { order.append($0) }
    #expect(order == [0, 1, 2, 3, 4])
  }
}
