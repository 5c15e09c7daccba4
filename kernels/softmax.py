"""Softmax over the last axis, 128 rows per tile.

Computes out[r, :] = exp(x[r, :] - max(x[r, :])) / sum(exp(x[r, :] - max(x[r, :]))) for an
HBM tensor x [rows, cols] (float32, bfloat16 or float16; out has x's shape and dtype).
Subtracting the row maximum keeps exp from overflowing. rows need not be a multiple of 128
(masked last tile: its load, every operation on it and its store carry the mask, so no
operation reads the rows the load left unwritten); cols must fit one SBUF tile row.

Entry point: softmax_kernel(x) -> out (shared HBM).
"""
# reference: referenceSoftmax

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def softmax_kernel(x):
    num_rows, num_cols = x.shape
    out = nl.ndarray((num_rows, num_cols), dtype=x.dtype, buffer=nl.shared_hbm)

    tile_p = nl.tile_size.pmax
    i_p = nl.arange(tile_p)[:, None]
    i_f = nl.arange(num_cols)[None, :]

    for t in nl.affine_range((num_rows + tile_p - 1) // tile_p):
        inside = t * tile_p + i_p < num_rows
        x_tile = nl.load(x[t * tile_p + i_p, i_f], mask=inside)

        row_max = nl.max(x_tile, axis=[1], keepdims=True, mask=inside)      # [128, 1]
        exps = nl.exp(nl.subtract(x_tile, row_max, mask=inside), mask=inside)              # [128, cols]
        row_sum = nl.sum(exps, axis=[1], keepdims=True, mask=inside)         # [128, 1]
        probs = nl.multiply(exps, nl.reciprocal(row_sum, mask=inside), dtype=x.dtype, mask=inside)

        nl.store(out[t * tile_p + i_p, i_f], value=probs, mask=inside)

    return out


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    x = np.random.randn(200, 64).astype(np.float32)
    out = nki.simulate_kernel(softmax_kernel, x)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    assert np.allclose(out, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-6)
    print("softmax_kernel matches NumPy")
