import TesselIR

/// The matmul examples' tile sizes, those of one Tensor-engine instruction: the contraction
/// (partition) tile, the stationary tile's free size and the moving tile's free size.
private let tileK = 128
private let tileM = 128
private let tileN = 512

extension DSLExamples {
  /// A matmul kernel's declaration: parameters `lhsT [K, M]` and `rhs [K, N]`, located at the
  /// example that calls it.
  static func matmulKernel(
    _ name: String, _ k: Int, _ m: Int, _ n: Int, _ dtype: DType, fileID: String = #fileID, line: Int = #line,
    column: Int = #column,
    @KernelBodyBuilder body: @escaping @Sendable (Tensor<HBM>, Tensor<HBM>) -> KernelBody
  ) -> SwiftKernel {
    SwiftKernel(
      name: name, KernelParameter("lhsT", shape: [k, m], dtype: dtype),
      KernelParameter("rhs", shape: [k, n], dtype: dtype),
      fileID: fileID, line: line, column: column, body: body)
  }

  /// `kernels/matmul_basic.py` (`matmul_basic_kernel`): one Tensor-engine instruction,
  /// `lhsT[K, M]ᵀ · rhs[K, N]` with K, M ≤ 128 and N ≤ 512.
  ///
  /// ```swift
  /// let k = DSLExamples.matmulBasic(k: 128, m: 64, n: 512)
  /// ```
  public static func matmulBasic(k K: Int, m M: Int, n N: Int, dtype: DType = .float32) -> SwiftKernel {
    matmulKernel("matmul_basic_kernel", K, M, N, dtype) { lhsT, rhs in
      let result = output("result", shape: [M, N], dtype: lhsT.dtype)
      let lhsTTile = load(lhsT[0..<K, 0..<M])
      let rhsTile = load(rhs[0..<K, 0..<N])
      // nl.matmul(lhsT_tile, rhs_tile, transpose_x=True)
      let resultPsum = matmul(lhsTTile, rhsTile)
      let resultSBUF = copy(resultPsum, dtype: result.dtype)
      store(result[0..<M, 0..<N], value: resultSBUF)
    }
  }

  /// `kernels/matmul_tiled.py` (`matmul_tiled_kernel`): one PSUM accumulator per `[128, 512]`
  /// output tile, `res_psum += nc_matmul(...)` over the K tiles.
  ///
  /// ```swift
  /// let k = DSLExamples.matmulTiled(k: 256, m: 256, n: 1024)
  /// ```
  public static func matmulTiled(k K: Int, m M: Int, n N: Int, dtype: DType = .float32) -> SwiftKernel {
    matmulKernel("matmul_tiled_kernel", K, M, N, dtype) { lhsT, rhs in
      let result = output("result", shape: [M, N], dtype: lhsT.dtype)
      affineRange(M / tileM, name: "m") { m in
        affineRange(N / tileN, name: "n") { n in
          let resPsum = zeros([tileM, tileN], dtype: .float32, buffer: PSUM.self)
          affineRange(K / tileK, name: "k") { k in
            let lhsTTile = load(lhsT[k * tileK ..+ tileK, m * tileM ..+ tileM])
            let rhsTile = load(rhs[k * tileK ..+ tileK, n * tileN ..+ tileN])
            resPsum += matmul(lhsTTile, rhsTile)
          }
          let resSBUF = copy(resPsum, dtype: result.dtype)
          store(result[m * tileM ..+ tileM, n * tileN ..+ tileN], value: resSBUF)
        }
      }
    }
  }

  /// `kernels/matmul_hoisted.py` (`matmul_hoisted_kernel`): the K tiles of an lhsT column strip
  /// loaded once per `m`, of an rhs strip once per `(m, n)`.
  ///
  /// The legacy block layout `(k_tiles, par_dim(128), F)` is stored partition-first as
  /// `[128, k_tiles, F]`; `strip[k, i_p, i_f]` is `strip[0..., k]`.
  ///
  /// ```swift
  /// let k = DSLExamples.matmulHoisted(k: 256, m: 256, n: 1024)
  /// ```
  public static func matmulHoisted(k K: Int, m M: Int, n N: Int, dtype: DType = .float32) -> SwiftKernel {
    matmulKernel("matmul_hoisted_kernel", K, M, N, dtype) { lhsT, rhs in
      let kTiles = K / tileK
      let result = output("result", shape: [M, N], dtype: lhsT.dtype)
      affineRange(M / tileM, name: "m") { m in
        let lhsTStrip = ndarray([tileK, kTiles, tileM], dtype: lhsT.dtype)
        affineRange(kTiles, name: "k") { k in
          lhsTStrip[0..., k].assign(load(lhsT[k * tileK ..+ tileK, m * tileM ..+ tileM]))
        }
        affineRange(N / tileN, name: "n") { n in
          let rhsStrip = ndarray([tileK, kTiles, tileN], dtype: rhs.dtype)
          affineRange(kTiles, name: "k") { k in
            rhsStrip[0..., k].assign(load(rhs[k * tileK ..+ tileK, n * tileN ..+ tileN]))
          }
          let resPsum = zeros([tileM, tileN], dtype: .float32, buffer: PSUM.self)
          affineRange(kTiles, name: "k") { k in
            // res_psum += nl.matmul(lhsT_strip[k], rhs_strip[k], transpose_x=True)
            resPsum += matmul(lhsTStrip[0..., k], rhsStrip[0..., k])
          }
          let resSBUF = copy(resPsum, dtype: result.dtype)
          store(result[m * tileM ..+ tileM, n * tileN ..+ tileN], value: resSBUF)
        }
      }
    }
  }

  /// `kernels/matmul_block_free.py` (`matmul_block_free_kernel`): M and N blocked; whole-K
  /// blocks of both inputs resident in SBUF as `[128, k_tiles, BLOCK]`.
  ///
  /// ```swift
  /// let k = DSLExamples.matmulBlockFree(k: 256, m: 256, n: 1024)
  /// ```
  public static func matmulBlockFree(
    k K: Int, m M: Int, n N: Int, tilesInBlockM: Int = 2, tilesInBlockN: Int = 2, dtype: DType = .float32
  ) -> SwiftKernel {
    matmulKernel("matmul_block_free_kernel", K, M, N, dtype) { lhsT, rhs in
      let blockM = tileM * tilesInBlockM
      let blockN = tileN * tilesInBlockN
      let kTiles = K / tileK
      let result = output("result", shape: [M, N], dtype: lhsT.dtype)
      affineRange(M / blockM, name: "m") { m in
        let lhsTBlock = ndarray([tileK, kTiles, blockM], dtype: lhsT.dtype)
        affineRange(kTiles, name: "k") { k in
          lhsTBlock[0..., k, 0..<blockM].assign(load(lhsT[k * tileK ..+ tileK, m * blockM ..+ blockM]))
        }
        affineRange(N / blockN, name: "n") { n in
          let rhsBlock = ndarray([tileK, kTiles, blockN], dtype: rhs.dtype)
          affineRange(kTiles, name: "k") { k in
            rhsBlock[0..., k, 0..<blockN].assign(load(rhs[k * tileK ..+ tileK, n * blockN ..+ blockN]))
          }
          affineRange(tilesInBlockM, name: "bm") { bm in
            affineRange(tilesInBlockN, name: "bn") { bn in
              let resPsum = zeros([tileM, tileN], dtype: .float32, buffer: PSUM.self)
              affineRange(kTiles, name: "k") { k in
                resPsum += matmul(lhsTBlock[0..., k, bm * tileM ..+ tileM], rhsBlock[0..., k, bn * tileN ..+ tileN])
              }
              let resSBUF = copy(resPsum, dtype: result.dtype)
              store(result[m * blockM + bm * tileM ..+ tileM, n * blockN + bn * tileN ..+ tileN], value: resSBUF)
            }
          }
        }
      }
    }
  }

  /// `kernels/matmul_optimized.py` (`matmul_optimized_kernel`): all three dimensions blocked; an
  /// fp32 SBUF accumulator per N block summed over a `sequentialRange` of K blocks.
  ///
  /// ```swift
  /// let k = DSLExamples.matmulOptimized(k: 512, m: 256, n: 1024)
  /// ```
  public static func matmulOptimized(
    k K: Int, m M: Int, n N: Int, tilesInBlockM: Int = 2, tilesInBlockN: Int = 2, tilesInBlockK: Int = 2,
    dtype: DType = .float32
  ) -> SwiftKernel {
    matmulKernel("matmul_optimized_kernel", K, M, N, dtype) { lhsT, rhs in
      let blockK = tileK * tilesInBlockK
      let blockM = tileM * tilesInBlockM
      let blockN = tileN * tilesInBlockN
      let mTiles = M / tileM
      let result = output("result", shape: [M, N], dtype: lhsT.dtype)
      affineRange(N / blockN, name: "n") { n in
        let acc = zeros([tileM, mTiles, blockN], dtype: .float32)
        sequentialRange(K / blockK, name: "k") { k in
          let rhsBlock = ndarray([tileK, tilesInBlockK, blockN], dtype: rhs.dtype)
          affineRange(tilesInBlockK, name: "bk") { bk in
            rhsBlock[0..., bk, 0..<blockN].assign(
              load(rhs[(k * tilesInBlockK + bk) * tileK ..+ tileK, n * blockN ..+ blockN]))
          }
          affineRange(M / blockM, name: "m") { m in
            let lhsTBlock = ndarray([tileK, tilesInBlockK, blockM], dtype: lhsT.dtype)
            affineRange(tilesInBlockK, name: "bk") { bk in
              lhsTBlock[0..., bk, 0..<blockM].assign(
                load(lhsT[(k * tilesInBlockK + bk) * tileK ..+ tileK, m * blockM ..+ blockM]))
            }
            affineRange(tilesInBlockN, name: "bn") { bn in
              affineRange(tilesInBlockM, name: "bm") { bm in
                let resPsum = zeros([tileM, tileN], dtype: .float32, buffer: PSUM.self)
                affineRange(tilesInBlockK, name: "bk") { bk in
                  resPsum += matmul(lhsTBlock[0..., bk, bm * tileM ..+ tileM], rhsBlock[0..., bk, bn * tileN ..+ tileN])
                }
                let t = m * tilesInBlockM + bm
                acc[0..., t, bn * tileN ..+ tileN].assign(add(acc[0..., t, bn * tileN ..+ tileN], resPsum))
              }
            }
          }
        }
        affineRange(mTiles, name: "t") { t in
          let outTile = copy(acc[0..., t, 0..<blockN], dtype: result.dtype)
          store(result[t * tileM ..+ tileM, n * blockN ..+ blockN], value: outTile)
        }
      }
    }
  }
}
