import TesselIR

extension DSLExamples.Current {
  /// `kernels/current/matmul_tiled.py` (`matmul_tiled_kernel`): `lhsTᵀ · rhs` in 128 × 512
  /// output tiles, each a fresh PSUM tile that the first `nc_matmul` overwrites and the others
  /// accumulate into (K, M multiples of 128, N of 512).
  ///
  /// ```swift
  /// let k = DSLExamples.Current.matmulTiled(k: 256, m: 256, n: 1024)
  /// ```
  public static func matmulTiled(k kDim: Int, m mDim: Int, n nDim: Int, dtype: DType = .float32) -> SwiftKernel {
    matmulKernel("matmul_tiled_kernel", k: kDim, m: mDim, n: nDim, dtype: dtype) { lhsT, rhs in
      let result = output("result", shape: [mDim, nDim], dtype: lhsT.dtype)
      let (tileM, tileK, tileN) = (128, 128, 512)
      affineRange(mDim / tileM, name: "m") { m in
        affineRange(nDim / tileN, name: "n") { n in
          let acc = ndarray([tileM, tileN], dtype: .float32, buffer: PSUM.self)
          sequentialRange(kDim / tileK, name: "k") { k in
            let stationary = ndarray([tileK, tileM], dtype: lhsT.dtype)
            let moving = ndarray([tileK, tileN], dtype: rhs.dtype)
            dmaCopy(dst: stationary, src: lhsT[k * tileK ..+ tileK, m * tileM ..+ tileM])
            dmaCopy(dst: moving, src: rhs[k * tileK ..+ tileK, n * tileN ..+ tileN])
            matmul(into: acc, stationary, moving)
          }
          let outTile = ndarray([tileM, tileN], dtype: lhsT.dtype)
          tensorCopy(into: outTile, acc)
          dmaCopy(dst: result[m * tileM ..+ tileM, n * tileN ..+ tileN], src: outTile)
        }
      }
    }
  }

  /// `kernels/current/matmul_basic.py` (`matmul_basic_kernel`): one `nc_matmul` of `lhsT [K, M]`
  /// and `rhs [K, N]` (K, M ≤ 128, N ≤ 512) into a fresh PSUM tile, copied out.
  ///
  /// ```swift
  /// let k = DSLExamples.Current.matmulBasic(k: 128, m: 64, n: 512)
  /// ```
  public static func matmulBasic(k kDim: Int, m mDim: Int, n nDim: Int, dtype: DType = .float32) -> SwiftKernel {
    matmulKernel("matmul_basic_kernel", k: kDim, m: mDim, n: nDim, dtype: dtype) { lhsT, rhs in
      let result = output("result", shape: [mDim, nDim], dtype: lhsT.dtype)
      let stationary = ndarray([kDim, mDim], dtype: lhsT.dtype)
      let moving = ndarray([kDim, nDim], dtype: rhs.dtype)
      dmaCopy(dst: stationary, src: lhsT)
      dmaCopy(dst: moving, src: rhs)
      let product = ndarray([mDim, nDim], dtype: .float32, buffer: PSUM.self)
      matmul(into: product, stationary, moving)
      let outTile = ndarray([mDim, nDim], dtype: result.dtype)
      tensorCopy(into: outTile, product)
      dmaCopy(dst: result, src: outTile)
    }
  }

  /// `kernels/current/matmul_hoisted.py` (`matmul_hoisted_kernel`): the tiled matmul with each
  /// 128-column strip of `lhsT` loaded once per `m` into a `[128, K/128, 128]` tile and each
  /// 512-column strip of `rhs` once per `(m, n)` (K, M multiples of 128, N of 512).
  ///
  /// ```swift
  /// let k = DSLExamples.Current.matmulHoisted(k: 256, m: 256, n: 1024)
  /// ```
  public static func matmulHoisted(k kDim: Int, m mDim: Int, n nDim: Int, dtype: DType = .float32) -> SwiftKernel {
    matmulKernel("matmul_hoisted_kernel", k: kDim, m: mDim, n: nDim, dtype: dtype) { lhsT, rhs in
      let (tileK, tileM, tileN) = (128, 128, 512)
      let kTiles = kDim / tileK
      let result = output("result", shape: [mDim, nDim], dtype: lhsT.dtype)
      affineRange(mDim / tileM, name: "m") { m in
        let lhsStrip = ndarray([tileK, kTiles, tileM], dtype: lhsT.dtype)
        sequentialRange(kTiles, name: "k") { k in
          dmaCopy(dst: lhsStrip[0..., k], src: lhsT[k * tileK ..+ tileK, m * tileM ..+ tileM])
        }
        affineRange(nDim / tileN, name: "n") { n in
          let rhsStrip = ndarray([tileK, kTiles, tileN], dtype: rhs.dtype)
          sequentialRange(kTiles, name: "k") { k in
            dmaCopy(dst: rhsStrip[0..., k], src: rhs[k * tileK ..+ tileK, n * tileN ..+ tileN])
          }
          let acc = ndarray([tileM, tileN], dtype: .float32, buffer: PSUM.self)
          sequentialRange(kTiles, name: "k") { k in
            matmul(into: acc, lhsStrip[0..., k], rhsStrip[0..., k])
          }
          let outTile = ndarray([tileM, tileN], dtype: result.dtype)
          tensorCopy(into: outTile, acc)
          dmaCopy(dst: result[m * tileM ..+ tileM, n * tileN ..+ tileN], src: outTile)
        }
      }
    }
  }

  /// A matmul tutorial kernel: parameters `lhsT [K, M]` and `rhs [K, N]` of one dtype.
  static func matmulKernel(
    _ name: String, k kDim: Int, m mDim: Int, n nDim: Int, dtype: DType,
    @KernelBodyBuilder _ body: @escaping @Sendable (Tensor<HBM>, Tensor<HBM>) -> KernelBody
  ) -> SwiftKernel {
    SwiftKernel(
      name: name, KernelParameter("lhsT", shape: [kDim, mDim], dtype: dtype),
      KernelParameter("rhs", shape: [kDim, nDim], dtype: dtype), body: body)
  }
}
