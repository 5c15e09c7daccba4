"""The two blocked matmul kernels of the NKI matrix-multiplication tutorial, in the tutorial's
structure, for the timing model's calibration (published trn1 latencies; see docs/timing.md).
kernels/matmul_block_free.py and kernels/matmul_optimized.py compute the same products with
wider loads and an fp32 accumulator.

Inputs (HBM): lhsT [K, M], rhs [K, N]. Output: lhsT.T @ rhs, [M, N], in lhsT's dtype.

  matmul_free_blocked(lhsT, rhs)   blocks of 2 x 2 output tiles; per block, every K tile of two
                                   lhsT column tiles and two rhs column tiles, one [128, 128] or
                                   [128, 512] load each. M % 256 == 0, N % 1024 == 0, K % 128 == 0.
  matmul_all_blocked(lhsT, rhs, TILES_IN_BLOCK_M=16, TILES_IN_BLOCK_N=2, TILES_IN_BLOCK_K=8)
                                   blocks in M, N and K; each K block adds its PSUM results into
                                   result tiles kept in SBUF in the inputs' dtype.
"""
# reference: referenceMatmul(transposedA:_:m:k:n:)

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_free_blocked(lhsT, rhs):
    K, M = lhsT.shape
    _, N = rhs.shape
    TK, TM, TN = 128, 128, 512
    BM, BN = 2, 2
    kt = K // TK
    result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)
    ip, jm = nl.mgrid[0:TK, 0:TM]
    ip2, jn = nl.mgrid[0:TK, 0:TN]
    om, on = nl.mgrid[0:TM, 0:TN]
    for m in nl.affine_range(M // (TM * BM)):
        left = nl.ndarray((BM, kt, nl.par_dim(TK), TM), dtype=lhsT.dtype, buffer=nl.sbuf)
        for bm in nl.affine_range(BM):
            for k in nl.affine_range(kt):
                left[bm, k, ip, jm] = nl.load(lhsT[k * TK + ip, (m * BM + bm) * TM + jm])
        for n in nl.affine_range(N // (TN * BN)):
            right = nl.ndarray((BN, kt, nl.par_dim(TK), TN), dtype=rhs.dtype, buffer=nl.sbuf)
            for bn in nl.affine_range(BN):
                for k in nl.affine_range(kt):
                    right[bn, k, ip2, jn] = nl.load(rhs[k * TK + ip2, (n * BN + bn) * TN + jn])
            for bm in nl.affine_range(BM):
                for bn in nl.affine_range(BN):
                    acc = nl.zeros((TM, TN), nl.float32, buffer=nl.psum)
                    for k in nl.affine_range(kt):
                        acc += nisa.nc_matmul(left[bm, k, ip, jm], right[bn, k, ip2, jn])
                    out_tile = nl.copy(acc, dtype=result.dtype)
                    nl.store(result[(m * BM + bm) * TM + om, (n * BN + bn) * TN + on], value=out_tile)
    return result


@nki.jit
def matmul_all_blocked(lhsT, rhs, TILES_IN_BLOCK_M=16, TILES_IN_BLOCK_N=2, TILES_IN_BLOCK_K=8):
    K, M = lhsT.shape
    _, N = rhs.shape
    TK, TM, TN = 128, 128, 512
    BM, BN, BK = TILES_IN_BLOCK_M, TILES_IN_BLOCK_N, TILES_IN_BLOCK_K
    assert M % (TM * BM) == 0 and N % (TN * BN) == 0 and K % (TK * BK) == 0
    result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)
    blocks_m = M // (TM * BM)
    ip, jw = nl.mgrid[0:TK, 0:TN * BN]
    ip2, jl = nl.mgrid[0:TK, 0:TM * BM]
    ip3, jm = nl.mgrid[0:TK, 0:TM]
    ip4, jn = nl.mgrid[0:TK, 0:TN]
    om, on = nl.mgrid[0:TM, 0:TN]
    for n in nl.affine_range(N // (TN * BN)):
        partial = nl.zeros((blocks_m, BM, BN, nl.par_dim(TM), TN), dtype=lhsT.dtype, buffer=nl.sbuf)
        for k in nl.sequential_range(K // (TK * BK)):
            right = nl.ndarray((BK, nl.par_dim(TK), TN * BN), dtype=rhs.dtype, buffer=nl.sbuf)
            for bk in nl.affine_range(BK):
                right[bk, ip, jw] = nl.load(rhs[(BK * k + bk) * TK + ip, TN * BN * n + jw])
            for m in nl.affine_range(blocks_m):
                left = nl.ndarray((BK, nl.par_dim(TK), TM * BM), dtype=lhsT.dtype, buffer=nl.sbuf)
                for bk in nl.affine_range(BK):
                    left[bk, ip2, jl] = nl.load(lhsT[(BK * k + bk) * TK + ip2, TM * BM * m + jl])
                for bn in nl.affine_range(BN):
                    for bm in nl.affine_range(BM):
                        acc = nl.zeros((TM, TN), dtype=nl.float32, buffer=nl.psum)
                        for bk in nl.affine_range(BK):
                            acc += nisa.nc_matmul(left[bk, ip3, bm * TM + jm], right[bk, ip4, bn * TN + jn])
                        partial[m, bm, bn, om, on] = nl.add(partial[m, bm, bn, om, on], acc)
        for m in nl.affine_range(blocks_m):
            for bm in nl.affine_range(BM):
                packed = nl.ndarray((TM, TN * BN), dtype=partial.dtype, buffer=nl.sbuf)
                for bn in nl.affine_range(BN):
                    packed[om, bn * TN + on] = nl.copy(partial[m, bm, bn, om, on])
                ip5, jp = nl.mgrid[0:TM, 0:TN * BN]
                nl.store(result[(BM * m + bm) * TM + ip5, TN * BN * n + jp], value=packed[ip5, jp])
    return result
