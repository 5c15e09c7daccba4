import COpenBLAS
import TesselNumerics

/// Trainium3's microscaling (MX) block arithmetic on dense buffers: `nisa.quantize_mx` and the
/// product of `nisa.nc_matmul_mx`.
///
/// An MX tile of `P` partitions holds packed `_x4` elements, each four fp8 (or fp4) values; here a
/// packed element is four consecutive `Float`s, so a `[P, F]` `_x4` tile is a dense `[P, F, 4]`
/// buffer. A scaling block is 8 partitions × one packed element (32 values) and shares one scale
/// byte `s` meaning `2^(s - 127)`. Scales sit in the partition quadrant their block comes from:
/// block `g = p / 8` of a tile of more than 32 partitions uses scale partition
/// `32·(g / 4) + g % 4`; a tile of at most 32 partitions keeps its `P / 8` scale rows together.
enum MXBlocks {
  /// Partitions per scaling block.
  static let blockPartitions = 8
  /// Values per packed element.
  static let lanes = 4

  /// The scale partition of data partition `p` of a tile of `partitions` partitions.
  @inline(__always)
  static func scalePartition(of p: Int, partitions: Int) -> Int {
    let g = p / blockPartitions
    return partitions <= 32 ? g : (g / 4) * 32 + g % 4
  }

  /// `nisa.quantize_mx`: quantizes a dense `[rows, 4·columns]` source into `[rows, columns, 4]`
  /// values of the element format and one biased scale exponent per block.
  ///
  /// The block scale is `X = 2^(⌊log2 amax⌋ - (maxExponent - 1))` (twice the OCP reference scale,
  /// which leaves room to round the largest values without saturating), `2^-127` for an
  /// all-zero block; each value becomes `element(x / X)`.
  ///
  /// - Parameters:
  ///   - maxExponent: the element format's largest unbiased exponent (8 for `float8_e4m3fn`,
  ///     15 for `float8_e5m2`).
  ///   - element: rounds an fp32 value to the element format.
  ///   - scaleRows: the scale tile's partitions (`rows / 8` for a tile of at most 32 partitions,
  ///     `rows` otherwise); `scales` is dense `[scaleRows, columns]` and receives the biased
  ///     exponents (rows that hold no scale are left alone).
  static func quantize(
    src: UnsafeBufferPointer<Float>, rows: Int, columns: Int, maxExponent: Int, element: (Float) -> Float,
    data: UnsafeMutableBufferPointer<Float>, scales: UnsafeMutableBufferPointer<Float>
  ) {
    let width = columns * lanes
    for g in 0..<(rows / blockPartitions) {
      let sp = scalePartition(of: g * blockPartitions, partitions: rows)
      for j in 0..<columns {
        var amax: Float = 0
        var nan = false
        for p in (g * blockPartitions)..<((g + 1) * blockPartitions) {
          for q in 0..<lanes {
            let x = src[p * width + j * lanes + q]
            if x.isNaN { nan = true } else { amax = Swift.max(amax, x.magnitude) }
          }
        }
        let biased: Int
        if nan {
          biased = 0xFF
        } else if amax == 0 {
          biased = 0
        } else if !amax.isFinite {
          biased = 0xFE
        } else {
          biased = Swift.max(0, Swift.min(0xFE, Int(amax.exponent) - (maxExponent - 1) + MXScale.bias))
        }
        scales[sp * columns + j] = Float(biased)
        let inverse = biased == 0xFF ? Float.nan : 1 / MXScale.decode(UInt32(biased))
        for p in (g * blockPartitions)..<((g + 1) * blockPartitions) {
          for q in 0..<lanes {
            let i = p * width + j * lanes + q
            data[i] = element(src[i] * inverse)
          }
        }
      }
    }
  }

  /// The product of `nisa.nc_matmul_mx`: `c[m, n] = Σ_k Σ_q st[k, m, q]·a(k, m) · mv[k, n, q]·b(k, n)`,
  /// accumulated in fp32, where `a` and `b` give the scale factor (`2^(s - 127)`) of the block of
  /// each element.
  ///
  /// - Parameters:
  ///   - stationary: dense `[K, M, 4]` values.
  ///   - moving: dense `[K, N, 4]` values.
  ///   - c: dense `[M, N]`, overwritten.
  static func product(
    stationary: UnsafeBufferPointer<Float>, moving: UnsafeBufferPointer<Float>, K: Int, M: Int, N: Int,
    stationaryScale: (Int, Int) -> Float, movingScale: (Int, Int) -> Float, into c: UnsafeMutableBufferPointer<Float>
  ) {
    // Scaled operands with the four lanes as extra contraction rows: [K·4, M] and [K·4, N].
    var a = [Float](repeating: 0, count: K * lanes * M)
    var b = [Float](repeating: 0, count: K * lanes * N)
    for k in 0..<K {
      for m in 0..<M {
        let s = stationaryScale(k, m)
        for q in 0..<lanes { a[(k * lanes + q) * M + m] = stationary[(k * M + m) * lanes + q] * s }
      }
      for n in 0..<N {
        let s = movingScale(k, n)
        for q in 0..<lanes { b[(k * lanes + q) * N + n] = moving[(k * N + n) * lanes + q] * s }
      }
    }
    guard let cBase = c.baseAddress else { return }
    guard M > 0 && N > 0 && K > 0 else {
      cBase.update(repeating: 0, count: M * N)
      return
    }
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        guard let a0 = ap.baseAddress, let b0 = bp.baseAddress else { return }
        cblas_sgemm(
          CblasRowMajor, CblasTrans, CblasNoTrans, Int32(M), Int32(N), Int32(K * lanes), 1, a0, Int32(M), b0,
          Int32(N), 0, cBase, Int32(N))
      }
    }
  }
}
