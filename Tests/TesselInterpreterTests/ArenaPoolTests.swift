import Testing

@testable import TesselInterpreter

/// The pool of released arenas that repeated runs reuse instead of faulting in fresh memory.
@Suite("Arena pool")
struct ArenaPoolTests {
  @Test func reusesFittingArenasAndStaysWithinItsBounds() {
    let pool = ArenaPool(maxCount: 2, maxBytes: 4000)
    let a = pool.take(100)
    #expect(a.capacity == 100)
    pool.give(a.memory, capacity: a.capacity)
    // Reused for a request it fits without wasting more than half of it.
    let b = pool.take(60)
    #expect(b.memory == a.memory && b.capacity == 100)
    pool.give(b.memory, capacity: b.capacity)
    // Not for a request it is too small for, nor for one that would waste most of it.
    let c = pool.take(101)
    #expect(c.memory != a.memory)
    let d = pool.take(40)
    #expect(d.memory != a.memory)
    pool.give(c.memory, capacity: c.capacity)
    pool.give(d.memory, capacity: d.capacity)
    // At most two kept: the oldest (a) went.
    #expect(pool.keptBytes == (101 + 40) * 4)
    // The latest is always kept, whatever its size.
    let big = pool.take(5000)
    pool.give(big.memory, capacity: big.capacity)
    #expect(pool.keptBytes == (40 + 5000) * 4)
    pool.purge()
    #expect(pool.keptBytes == 0)
    // Beyond the latest, at most `maxBytes` are kept: the oldest go first.
    let wide = ArenaPool(maxCount: 4, maxBytes: 2000)
    for n in [600, 200, 700] {
      let m = wide.take(n)
      wide.give(m.memory, capacity: m.capacity)
    }
    #expect(wide.keptBytes == (200 + 700) * 4)
    wide.purge()
  }
}
