"""Layer normalization of the rows of x: out = (x - mean) / sqrt(var + eps) * gamma + beta (current NKI dialect).

x is [rows, cols] with any number of rows and cols <= 512 (one bn_stats call per row tile);
gamma and beta are [cols], brought onto every partition by DMAs whose access patterns step 0
across partitions. bn_stats/bn_aggr give each row's mean and variance. Entry point:
layernorm_kernel(x, gamma, beta, eps=1e-5) -> [rows, cols].
# reference: referenceLayerNorm
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def layernorm_kernel(x, gamma, beta, eps=1e-5):
    rows, cols = x.shape
    assert gamma.shape == (cols,) and beta.shape == (cols,), "gamma and beta must have one element per column"
    assert cols <= nl.tile_size.bn_stats_fmax, f"cols = {cols}: one bn_stats call covers at most {nl.tile_size.bn_stats_fmax}"
    pmax = nl.tile_size.pmax
    out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)

    g = nl.ndarray((pmax, cols), dtype=nl.float32, buffer=nl.sbuf)
    b = nl.ndarray((pmax, cols), dtype=nl.float32, buffer=nl.sbuf)
    nisa.dma_copy(dst=g, src=gamma.ap([[0, pmax], [1, cols]], offset=0))
    nisa.dma_copy(dst=b, src=beta.ap([[0, pmax], [1, cols]], offset=0))

    for r in nl.affine_range((rows + pmax - 1) // pmax):
        p = min(pmax, rows - r * pmax)
        t = nl.ndarray((pmax, cols), dtype=nl.float32, buffer=nl.sbuf)
        nisa.dma_copy(dst=t[0:p, :], src=x[r * pmax:r * pmax + p, :])

        stats = nl.ndarray((pmax, 6), dtype=nl.float32, buffer=nl.sbuf)
        nisa.bn_stats(dst=stats[0:p, :], data=t[0:p, :])
        mean_var = nl.ndarray((pmax, 2), dtype=nl.float32, buffer=nl.sbuf)
        nisa.bn_aggr(dst=mean_var[0:p, :], data=stats[0:p, :])

        # 1 / sqrt(var + eps)
        shifted = nl.ndarray((pmax, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_scalar(dst=shifted[0:p, :], data=mean_var[0:p, 1:2], op0=nl.add, operand0=eps)
        inv_std = nl.ndarray((pmax, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.activation(dst=inv_std[0:p, :], op=nl.rsqrt, data=shifted[0:p, :])

        normed = nl.ndarray((pmax, cols), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_scalar(
            dst=normed[0:p, :], data=t[0:p, :], op0=nl.subtract, operand0=mean_var[0:p, 0:1], op1=nl.multiply,
            operand1=inv_std[0:p, :])
        scaled = nl.ndarray((pmax, cols), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_tensor(dst=scaled[0:p, :], data1=normed[0:p, :], data2=g[0:p, :], op=nl.multiply)
        y = nl.ndarray((pmax, cols), dtype=x.dtype, buffer=nl.sbuf)
        nisa.tensor_tensor(dst=y[0:p, :], data1=scaled[0:p, :], data2=b[0:p, :], op=nl.add)
        nisa.dma_copy(dst=out[r * pmax:r * pmax + p, :], src=y[0:p, :])
    return out
