"""A causal mask over a [rows, cols] float32 score tile (rows <= 128): column j of row p is kept where
p - j >= 0 and set to -9984 elsewhere (nisa.affine_select), with each element's row-major position
p * cols + j (nisa.iota) as a second output (current NKI dialect)."""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def causal_mask_kernel(x):
    rows, cols = x.shape
    masked = nl.ndarray((rows, cols), dtype=nl.float32, buffer=nl.shared_hbm)
    positions = nl.ndarray((rows, cols), dtype=nl.float32, buffer=nl.shared_hbm)
    t = nl.ndarray((rows, cols), dtype=nl.float32, buffer=nl.sbuf)
    nisa.dma_copy(t, x)
    m = nl.ndarray((rows, cols), dtype=nl.float32, buffer=nl.sbuf)
    nisa.affine_select(m, pattern=[[-1, cols]], channel_multiplier=1, on_true_tile=t,
                       on_false_value=-9984.0, cmp_op=nl.greater_equal)
    pos = nl.ndarray((rows, cols), dtype=nl.int32, buffer=nl.sbuf)
    nisa.iota(pos, pattern=[[1, cols]], offset=0, channel_multiplier=cols)
    pos_f = nl.ndarray((rows, cols), dtype=nl.float32, buffer=nl.sbuf)
    nisa.tensor_copy(pos_f, pos)
    nisa.dma_copy(masked, m)
    nisa.dma_copy(positions, pos_f)
    return masked, positions
