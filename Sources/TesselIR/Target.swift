/// A Trainium generation and its NeuronCore's constants.
public enum Target: String, Sendable, Hashable, CaseIterable, Codable {
  /// Trainium 1 / Inferentia 2 (NeuronCore-v2, gen2).
  case trn1
  /// Trainium 2 (NeuronCore-v3, gen3).
  case trn2
  /// Trainium 3 (NeuronCore-v4, gen4).
  case trn3

  /// The maximum partition dimension of an on-chip tile (`nl.tile_size.pmax`).
  public var pmax: Int { 128 }

  /// Usable SBUF bytes per partition (`nl.tile_size.total_available_sbuf_size`).
  public var sbufBytesPerPartition: Int {
    switch self {
    case .trn1: 180_224
    case .trn2: 212_984
    case .trn3: 245_752
    }
  }

  /// PSUM bytes per partition (16 KiB).
  public var psumBytesPerPartition: Int { 16_384 }

  /// Number of PSUM banks (`nl.tile_size.psum_num_banks`).
  public var psumBanks: Int { 8 }

  /// Bytes per partition of one PSUM bank (`psum_bank_fmax_bytes`, 2 KiB = 512 fp32).
  public var psumBankBytes: Int { 2048 }

  /// The largest free size of a PSUM tile in fp32 elements (`nl.tile_size.psum_fmax`).
  public var psumFmax: Int { 512 }

  /// The largest free size of a matmul's stationary operand (`gemm_stationary_fmax`).
  public var gemmStationaryFmax: Int { 128 }

  /// The largest free size of a matmul's moving operand (`gemm_moving_fmax`); trn3 allows 4096
  /// with an fp32 destination.
  public var gemmMovingFmax: Int { self == .trn3 ? 4096 : 512 }

  /// NKI's `nl.tile_size.gemm_moving_fmax` constant: 512 on every target (kernels size their
  /// moving tiles and PSUM tiles by it; trn3's longer moving operand is ``gemmMovingFmax``).
  public var gemmMovingTileFmax: Int { 512 }

  /// The largest free size of one `bn_stats` call (`bn_stats_fmax`).
  public var bnStatsFmax: Int { 512 }

  /// The `nisa.nc_version` generation name (`gen2`, `gen3`, `gen4`).
  public var generation: String {
    switch self {
    case .trn1: "gen2"
    case .trn2: "gen3"
    case .trn3: "gen4"
    }
  }
}
