/// How an instruction's time is computed: which of the hardware's documented cost formulas applies.
///
/// Every operation states its rule in its row of the operation table (``OperationInfo/cost``),
/// refined per instruction by ``OperationPayload/cost`` where an attribute changes it. A rule names
/// a formula family and the few operation-specific facts it needs; the timing model
/// (`TesselTiming`) evaluates it with a target's constants (clocks, initiation intervals, DMA
/// rates) and the sizes of the instruction's views. `N` below is the free size (elements per partition) of the instruction's
/// iteration space, or of its widest input; partition counts below 128 cost the same as 128 on
/// the compute engines.
public enum CostRule: Sendable, Hashable {
  /// Loop markers: no time of their own.
  case control
  /// A DMA transfer: issue on a DMA queue, then descriptors and bytes on the DMA engines.
  case dma
  /// A DMA transpose (`load_transpose2d`): a transfer at a fraction of the copy rate.
  case dmaTranspose
  /// `nc_matmul`: `max(64, moving free)` PE cycles (the ISA's `max(min(64, stationary free),
  /// moving free)` with the documented 64-cycle MultiplyMoving floor), times the fp32 factor when
  /// an input is fp32.
  case matmul
  /// A transpose: on the Tensor engine `max(P, min(64, F))` cycles (times the fp32 factor); on the
  /// Vector engine a one-pass stream.
  case transpose
  /// A copy across partitions (`broadcast_to` of a `[1, F]` tile): the compiler lowers it to a
  /// Tensor-engine matmul with a ones vector into PSUM, so it costs `max(64, F)` PE cycles and
  /// its result is read from PSUM.
  case partitionBroadcast
  /// An ACT/DVE/POOL instruction streaming `N` elements per partition.
  case stream(StreamCost)
}

/// The streaming cost of an ACT/DVE/POOL instruction:
/// `max(MIN_II, cyclesPerElement · N / speedup + overhead) + extraMinII · MIN_II (+ start-up on GpSimd)`.
public struct StreamCost: Sendable, Hashable {
  /// Cycles per element per partition for one input port (1 for a one-pass instruction).
  public var cyclesPerElement: Double
  /// Whether two inputs read from the same memory share one port and take twice as long
  /// (the Vector engine's `tensor_tensor` rule: SBUF + SBUF costs 2N, SBUF + PSUM costs N).
  public var sharedPort: Bool
  /// Extra initiation intervals (an accumulator read-out such as `activation`'s reduce).
  public var extraMinII: Int
  /// Which Vector performance mode can speed the instruction up on trn2/trn3.
  public var fastPath: FastPath

  /// A Vector-engine performance mode class.
  public enum FastPath: Sendable, Hashable {
    /// No speed-up.
    case none
    /// Copies and `tensor_scalar`: up to ``TimingConstants/vectorFastCopyFactor`` with 16-bit
    /// operands in SBUF and unit stride.
    case copy
    /// `tensor_tensor`: ``TimingConstants/vectorFastBinaryFactor`` with 16-bit operands in SBUF.
    case binary
    /// Half the cycles when input and output are 16-bit (bf16 `tensor_reduce` add/max, a zero
    /// `memset` into a 16-bit tile).
    case halfFor16Bit
  }

  /// Creates a streaming cost.
  public init(
    cyclesPerElement: Double = 1, sharedPort: Bool = false, extraMinII: Int = 0, fastPath: FastPath = .none
  ) {
    self.cyclesPerElement = cyclesPerElement
    self.sharedPort = sharedPort
    self.extraMinII = extraMinII
    self.fastPath = fastPath
  }
}
