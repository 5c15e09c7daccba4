"""RMS normalization of the rows of x: out = x / sqrt(mean(x**2) + eps) * weight (current NKI dialect).

x is [rows, cols] with any number of rows (the last tile of 128 rows is ragged) and
cols <= 512; weight is [cols]. The weight row is brought onto every partition by one DMA whose
access pattern steps 0 across partitions; the row sums of squares come out of the same
activation that squares. Entry point: rmsnorm_kernel(x, weight, eps=1e-6) -> [rows, cols].
# reference: referenceRMSNorm
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def rmsnorm_kernel(x, weight, eps=1e-6):
    rows, cols = x.shape
    assert weight.shape == (cols,), f"weight must be [{cols}], got {weight.shape}"
    assert cols <= nl.tile_size.gemm_moving_fmax, f"cols = {cols}: this kernel keeps a row in one tile of at most 512"
    pmax = nl.tile_size.pmax
    out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)

    w = nl.ndarray((pmax, cols), dtype=nl.float32, buffer=nl.sbuf)
    nisa.dma_copy(dst=w, src=weight.ap([[0, pmax], [1, cols]], offset=0))

    for r in nl.affine_range((rows + pmax - 1) // pmax):
        p = min(pmax, rows - r * pmax)
        t = nl.ndarray((pmax, cols), dtype=nl.float32, buffer=nl.sbuf)
        nisa.dma_copy(dst=t[0:p, :], src=x[r * pmax:r * pmax + p, :])

        squares = nl.ndarray((pmax, cols), dtype=nl.float32, buffer=nl.sbuf)
        sum_sq = nl.ndarray((pmax, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.activation(dst=squares[0:p, :], op=nl.square, data=t[0:p, :], reduce_op=nl.add, reduce_res=sum_sq[0:p, :])

        # mean(x**2) + eps, then its reciprocal square root.
        mean_sq = nl.ndarray((pmax, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_scalar(mean_sq[0:p, :], sum_sq[0:p, :], nl.multiply, 1.0 / cols, op1=nl.add, operand1=eps)
        inv_rms = nl.ndarray((pmax, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.activation(dst=inv_rms[0:p, :], op=nl.rsqrt, data=mean_sq[0:p, :])

        y = nl.ndarray((pmax, cols), dtype=x.dtype, buffer=nl.sbuf)
        nisa.scalar_tensor_tensor(
            dst=y[0:p, :], data=t[0:p, :], op0=nl.multiply, operand0=inv_rms[0:p, :], op1=nl.multiply,
            operand1=w[0:p, :])
        nisa.dma_copy(dst=out[r * pmax:r * pmax + p, :], src=y[0:p, :])
    return out
