"""Fused single-head self-attention for head sizes up to 128, optionally causal.

Computes out = softmax(scale * q @ k.T) @ v, where q, k, v and out are HBM tensors
[seq, d_head] with seq a multiple of 128 and d_head <= 128 (float32; bfloat16 also works with
looser tolerances). Row i of out is query i. With use_causal_mask=True, query i only attends
to keys 0..i: the other scores are replaced by -9984.0 (as neuronx-cc does instead of -inf),
whose exp underflows to exactly 0.

Per 128-query tile:
  1. q tile * scale, transposed on the Tensor Engine (nisa.nc_transpose) to [d_head, 128] so
     the contraction dimension d_head is on the partition axis; k.T was prepared the same way.
  2. scores [128 queries, seq] = nisa.nc_matmul(stationary=q.T tile, moving=k.T tile), one
     [128, 128] PSUM tile per key tile, copied to SBUF, or passed through nisa.affine_select
     (predicate: query index >= key index) for the causal mask.
  3. negated row max with nisa.tensor_reduce(negate=True); then one
     nisa.activation_reduce(exp, bias=-max) gives exp(scores - max) and, in the same
     instruction, the row sums.
  4. out tile [128 queries, d_head] = sum over key tiles of
     nisa.nc_matmul(stationary=transpose(probabilities tile), moving=v tile), accumulated in
     PSUM, then multiplied by 1 / row sum.

Entry point: attention_kernel(q, k, v, use_causal_mask=False, softmax_scale=0.125) -> out
(shared HBM). 0.125 = 1 / sqrt(64); pass 1 / sqrt(d_head) for other head sizes.
"""
# reference: referenceAttention

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def attention_kernel(q, k, v, use_causal_mask=False, softmax_scale=0.125):
    seq, d_head = q.shape
    assert k.shape == (seq, d_head) and v.shape == (seq, d_head), "q, k, v must match"
    assert d_head <= 128, "d_head must fit the 128 partitions"
    assert seq % 128 == 0, "seq must be a multiple of 128"
    out = nl.ndarray((seq, d_head), dtype=q.dtype, buffer=nl.shared_hbm)

    TILE = 128
    seq_tiles = seq // TILE

    i_s = nl.arange(TILE)[:, None]       # a sequence position within a tile, on partitions
    i_d = nl.arange(d_head)[None, :]     # a head-dimension index, on the free axis
    j_d = nl.arange(d_head)[:, None]     # a head-dimension index, on partitions
    j_s = nl.arange(TILE)[None, :]       # a sequence position within a tile, on the free axis

    # k.T [d_head, seq] and v [128, seq_tiles, d_head], resident in SBUF for every query tile.
    k_t = nl.ndarray((nl.par_dim(d_head), seq), dtype=nl.float32, buffer=nl.sbuf)
    v_tiles = nl.ndarray((nl.par_dim(TILE), seq_tiles, d_head), dtype=nl.float32,
                         buffer=nl.sbuf)
    for kt in nl.affine_range(seq_tiles):
        k_tile = nl.load(k[kt * TILE + i_s, i_d], dtype=nl.float32)
        k_t[j_d, kt * TILE + j_s] = nl.copy(nisa.nc_transpose(k_tile))
        v_tiles[i_s, kt, i_d] = nl.load(v[kt * TILE + i_s, i_d], dtype=nl.float32)

    for qt in nl.affine_range(seq_tiles):
        # 1. Scaled query tile, transposed to [d_head, 128].
        q_tile = nl.load(q[qt * TILE + i_s, i_d], dtype=nl.float32)
        q_scaled = nl.multiply(q_tile, softmax_scale)
        q_t = nl.copy(nisa.nc_transpose(q_scaled))

        # 2. Scores [128, seq], one key tile at a time.
        scores = nl.ndarray((nl.par_dim(TILE), seq), dtype=nl.float32, buffer=nl.sbuf)
        for kt in nl.affine_range(seq_tiles):
            s_psum = nl.zeros((TILE, TILE), dtype=nl.float32, buffer=nl.psum)
            s_psum += nisa.nc_matmul(stationary=q_t, moving=k_t[j_d, kt * TILE + j_s])
            if use_causal_mask:
                # GpSimd (affine_select) cannot read PSUM: move the scores to SBUF first.
                s_sbuf = nl.copy(s_psum[i_s, j_s])
                scores[i_s, kt * TILE + j_s] = nisa.affine_select(
                    pred=(qt * TILE + i_s >= kt * TILE + j_s),
                    on_true_tile=s_sbuf, on_false_value=-9984.0)
            else:
                scores[i_s, kt * TILE + j_s] = nl.copy(s_psum[i_s, j_s])

        # 3. Numerically stable exp, with the row sums from the same instruction.
        neg_max = nisa.tensor_reduce(nl.max, data=scores, axis=(1,), negate=True,
                                     keepdims=True)
        row_sum = nl.ndarray((TILE, 1), dtype=nl.float32, buffer=nl.sbuf)
        probs = nisa.activation_reduce(op=nl.exp, data=scores, reduce_op=nl.add,
                                       reduce_res=row_sum, bias=neg_max, scale=1.0)
        inv_sum = nisa.reciprocal(row_sum)

        # 4. probs @ v: contract over keys, which must be on the partition axis of both
        #    operands, so each [128 queries, 128 keys] block of probs is transposed first.
        out_psum = nl.zeros((TILE, d_head), dtype=nl.float32, buffer=nl.psum)
        for kt in nl.affine_range(seq_tiles):
            probs_t = nl.copy(nisa.nc_transpose(probs[i_s, kt * TILE + j_s]))
            out_psum += nisa.nc_matmul(stationary=probs_t, moving=v_tiles[i_s, kt, i_d])

        out_tile = nl.multiply(out_psum, inv_sum, dtype=q.dtype)
        nl.store(out[qt * TILE + i_s, i_d], value=out_tile)

    return out


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    def reference(q, k, v, causal, scale):
        scores = scale * q @ k.T
        if causal:
            scores = np.where(np.tril(np.ones_like(scores)) > 0, scores, -np.inf)
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return (e / e.sum(axis=1, keepdims=True)) @ v

    seq, d_head = 256, 64
    q, k, v = (np.random.rand(seq, d_head).astype(np.float32) for _ in range(3))
    for causal in (False, True):
        out = nki.simulate_kernel(attention_kernel, q, k, v, causal, 0.125)
        assert np.allclose(out, reference(q, k, v, causal, 0.125), rtol=1e-4, atol=1e-5)
    print("attention_kernel matches NumPy")
