"""RMSNorm over the last axis, 128 rows per tile.

Computes out[r, :] = x[r, :] / sqrt(mean(x[r, :]^2) + eps) * weight for an HBM tensor x
[rows, cols] and an HBM vector weight [cols] (float32, bfloat16 or float16; out has x's shape
and dtype). rows need not be a multiple of 128: the last tile is masked. cols must fit one
SBUF tile row (a few thousand fp32 elements).

Entry point: rmsnorm_kernel(x, weight, eps=1e-6) -> out (shared HBM).
"""
# reference: referenceRMSNorm

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def rmsnorm_kernel(x, weight, eps=1e-6):
    num_rows, num_cols = x.shape
    assert weight.shape[0] == num_cols, "weight must have one element per column"
    out = nl.ndarray((num_rows, num_cols), dtype=x.dtype, buffer=nl.shared_hbm)

    tile_p = nl.tile_size.pmax
    i_p = nl.arange(tile_p)[:, None]
    i_f = nl.arange(num_cols)[None, :]
    i_one = nl.arange(1)[:, None]

    # The weight is loaded once into a single partition, then broadcast to all 128.
    weight_row = nl.load(weight.reshape((1, num_cols))[i_one, i_f])
    weight_tile = nl.broadcast_to(weight_row, shape=(tile_p, num_cols))

    for t in nl.affine_range((num_rows + tile_p - 1) // tile_p):
        inside = t * tile_p + i_p < num_rows
        x_tile = nl.load(x[t * tile_p + i_p, i_f], mask=inside)

        # Per-row mean of squares: a free-axis reduction to one value per partition.
        sum_sq = nl.sum(nl.square(x_tile), axis=[1], keepdims=True)
        inv_rms = nl.rsqrt(nl.add(nl.multiply(sum_sq, 1.0 / num_cols), eps))

        # [128, cols] * [128, 1] broadcasts along the free axis.
        normed = nl.multiply(x_tile, inv_rms)
        out_tile = nl.multiply(normed, weight_tile, dtype=x.dtype)

        nl.store(out[t * tile_p + i_p, i_f], value=out_tile, mask=inside)

    return out


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    x = np.random.randn(300, 256).astype(np.float32)
    w = np.random.rand(256).astype(np.float32)
    out = nki.simulate_kernel(rmsnorm_kernel, x, w, 1e-6)
    ref = x / np.sqrt(np.mean(x * x, axis=1, keepdims=True) + 1e-6) * w
    assert np.allclose(out, ref, rtol=1e-4, atol=1e-5)
    print("rmsnorm_kernel matches NumPy")
