"""Row softmax of a [rows, cols] tensor, cols <= 512 (current NKI dialect).

Per row tile: the row maximum (tensor_reduce), exp(x - max) with its row sum in the same
activation (reduce_res), then a multiply by the reciprocal of the sum.
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def softmax_kernel(x):
    rows, cols = x.shape
    out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
    for r in nl.affine_range((rows + 127) // 128):
        p = min(128, rows - r * 128)
        t = nl.ndarray((128, cols), dtype=nl.float32, buffer=nl.sbuf)
        nisa.dma_copy(t[0:p, :], x[r * 128:r * 128 + p, :])
        row_max = nl.ndarray((128, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_reduce(row_max[0:p, :], nl.maximum, t[0:p, :], axis=1, negate=True, keepdims=True)
        e = nl.ndarray((128, cols), dtype=nl.float32, buffer=nl.sbuf)
        row_sum = nl.ndarray((128, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.activation(e[0:p, :], nl.exp, t[0:p, :], bias=row_max[0:p, :], reduce_op=nl.add, reduce_res=row_sum[0:p, :])
        inv = nl.ndarray((128, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.reciprocal(inv[0:p, :], row_sum[0:p, :])
        y = nl.ndarray((128, cols), dtype=x.dtype, buffer=nl.sbuf)
        nisa.tensor_scalar(y[0:p, :], e[0:p, :], nl.multiply, inv[0:p, :])
        nisa.dma_copy(out[r * 128:r * 128 + p, :], y[0:p, :])
    return out
