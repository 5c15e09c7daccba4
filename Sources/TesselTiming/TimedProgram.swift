import TesselIR
import TesselMachine

/// A ``SlotAffine`` whose terms live in ``TimedProgram/terms`` (slot, coefficient pairs from
/// `start`), so that the walk reads it without touching reference counts.
struct PackedAffine: Sendable {
  var constant: Int
  var start: Int32
  var count: Int32

  @inline(__always)
  func value(_ env: UnsafePointer<Int>, _ terms: UnsafePointer<Int>) -> Int {
    var v = constant
    var t = Int(start) * 2
    for _ in 0..<Int(count) {
      v &+= terms[t + 1] &* env[terms[t]]
      t += 2
    }
    return v
  }
}

/// One operand's footprint: the box of tensor elements it touches (``ElementBox``), as affine
/// starts along the tensor's first dimension and its flattened remaining dimensions plus a fixed
/// extent around them.
///
/// Exact for the rectangular tiles kernels use; conservative otherwise. Compiling builds it with
/// ``SlotAffine`` starts; the walk reads it packed (``PackedFootprint``: plain values only).
struct Footprint<Affine: Sendable>: Sendable {
  /// The scoreboard slot of the tensor's first physical buffer.
  var firstSlot: Int
  /// How many physical buffers the tensor rotates through (1: no rotation).
  var buffers: Int
  /// The loop whose iterations rotate the buffers (its `loopBegin` index), or -1.
  var rotatingLoop: Int
  /// Whether the operand is written.
  var isWrite: Bool
  /// The start along the first dimension and along the flattened remaining dimensions.
  var outer: Affine
  var inner: Affine
  /// The elements touched, relative to the two starts.
  var extent: ElementBox

  /// The same footprint with its two affine starts converted by `convert`.
  func mapAffine<Other: Sendable>(_ convert: (Affine) -> Other) -> Footprint<Other> {
    Footprint<Other>(
      firstSlot: firstSlot, buffers: buffers, rotatingLoop: rotatingLoop, isWrite: isWrite, outer: convert(outer),
      inner: convert(inner), extent: extent)
  }
}

/// A ``Footprint`` as the walk reads it: its affine terms live in ``TimedProgram/terms``.
typealias PackedFootprint = Footprint<PackedAffine>

/// How an instruction occupies the machine.
enum TimedKind: Sendable {
  case loopBegin(Loop)
  case loopEnd(begin: Int)
  /// A compute instruction on engine lane 0...3 (Tensor, Vector, Scalar, GpSimd).
  case compute(lane: Int)
  /// A DMA on a queue.
  case dma(queue: Int)
  /// Not executed: the compiler folds it into another instruction.
  case skip
}

/// A mask condition over the iteration space reduced to what the cost needs: a bound on one
/// dimension (`coef · i_dim + offset(env) >= 0`), or a condition over several dimensions that
/// the estimate ignores (counts the whole extent).
struct MaskBound: Sendable {
  var dimension: Int
  var coefficient: Int
  var offset: SlotAffine
}

/// One instruction prepared for the scheduler: what it occupies, its cost inputs and footprints.
struct TimedInstruction: Sendable {
  var kind: TimedKind
  var engine: Engine
  var rule: CostRule
  /// The iteration space's extents (what masks restrict).
  var counts: [Int]
  /// Partitions and free size of the iteration space.
  var partitions: Int
  var free: Int
  /// Time on its engine (or, for a DMA, on each DMA engine it uses) without a mask.
  var busyNs: Double
  /// Extra time after the busy time before the result can be read (matmul pipeline).
  var latencyNs: Double
  /// A DMA's time in its own queue's lane of each DMA engine (its single-stream rate).
  var laneNs: Double = 0
  /// DMA: how many DMA engines the transfer spreads over.
  var dmaEngines: Int
  /// DMA: the index of its queue lane (one per DMA instruction of the kernel), or -1.
  var dmaLane: Int = -1
  /// Its footprints: `TimedProgram.footprints[footprintStart ..< footprintStart + footprintCount]`.
  var footprintStart: Int = 0
  var footprintCount: Int = 0
  /// Mask bounds (empty when unmasked).
  var mask: [MaskBound]
  var hasMask: Bool
  /// Static inputs of the cost formulas, kept to re-cost masked executions.
  var costInputs: CostInputs
  /// A hoisted loop-invariant instruction runs only when these loop variables (env slots) are
  /// at their first value.
  var firstIterationOnly: [(slot: Int, start: Int)] = []
  /// Whether ``firstIterationOnly`` is not empty.
  var isHoisted: Bool = false
  /// A second compute lane the instruction may run on (the compiler's choice), or -1, and its
  /// busy time there.
  var alternativeLane: Int = -1
  var alternativeBusyNs: Double = 0
  /// The program of a multi-program launch that issues it (``Instruction/program``).
  var program: Int = 0
}

/// The sizes and facts the cost formulas read, computed once per instruction.
struct CostInputs: Sendable {
  /// Free size the stream cost scales with (the widest of iteration space and inputs).
  var streamFree: Int = 1
  /// Matmul: the moving operand's free size.
  var movingFree: Int = 1
  /// Whether an input (or, for a transpose, the data) is fp32.
  var float32: Bool = false
  /// Two inputs share one memory port.
  var sharedPort: Bool = false
  /// Every operand is 16-bit.
  var all16Bit: Bool = false
  /// Every operand is in SBUF.
  var allSBUF: Bool = false
  /// Every operand's innermost step is one element.
  var unitStride: Bool = false
  /// Transpose source partitions and free size.
  var transposePartitions: Int = 1
  /// DMA: bytes and descriptors per partition.
  var dmaBytesPerPartition: Double = 0
  var dmaDescriptorsPerPartition: Int = 0
}
