import TesselIR

/// Handing outputs back: poison turned into NaN, or, for outputs whose writes are recorded,
/// never-written elements found from the per-worker write maps.
///
/// Poisoning an output costs a pass over it before the run and another after it; an output the
/// kernel never reads needs neither, because nothing can observe its never-written elements
/// during the run. Such outputs start with whatever their memory holds, every write marks its
/// elements in a byte map of the worker that made it, and the maps decide at the end which
/// elements come back as NaN.
extension Interpreter {
  /// The tensors whose writes are recorded (``recordsWrites``): HBM outputs that no instruction
  /// reads, and output *parameters* (written, never read, not returned), whose coverage is
  /// checked after the run; in both cases only when every writing instruction writes through its
  /// destination view, unmasked or with a mask over that view's own iteration space (so that the
  /// written set is exact).
  static func recordedOutputs(
    _ kernel: Kernel, program: [CompiledInstruction], onChip: [Bool], read: [Bool], written: [Bool]
  ) -> [Bool] {
    var result = Array(repeating: false, count: kernel.tensors.count)
    // Writes through an alias of the output land in its storage, not through its own views.
    let aliased = Set(kernel.tensors.compactMap { $0.alias?.base })
    for o in kernel.outputs where !onChip[o.index] && !read[o.index] && kernel[o].role == .local && !aliased.contains(o)
    {
      result[o.index] = true
    }
    let returned = Set(kernel.outputs.map(\.index))
    for p in kernel.parameters
    where written[p.tensor.index] && !read[p.tensor.index] && !returned.contains(p.tensor.index)
      && !aliased.contains(p.tensor)
    {
      result[p.tensor.index] = true
    }
    for ci in program {
      let op = ci.instruction.operation
      for d in op.destinations where result[d.tensor.index] {
        let exact =
          ci.facts.destination == d.tensor.index && op.destinations.count == 1
          && (ci.mask.isEmpty || ci.views.first?.strides.count == ci.counts.count)
        if !exact { result[d.tensor.index] = false }
      }
    }
    return result
  }
}

extension Interpreter {
  /// Whether a run may lend a parameter's memory unfilled and fill only the elements the kernel
  /// left unwritten afterwards (``ParameterSource/inPlaceFilling(_:fill:)``): its writes are
  /// recorded (the kernel never reads it, through any view, and writes it only where a write map
  /// follows exactly), it can be lent, and no debugger can show its contents mid-run.
  public func fillsOnlyUnwritten(_ t: TensorID) -> Bool {
    kernel[t].role == .parameter && recordsWrites[t.index] && bindSlots[t.index] >= 0 && options.debugger == nil
  }
}

/// A bitmap of written elements: bit `i % 64` of word `i / 64` is set once element `i` is.
struct WriteBitmap {
  let words: UnsafeMutablePointer<UInt64>
  let count: Int
  var wordCount: Int { (count + 63) / 64 }

  /// A bitmap of `count` clear bits.
  init(count: Int) {
    self.count = count
    let w = Swift.max(1, (count + 63) / 64)
    words = .allocate(capacity: w)
    words.initialize(repeating: 0, count: w)
  }

  func deallocate() { words.deallocate() }

  /// Sets bits `lo..<hi`: whole words at once, the partial ones at the ends bit by bit.
  @inline(__always)
  func set(_ lo: Int, _ hi: Int) {
    guard lo < hi else { return }
    let first = lo >> 6
    let last = (hi - 1) >> 6
    let head: UInt64 = ~0 << UInt64(lo & 63)
    let tail: UInt64 = ~0 >> UInt64(63 - ((hi - 1) & 63))
    if first == last {
      words[first] |= head & tail
      return
    }
    words[first] |= head
    if last > first + 1 { (words + first + 1).update(repeating: ~0, count: last - first - 1) }
    words[last] |= tail
  }

  @inline(__always)
  func set(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }

  @inline(__always)
  func isSet(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
}

extension ExecutionState {
  /// Marks the elements an instruction wrote in this state's bitmap of a recorded output.
  func recordWrite(_ ci: CompiledInstruction, tensor d: Int) {
    guard let unmasked = ci.destinationRows else { return }
    let n = interpreter.kernel.tensors[d].elementCount
    let map: WriteBitmap
    if let m = writeMaps[d] {
      map = m
    } else {
      map = WriteBitmap(count: n)
      writeMaps[d] = map
    }
    let envp = UnsafePointer(env)
    let fv = ci.views[0]
    let masked = !ci.mask.isEmpty && !ci.maskKeepsAll(envp)
    // `recordedOutputs` only admits masked writers whose masked walk exists.
    let it = masked ? (ci.destinationMaskedRows ?? unmasked) : unmasked
    let st = it.innerStrides[0]
    it.forEachRow(start: SIMD4(fv.offset(envp) - tensorBase(d), 0, 0, 0), mask: masked ? ci.mask : [], env: envp) {
      off, _, lo, hi in
      let first = off[0] &+ lo &* st
      if st == 1 && first >= 0 && first &+ (hi - lo) <= n {
        map.set(first, first + hi - lo)
      } else {
        for j in lo..<hi {
          let i = off[0] &+ j &* st
          if i >= 0 && i < n { map.set(i) }
        }
      }
    }
  }

  /// Writes an output's values into `buffer` (which may be the output's own lent memory), with
  /// NaN for every element the kernel never wrote, and returns how many those were.
  func finishOutput(_ o: TensorID, into buffer: UnsafeMutableBufferPointer<Float>) -> Int {
    let t = o.index
    guard interpreter.recordsWrites[t] else { return unpoison(o, into: buffer) }
    let n = Swift.min(buffer.count, interpreter.kernel[o].elementCount)
    guard n > 0, let out = buffer.baseAddress else { return 0 }
    // Poison reaches an output only through a read of never-written memory, which is warned
    // about; then (or when those reads are not checked) the values go through `unpoison`, which
    // turns copies of poison into plain NaN. Otherwise they are copied as they are.
    if !warnings.isEmpty || !interpreter.options.checkUninitializedReads {
      _ = unpoison(o, into: buffer)
    } else {
      let src = arena + tensorBase(t)
      if src != out {
        concurrentChunks(n, parts: interpreter.workerCount) { r in
          (out + r.lowerBound).update(from: src + r.lowerBound, count: r.count)
        }
      }
    }
    guard let written = mergedWriteMap(t) else {
      out.update(repeating: .nan, count: n)
      return n
    }
    var missing = 0
    for w in 0..<written.wordCount where written.words[w] != ~0 {
      for i in (w * 64)..<Swift.min(n, w * 64 + 64) where !written.isSet(i) {
        out[i] = .nan
        missing += 1
      }
    }
    return missing
  }

  /// The union of every worker's bitmap of a recorded tensor, kept in this state (nil when
  /// nothing wrote it).
  func mergedWriteMap(_ t: Int) -> WriteBitmap? {
    var map = writeMaps[t]
    for w in workers {
      guard let m = w.writeMaps[t] else { continue }
      guard let mine = map else {
        map = m
        w.writeMaps[t] = nil
        writeMaps[t] = m
        continue
      }
      for i in 0..<mine.wordCount { mine.words[i] |= m.words[i] }
    }
    return map
  }

  /// Calls `fill(range, memory)` for every run of elements of a recorded tensor that no
  /// instruction wrote (all of them when nothing wrote it).
  func fillUnwritten(
    _ t: Int, _ memory: UnsafeMutableBufferPointer<Float>,
    _ fill: (Range<Int>, UnsafeMutableBufferPointer<Float>) -> Void
  ) {
    let n = Swift.min(memory.count, interpreter.kernel.tensors[t].elementCount)
    guard let written = mergedWriteMap(t) else {
      if n > 0 { fill(0..<n, memory) }
      return
    }
    var start = -1
    for w in 0..<written.wordCount where written.words[w] != ~0 || start >= 0 {
      for i in (w * 64)..<Swift.min(n, w * 64 + 64) {
        if written.isSet(i) {
          if start >= 0 { fill(start..<i, memory) }
          start = -1
        } else if start < 0 {
          start = i
        }
      }
    }
    if start >= 0 { fill(start..<n, memory) }
  }

  /// How many elements of a recorded tensor no instruction wrote.
  func unwrittenCount(of t: Int) -> Int {
    let n = interpreter.kernel.tensors[t].elementCount
    guard let written = mergedWriteMap(t) else { return n }
    var missing = 0
    for w in 0..<written.wordCount where written.words[w] != ~0 {
      for i in (w * 64)..<Swift.min(n, w * 64 + 64) where !written.isSet(i) { missing += 1 }
    }
    return missing
  }

  /// Writes a tensor's values, poison replaced by NaN, into `buffer` (which may be the tensor's
  /// own lent memory) and returns how many elements were poison.
  func unpoison(_ t: TensorID, into buffer: UnsafeMutableBufferPointer<Float>) -> Int {
    let n = Swift.min(buffer.count, interpreter.kernel[t].elementCount)
    guard n > 0, let out = buffer.baseAddress else { return 0 }
    let base = UnsafeRawPointer(arena + tensorBase(t.index)).assumingMemoryBound(to: UInt32.self)
    let o = UnsafeMutableRawPointer(out).assumingMemoryBound(to: UInt32.self)
    let inPlace = UnsafeRawPointer(o) == base
    let parts = interpreter.workerCount
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: parts)
    counts.initialize(repeating: 0, count: parts)
    defer { counts.deallocate() }
    concurrentChunks(n, parts: parts) { (k: Int, r: Range<Int>) in
      var poisoned = 0
      if inPlace {
        // Only poisoned elements are rewritten, so a fully written output is only read.
        for i in r where base[i] == Poison.bits {
          poisoned &+= 1
          o[i] = Float.nan.bitPattern
        }
      } else {
        for i in r {
          let b = base[i]
          let p = b == Poison.bits
          poisoned &+= p ? 1 : 0
          o[i] = p ? Float.nan.bitPattern : b
        }
      }
      counts[k] = poisoned
    }
    var total = 0
    for k in 0..<parts { total += counts[k] }
    return total
  }
}
