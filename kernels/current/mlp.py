"""A gated MLP block with RMS normalization, for context encoding (current NKI dialect).

out = (silu(n @ gate) * (n @ up)) @ down with n = x / sqrt(mean(x^2) + eps) * gamma, for
x [seq, hidden], gamma [1, hidden], gate and up [hidden, inter], down [inter, hidden]; seq and
hidden multiples of 128, hidden of 512 too, inter any size (its last 128-chunk may be ragged).
The weights stay on chip. Per 128-row tile: the row statistics in one activation (square with a
sum), the normalized rows transposed on the PE array (gamma applied per partition as they leave
PSUM), gate and up computed transposed ([inter, rows]) so that silu(gate) * up is already the
stationary operand of the down projection. Entry point: mlp_kernel(x, gamma, gate, up, down, eps).
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def mlp_kernel(x, gamma, gate, up, down, eps=1e-6):
    seq, hidden = x.shape
    inter = gate.shape[1]
    pmax = nl.tile_size.pmax
    fmax = nl.tile_size.gemm_moving_fmax
    assert gamma.shape == (1, hidden) and up.shape == gate.shape == (hidden, inter) and down.shape == (inter, hidden)
    assert seq % pmax == 0 and hidden % fmax == 0, "seq a multiple of 128, hidden of 512"
    h_chunks = hidden // pmax
    i_chunks = (inter + pmax - 1) // pmax
    out = nl.ndarray((seq, hidden), dtype=x.dtype, buffer=nl.shared_hbm)

    # Weights on chip, contraction dimension on the partitions; gamma as one column per chunk.
    gate_sb = nl.ndarray((pmax, h_chunks, inter), dtype=gate.dtype, buffer=nl.sbuf)
    up_sb = nl.ndarray((pmax, h_chunks, inter), dtype=up.dtype, buffer=nl.sbuf)
    for c in nl.affine_range(h_chunks):
        nisa.dma_copy(dst=gate_sb[:, c, :], src=gate[c * pmax:(c + 1) * pmax, :])
        nisa.dma_copy(dst=up_sb[:, c, :], src=up[c * pmax:(c + 1) * pmax, :])
    down_sb = nl.ndarray((pmax, i_chunks, hidden), dtype=down.dtype, buffer=nl.sbuf)
    for c in nl.affine_range(i_chunks):
        rows = min(pmax, inter - c * pmax)
        nisa.dma_copy(dst=down_sb[0:rows, c, :], src=down[c * pmax:c * pmax + rows, :])
    gamma_sb = nl.ndarray((pmax, h_chunks), dtype=nl.float32, buffer=nl.sbuf)
    nisa.dma_copy(dst=gamma_sb, src=gamma.ap(pattern=[[1, pmax], [pmax, h_chunks]], offset=0))

    for r in nl.affine_range(seq // pmax):
        x_sb = nl.ndarray((pmax, hidden), dtype=nl.float32, buffer=nl.sbuf)
        nisa.dma_copy(dst=x_sb, src=x[r * pmax:(r + 1) * pmax, :])
        squares = nl.ndarray((pmax, hidden), dtype=nl.float32, buffer=nl.sbuf)
        sum_sq = nl.ndarray((pmax, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.activation(dst=squares, op=nl.square, data=x_sb, reduce_op=nl.add, reduce_res=sum_sq)
        mean_sq = nl.ndarray((pmax, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_scalar(dst=mean_sq, data=sum_sq, op0=nl.multiply, operand0=1.0 / hidden, op1=nl.add, operand1=eps)
        inv_rms = nl.ndarray((pmax, 1), dtype=nl.float32, buffer=nl.sbuf)
        nisa.activation(dst=inv_rms, op=nl.rsqrt, data=mean_sq)
        normed = nl.ndarray((pmax, hidden), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_scalar(dst=normed, data=x_sb, op0=nl.multiply, operand0=inv_rms)

        # normed.T * gamma, one [128 hidden, 128 rows] chunk at a time, in the weights' dtype.
        normed_t = nl.ndarray((pmax, h_chunks, pmax), dtype=gate.dtype, buffer=nl.sbuf)
        for c in nl.affine_range(h_chunks):
            t_ps = nl.ndarray((pmax, pmax), dtype=nl.float32, buffer=nl.psum)
            nisa.nc_transpose(dst=t_ps, data=normed[:, c * pmax:(c + 1) * pmax])
            nisa.tensor_scalar(dst=normed_t[:, c, :], data=t_ps, op0=nl.multiply, operand0=gamma_sb[:, c:c + 1])

        # silu(gate.T @ normed.T) * (up.T @ normed.T): [inter, rows], chunk by chunk.
        act_t = nl.ndarray((pmax, i_chunks, pmax), dtype=down.dtype, buffer=nl.sbuf)
        for k in nl.affine_range(i_chunks):
            cols = min(pmax, inter - k * pmax)
            g_ps = nl.ndarray((pmax, pmax), dtype=nl.float32, buffer=nl.psum)
            u_ps = nl.ndarray((pmax, pmax), dtype=nl.float32, buffer=nl.psum)
            for c in nl.sequential_range(h_chunks):
                nisa.nc_matmul(dst=g_ps[0:cols, :], stationary=gate_sb[:, c, k * pmax:k * pmax + cols],
                               moving=normed_t[:, c, :])
                nisa.nc_matmul(dst=u_ps[0:cols, :], stationary=up_sb[:, c, k * pmax:k * pmax + cols],
                               moving=normed_t[:, c, :])
            g_act = nl.ndarray((pmax, pmax), dtype=nl.float32, buffer=nl.sbuf)
            nisa.activation(dst=g_act[0:cols, :], op=nl.silu, data=g_ps[0:cols, :])
            nisa.tensor_tensor(dst=act_t[0:cols, k, :], data1=g_act[0:cols, :], data2=u_ps[0:cols, :], op=nl.multiply)

        # act @ down, 512 output columns at a time.
        for n in nl.affine_range(hidden // fmax):
            o_ps = nl.ndarray((pmax, fmax), dtype=nl.float32, buffer=nl.psum)
            for k in nl.sequential_range(i_chunks):
                rows = min(pmax, inter - k * pmax)
                nisa.nc_matmul(dst=o_ps, stationary=act_t[0:rows, k, :], moving=down_sb[0:rows, k, n * fmax:(n + 1) * fmax])
            o = nl.ndarray((pmax, fmax), dtype=x.dtype, buffer=nl.sbuf)
            nisa.tensor_copy(dst=o, src=o_ps)
            nisa.dma_copy(dst=out[r * pmax:(r + 1) * pmax, n * fmax:(n + 1) * fmax], src=o)
    return out
