import TesselIR

/// Where each tensor's elements live in a run's arena.
///
/// HBM tensors come first, each with its own region. The on-chip region (one copy per worker)
/// follows: on-chip tiles whose live intervals do not overlap share elements, placed first fit
/// over their intervals in order of their starts, as a compiler places them in SBUF and PSUM. A
/// tile is live from its first access to its last in program order, extended over every loop
/// that uses it but does not contain its declaration (``TesselMachine/Allocator/liveIntervals(_:)``),
/// so no tile is ever written or read while another tile that shares its memory holds a value.
/// The region is thus about as large as what a kernel keeps on chip at once, not the sum of
/// every tile it declares: a kernel with thousands of tiles does not fault in gigabytes.
///
/// A fresh tile gets its poison when it is first touched (``ExecutionState/settleFresh(_:)``),
/// which lies in its interval; a tile that is defined before use is written whole by its first
/// touch. So what a shared element held before a tile's interval is never observed.
///
/// Tiles that no instruction accesses (a rolled loop's unused declarations) lie at the start of
/// the region. When sharing is off, every tile has a region of its own (a debugged run, whose
/// stops may show any tile, and ``Interpreter/runPreset(_:accumulation:)``, which hands back
/// every tile's contents).
/// An alias names its base's storage.
struct ArenaLayout {
  /// Arena offset of every tensor: HBM tensors first, then the on-chip region of worker 0.
  var offsets: [Int]
  /// Elements of HBM tensors (the shared region at the start of the arena).
  var hbmCount: Int
  /// Elements of the on-chip region (one per worker).
  var onChipCount: Int
  /// Whether some on-chip tiles may share elements.
  var shares: Bool

  /// Shared tiles start at multiples of this many elements (64 bytes).
  static let alignment = 16

  /// Lays out `kernel`'s tensors; `live` gives the on-chip tiles' live intervals (nil: no sharing).
  init(_ kernel: Kernel, onChip: [Bool], live: [TensorID: ClosedRange<Int>]?) {
    var offsets = Array(repeating: 0, count: kernel.tensors.count)
    var hbm = 0
    for (i, t) in kernel.tensors.enumerated() where !onChip[i] && t.alias == nil {
      offsets[i] = hbm
      hbm += t.elementCount
    }
    // Tiles with an interval, by start: first fit among those whose intervals overlap.
    var shared: [(tensor: Int, live: ClosedRange<Int>)] = []
    var own: [Int] = []
    for (i, t) in kernel.tensors.enumerated() where onChip[i] && t.alias == nil {
      // A bitcast view has memory of its own here, filled and written back around each
      // instruction naming it; the allocator counts those accesses as its base's.
      if let r = live?[kernel.memoryOwner(of: TensorID(i))] { shared.append((i, r)) } else { own.append(i) }
    }
    shared.sort {
      $0.live.lowerBound != $1.live.lowerBound ? $0.live.lowerBound < $1.live.lowerBound : $0.tensor < $1.tensor
    }
    var active: [(end: Int, elements: Range<Int>)] = []
    var extent = 0
    var overlaps = false
    for (t, r) in shared {
      active.removeAll { $0.end < r.lowerBound }
      active.sort { $0.elements.lowerBound < $1.elements.lowerBound }
      let n = kernel.tensors[t].elementCount
      var off = 0
      for b in active {
        if off + n <= b.elements.lowerBound { break }
        if b.elements.upperBound > off {
          off = (b.elements.upperBound + Self.alignment - 1) / Self.alignment * Self.alignment
        }
      }
      if off < extent { overlaps = true }
      offsets[t] = hbm + off
      active.append((r.upperBound, off..<(off + n)))
      extent = Swift.max(extent, off + n)
    }
    if live == nil {
      for t in own {
        offsets[t] = hbm + extent
        extent += kernel.tensors[t].elementCount
      }
    } else {
      // No instruction touches these: they lie over the others (only a copy of the whole region
      // ever names them, which moves the same elements for them as for the tiles below).
      for t in own {
        offsets[t] = hbm
        overlaps = overlaps || extent > 0
        extent = Swift.max(extent, kernel.tensors[t].elementCount)
      }
    }
    for (i, t) in kernel.tensors.enumerated() { if let a = t.alias { offsets[i] = offsets[a.base.index] + a.offset } }
    self.offsets = offsets
    hbmCount = hbm
    onChipCount = extent
    shares = overlaps
  }
}
