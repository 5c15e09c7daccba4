/// Why an event started when it did (the last constraint that held it back).
enum StartCause: UInt8, Sendable {
  /// Nothing held it back: it started when the kernel did.
  case start
  /// Its engine or DMA queue was still busy with the previous instruction (program order).
  case engineOrder
  /// It waited for another event's result (or, for a write, for readers of the buffer).
  case dependency
  /// It waited for the core's DMA issue slot.
  case dmaIssue
  /// It waited for a DMA engine (ring) busy with other transfers.
  case dmaEngine
}

/// Every scheduled instruction execution, column by column.
struct EventLog: Sendable {
  var instruction: [Int32] = []
  /// Start on its engine; for a DMA, the start of its issue on its queue.
  var start: [Double] = []
  /// End on its engine; for a DMA, the end of its last transfer piece.
  var end: [Double] = []
  /// When the event stopped waiting and its own activity began (its start, or for a DMA held
  /// by a busy DMA engine, its transfer's start).
  var resumed: [Double] = []
  /// When the constraint that held it back was released (the producer's result, the previous
  /// instruction's end); ``resumed`` minus this is semaphore latency.
  var released: [Double] = []
  /// The event whose time fixed the start (-1: none).
  var predecessor: [Int32] = []
  var cause: [StartCause] = []
  /// Engine lane (0...3) or ``TimingModel/queueTrackBase`` + queue.
  var track: [Int16] = []
  /// The modelled core.
  var core: [UInt8] = []
  /// DMA: its booking of its first DMA engine (start, end at the full rate, engine).
  var transferStart: [Double] = []
  var transferEnd: [Double] = []
  var transferEngine: [Int16] = []
  /// Index into the loop-index snapshots (trace only; -1 otherwise).
  var iteration: [Int32] = []

  var count: Int { instruction.count }

  mutating func reserve(_ n: Int) {
    instruction.reserveCapacity(n)
    start.reserveCapacity(n)
    end.reserveCapacity(n)
    resumed.reserveCapacity(n)
    released.reserveCapacity(n)
    predecessor.reserveCapacity(n)
    cause.reserveCapacity(n)
    track.reserveCapacity(n)
    core.reserveCapacity(n)
    transferStart.reserveCapacity(n)
    transferEnd.reserveCapacity(n)
    transferEngine.reserveCapacity(n)
    iteration.reserveCapacity(n)
  }
}
