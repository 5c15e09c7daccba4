"""LayerNorm over the last axis with nki.language operations only.

Computes out[r, :] = (x[r, :] - mean) / sqrt(var + eps) * gamma + beta, where mean and var
are the mean and the population variance of row r. x is an HBM tensor [rows, cols]; gamma
and beta are HBM vectors [cols] (float32, bfloat16 or float16; out has x's shape and dtype).
rows need not be a multiple of 128 (the last tile is masked); cols must fit one SBUF tile row.
The variance is computed from the centred values (two passes over the tile), which is
more accurate than mean(x^2) - mean(x)^2.

Entry point: layernorm_kernel(x, gamma, beta, eps=1e-5) -> out (shared HBM).
"""
# reference: referenceLayerNorm

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def layernorm_kernel(x, gamma, beta, eps=1e-5):
    num_rows, num_cols = x.shape
    assert gamma.shape[0] == num_cols and beta.shape[0] == num_cols
    out = nl.ndarray((num_rows, num_cols), dtype=x.dtype, buffer=nl.shared_hbm)

    tile_p = nl.tile_size.pmax
    i_p, i_f = nl.mgrid[0:tile_p, 0:num_cols]
    i_one = nl.arange(1)[:, None]

    # gamma and beta: one partition each, broadcast to every partition, reused by all tiles.
    gamma_tile = nl.load(gamma.reshape((1, num_cols))[i_one, i_f]).broadcast_to((tile_p, num_cols))
    beta_tile = nl.load(beta.reshape((1, num_cols))[i_one, i_f]).broadcast_to((tile_p, num_cols))

    for t in nl.affine_range((num_rows + tile_p - 1) // tile_p):
        inside = t * tile_p + i_p < num_rows
        x_tile = nl.load(x[t * tile_p + i_p, i_f], mask=inside)

        mean = nl.mean(x_tile, axis=[1], keepdims=True)          # [128, 1]
        centred = nl.subtract(x_tile, mean)                       # [128, cols]
        var = nl.mean(nl.square(centred), axis=[1], keepdims=True)
        inv_std = nl.rsqrt(nl.add(var, eps))

        normed = nl.multiply(centred, inv_std)
        out_tile = nl.add(nl.multiply(normed, gamma_tile), beta_tile, dtype=x.dtype)

        nl.store(out[t * tile_p + i_p, i_f], value=out_tile, mask=inside)

    return out
