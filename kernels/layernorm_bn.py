"""LayerNorm over the last axis using the Vector Engine's batch-norm statistics instructions.

Same result as layernorm.py: out[r, :] = (x[r, :] - mean) / sqrt(var + eps) * gamma + beta
with the population variance. x is an HBM tensor [rows, cols]; gamma and beta are HBM vectors
[cols] (float32, bfloat16 or float16; out has x's shape and dtype). rows need not be a
multiple of 128 (masked last tile). cols must be at most 512 or a multiple of 512, because
nisa.bn_stats accepts at most nl.tile_size.bn_stats_fmax (512) elements per partition.

Per tile: nisa.bn_stats on each 512-column chunk writes 6 statistics per partition into a
[128, 6 * chunks] tile, nisa.bn_aggr folds them into (mean, var) per partition, and a single
nisa.tensor_scalar computes (x - mean) * rsqrt(var + eps) with two per-partition operands.

Entry point: layernorm_bn_kernel(x, gamma, beta, eps=1e-5) -> out (shared HBM).
"""
# reference: referenceLayerNorm

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def layernorm_bn_kernel(x, gamma, beta, eps=1e-5):
    num_rows, num_cols = x.shape
    assert gamma.shape[0] == num_cols and beta.shape[0] == num_cols
    out = nl.ndarray((num_rows, num_cols), dtype=x.dtype, buffer=nl.shared_hbm)

    tile_p = nl.tile_size.pmax
    chunk = min(num_cols, nl.tile_size.bn_stats_fmax)
    assert num_cols % chunk == 0, "cols must be at most 512 or a multiple of 512"
    num_chunks = num_cols // chunk

    i_p = nl.arange(tile_p)[:, None]
    i_f = nl.arange(num_cols)[None, :]
    i_one = nl.arange(1)[:, None]
    i_chunk = nl.arange(chunk)[None, :]
    i_stat = nl.arange(6)[None, :]

    gamma_tile = nl.load(gamma.reshape((1, num_cols))[i_one, i_f]).broadcast_to((tile_p, num_cols))
    beta_tile = nl.load(beta.reshape((1, num_cols))[i_one, i_f]).broadcast_to((tile_p, num_cols))

    for t in nl.affine_range((num_rows + tile_p - 1) // tile_p):
        inside = t * tile_p + i_p < num_rows
        x_tile = nl.load(x[t * tile_p + i_p, i_f], mask=inside)

        # Six statistics per partition per chunk, side by side.
        stats = nl.ndarray((tile_p, 6 * num_chunks), dtype=nl.float32, buffer=nl.sbuf)
        for c in nl.affine_range(num_chunks):
            stats[i_p, c * 6 + i_stat] = nisa.bn_stats(x_tile[i_p, c * chunk + i_chunk],
                                                       dtype=nl.float32)

        # Column 0 is the mean, column 1 the variance.
        mean_var = nisa.bn_aggr(stats)
        mean = mean_var[:, 0:1]
        inv_std = nl.rsqrt(nl.add(mean_var[:, 1:2], eps))

        # (x - mean) * inv_std in one Vector Engine instruction.
        normed = nisa.tensor_scalar(data=x_tile, op0=nl.subtract, operand0=mean,
                                    op1=nl.multiply, operand1=inv_std)
        out_tile = nl.add(nl.multiply(normed, gamma_tile), beta_tile, dtype=x.dtype)

        nl.store(out[t * tile_p + i_p, i_f], value=out_tile, mask=inside)

    return out
