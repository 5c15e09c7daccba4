import TesselIR

/// How an instruction's time is computed: which of the hardware's documented cost formulas applies.
///
/// A rule names a formula family and the few operation-specific facts it needs; the numbers
/// (clocks, initiation intervals, DMA rates) come from ``TimingConstants``, and the sizes from the
/// instruction's views. `N` below is the free size (elements per partition) of the instruction's
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

extension Operation {
  /// The cost formula of the operation (per instruction: some choices depend on its ALU op).
  public var costRule: CostRule {
    switch self {
    case .loopBegin, .loopEnd: .control
    case .load, .store, .dmaCopy: .dma
    case .loadTranspose: .dmaTranspose
    case .matmul: .matmul
    case .transpose: .transpose
    case .broadcast(_, let src):
      src.dims.first?.isBroadcast == true && src.partitionCount > 1 ? .partitionBroadcast : .stream(StreamCost())
    case .tensorTensor: .stream(StreamCost(sharedPort: true, fastPath: .binary))
    case .tensorScalar, .tensorCopy: .stream(StreamCost(fastPath: .copy))
    case .activation(_, _, _, _, _, let reduceOp, _): .stream(StreamCost(extraMinII: reduceOp == nil ? 0 : 1))
    case .reciprocal: .stream(StreamCost(cyclesPerElement: 8))
    case .memset(_, let value): .stream(StreamCost(fastPath: value == 0 ? .halfFor16Bit : .none))
    case .iota, .affineSelect: .stream(StreamCost())
    case .select: .stream(StreamCost(sharedPort: true))
    case .tensorReduce(_, _, let op, _, _):
      .stream(StreamCost(fastPath: op == .add || op == .maximum ? .halfFor16Bit : .none))
    case .tensorPartitionReduce: .stream(StreamCost(cyclesPerElement: 2))
    case .tensorTensorScan: .stream(StreamCost(cyclesPerElement: 2))
    case .bnStats: .stream(StreamCost())
    case .bnAggr: .stream(StreamCost(cyclesPerElement: 13.0 / 3))
    }
  }
}
