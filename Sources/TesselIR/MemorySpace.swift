/// Where a tensor lives: device memory (HBM) or on-chip buffers (SBUF, PSUM).
public enum MemorySpace: String, Sendable, Hashable, CaseIterable, Codable {
  /// `nl.hbm`: device memory, row-major, visible to one program instance.
  case hbm
  /// `nl.shared_hbm`: device memory visible to every SPMD program instance (kernel outputs).
  case sharedHBM = "shared_hbm"
  /// `nl.private_hbm`: device memory private to one SPMD program instance.
  case privateHBM = "private_hbm"
  /// `nl.sbuf`: the 128-partition State Buffer.
  case sbuf
  /// `nl.psum`: the 128-partition partial-sum buffer written by the Tensor engine.
  case psum

  /// Whether the space is on chip (SBUF or PSUM): tensors there have the partition dimension first.
  public var isOnChip: Bool { self == .sbuf || self == .psum }

  /// Whether the space is device memory (any HBM flavour).
  public var isHBM: Bool { !isOnChip }

  /// The NKI spelling (`hbm`, `shared_hbm`, `sbuf`, ...).
  public var nkiName: String { rawValue }
}

/// An engine of the NeuronCore that executes an instruction.
public enum Engine: String, Sendable, Hashable, CaseIterable, Codable {
  /// The 128×128 systolic Tensor engine (PE): matmul and transpose, writes PSUM only.
  case tensor
  /// The Vector engine (DVE).
  case vector
  /// The Scalar engine (ACT): activation functions.
  case scalar
  /// The GpSimd engine (POOL): iota, affine_select, partition reductions; never touches PSUM.
  case gpsimd
  /// The DMA queues: the only engine that reaches HBM.
  case dma
}
