import TesselIR

/// A memory that a DSL tensor or tile can live in, as a phantom type parameter.
///
/// The markers ``HBM``, ``SBUF`` and ``PSUM`` never have values; they only appear as the `Space`
/// of ``Tensor`` and ``Tile`` so that the compiler rejects data movement the hardware forbids.
///
/// ```swift
/// let x: Tensor<HBM> = args[0]
/// let t: Tile<SBUF> = load(x[0 ..< 128, 0 ..< 512])   // load only goes HBM → SBUF
/// ```
public protocol MemoryKind: Sendable {
  /// The IR memory space the marker stands for (the default one, for HBM).
  static var memorySpace: MemorySpace { get }
}

/// Device memory (HBM): kernel parameters and outputs.
public protocol DeviceMemory: MemoryKind {}

/// On-chip memory (SBUF or PSUM): tiles with the partition dimension first.
public protocol OnChipMemory: MemoryKind {}

/// On-chip memory that the GpSimd engine can read and write (SBUF only; never PSUM).
public protocol GpSimdAccessible: OnChipMemory {}

/// `nl.hbm` / `nl.shared_hbm`: device memory, row-major.
///
/// Parameters are `hbm`, outputs `shared_hbm`.
public enum HBM: DeviceMemory {
  /// `.hbm`.
  public static var memorySpace: MemorySpace { .hbm }
}

/// `nl.sbuf`: the 128-partition State Buffer, where every compute engine reads and writes.
public enum SBUF: GpSimdAccessible {
  /// `.sbuf`.
  public static var memorySpace: MemorySpace { .sbuf }
}

/// `nl.psum`: the partial-sum buffer the Tensor engine writes (at most 2 KiB per partition).
public enum PSUM: OnChipMemory {
  /// `.psum`.
  public static var memorySpace: MemorySpace { .psum }
}
