"""Causal flash attention forward over one head, for context encoding (current NKI dialect).

out = softmax(scale * q_t.T @ k, causal) @ v for q_t [d, seq] (queries transposed), k [d, seq],
v [seq, d], d <= 128, seq a multiple of 512. Keys and values stay on chip. Each 128-query tile
walks the 512-key tiles up to its diagonal with an online softmax: the running row maximum and
row sum are rescaled by exp(old max - new max) as each key tile arrives, the scores of the tile
crossing the diagonal are masked (affine_select), and exp(scores) @ v accumulates in PSUM through
PE transposes of the probabilities. Entry point: attention_cte_kernel(q_t, k, v, scale) -> [seq, d].
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def attention_cte_kernel(q_t, k, v, scale):
    d, seq = q_t.shape
    assert k.shape == (d, seq) and v.shape == (seq, d), "q_t and k are [d, seq], v is [seq, d]"
    assert d <= nl.tile_size.pmax and seq % 512 == 0, "d <= 128 and seq a multiple of 512"
    q_tile = nl.tile_size.pmax
    kv_tile = 512
    chunks = kv_tile // q_tile
    out = nl.ndarray((seq, d), dtype=q_t.dtype, buffer=nl.shared_hbm)

    k_sb = nl.ndarray((d, seq), dtype=k.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=k_sb, src=k)
    v_sb = nl.ndarray((q_tile, seq // q_tile, d), dtype=v.dtype, buffer=nl.sbuf)
    for c in nl.affine_range(seq // q_tile):
        nisa.dma_copy(dst=v_sb[:, c, :], src=v[c * q_tile:(c + 1) * q_tile, :])

    for i in nl.affine_range(seq // q_tile):
        q_sb = nl.ndarray((d, q_tile), dtype=q_t.dtype, buffer=nl.sbuf)
        nisa.dma_copy(dst=q_sb, src=q_t[:, i * q_tile:(i + 1) * q_tile])
        row_max = nl.ndarray((q_tile, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.memset(dst=row_max, value=-3.0e38)
        row_sum = nl.ndarray((q_tile, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.memset(dst=row_sum, value=0.0)
        acc = nl.ndarray((q_tile, d), dtype=nl.float32, buffer=nl.sbuf)
        nisa.memset(dst=acc, value=0.0)

        # Key tiles holding a key at or before this tile's last query.
        for j in nl.sequential_range(((i + 1) * q_tile + kv_tile - 1) // kv_tile):
            s_ps = nl.ndarray((q_tile, kv_tile), dtype=nl.float32, buffer=nl.psum)
            nisa.nc_matmul(dst=s_ps, stationary=q_sb, moving=k_sb[:, j * kv_tile:(j + 1) * kv_tile])
            s = nl.ndarray((q_tile, kv_tile), dtype=nl.float32, buffer=nl.sbuf)
            nisa.tensor_scalar(dst=s, data=s_ps, op0=nl.multiply, operand0=scale)
            if (j + 1) * kv_tile > i * q_tile + 1:
                # The tile crosses the diagonal: key c of query p is kept where (i*128 + p) - (j*512 + c) >= 0.
                masked = nl.ndarray((q_tile, kv_tile), dtype=nl.float32, buffer=nl.sbuf)
                nisa.affine_select(dst=masked, pattern=[[-1, kv_tile]], channel_multiplier=1, on_true_tile=s,
                                   on_false_value=-9984.0, cmp_op=nl.greater_equal,
                                   offset=i * q_tile - j * kv_tile)
                s = masked

            tile_max = nl.ndarray((q_tile, 1), dtype=nl.float32, buffer=nl.sbuf)
            nisa.tensor_reduce(dst=tile_max, op=nl.maximum, data=s, axis=1, keepdims=True)
            new_max = nl.ndarray((q_tile, 1), dtype=nl.float32, buffer=nl.sbuf)
            nisa.tensor_tensor(dst=new_max, data1=row_max, data2=tile_max, op=nl.maximum)
            neg_max = nl.ndarray((q_tile, 1), dtype=nl.float32, buffer=nl.sbuf)
            nisa.tensor_scalar(dst=neg_max, data=new_max, op0=nl.multiply, operand0=-1.0)
            probs = nl.ndarray((q_tile, kv_tile), dtype=v.dtype, buffer=nl.sbuf)
            probs_sum = nl.ndarray((q_tile, 1), dtype=nl.float32, buffer=nl.sbuf)
            nisa.activation(dst=probs, op=nl.exp, data=s, bias=neg_max, reduce_op=nl.add, reduce_res=probs_sum)
            rescale = nl.ndarray((q_tile, 1), dtype=nl.float32, buffer=nl.sbuf)
            nisa.activation(dst=rescale, op=nl.exp, data=row_max, bias=neg_max)
            nisa.scalar_tensor_tensor(dst=row_sum, data=row_sum, op0=nl.multiply, operand0=rescale, op1=nl.add,
                                      operand1=probs_sum)
            nisa.tensor_copy(dst=row_max, src=new_max)

            pv_ps = nl.ndarray((q_tile, d), dtype=nl.float32, buffer=nl.psum)
            for c in nl.sequential_range(chunks):
                probs_t_ps = nl.ndarray((q_tile, q_tile), dtype=nl.float32, buffer=nl.psum)
                nisa.nc_transpose(dst=probs_t_ps, data=probs[:, c * q_tile:(c + 1) * q_tile])
                probs_t = nl.ndarray((q_tile, q_tile), dtype=v.dtype, buffer=nl.sbuf)
                nisa.tensor_copy(dst=probs_t, src=probs_t_ps)
                nisa.nc_matmul(dst=pv_ps, stationary=probs_t, moving=v_sb[:, j * chunks + c, :])
            nisa.scalar_tensor_tensor(dst=acc, data=acc, op0=nl.multiply, operand0=rescale, op1=nl.add,
                                      operand1=pv_ps)

        inv_sum = nl.ndarray((q_tile, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.reciprocal(dst=inv_sum, data=row_sum)
        o = nl.ndarray((q_tile, d), dtype=q_t.dtype, buffer=nl.sbuf)
        nisa.tensor_scalar(dst=o, data=acc, op0=nl.multiply, operand0=inv_sum)
        nisa.dma_copy(dst=out[i * q_tile:(i + 1) * q_tile, :], src=o)
    return out
