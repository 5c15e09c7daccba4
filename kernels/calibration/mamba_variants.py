"""The three Mamba selective-scan kernels of the NKI fused-Mamba tutorial, rewritten in the
tutorial's loop structure for the timing model's calibration (published trn1 latencies; see
docs/timing.md). Each computes the same result as kernels/mamba.py.

Inputs (HBM, float32): delta, u [batch, channels, seq_len]; A [channels, state_size];
B, C [batch, state_size, seq_len]. Output: [batch, channels, seq_len]. channels % 128 == 0.

  mamba_states_outer(...)    v1: loops batch > state > channel tile; every (state, channel tile)
                             reloads its delta and u tiles; one [n_tiles, 128, seq_len] accumulator
  mamba_channels_outer(...)  v2: loops batch > channel tile > state; delta and u loaded once per
                             channel tile; one [128, seq_len] accumulator per channel tile
  mamba_seq_tiled(...)       v3: as v2, with the sequence cut into 512-element chunks (unrolled),
                             the scan carried between chunks through its `initial` column

The state loops are sequential_range here because every state adds into the same accumulator; the
tutorial writes them as affine_range and relies on the compiler's reduction handling.
"""
# reference: referenceMamba

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def mamba_states_outer(delta, u, A, B, C):
    batch, channels, seq_len = delta.shape
    _, states = A.shape
    P = nl.tile_size.pmax
    tiles = channels // P
    out = nl.ndarray((batch, channels, seq_len), dtype=delta.dtype, buffer=nl.shared_hbm)
    for b in nl.affine_range(batch):
        total = nl.zeros((tiles, nl.par_dim(P), seq_len), dtype=delta.dtype, buffer=nl.sbuf)
        for s in nl.sequential_range(states):
            for t in nl.affine_range(tiles):
                c0 = t * P
                d_tile = nl.load(delta[b, c0:c0 + P, 0:seq_len])
                rate = nl.load(A[c0:c0 + P, s:s + 1])
                decay = nisa.activation(op=nl.exp, data=d_tile, scale=rate)
                u_tile = nl.load(u[b, c0:c0 + P, 0:seq_len])
                b_row = nl.load(B[b, s:s + 1, 0:seq_len])
                du = nisa.tensor_tensor(d_tile, u_tile, op=nl.multiply)
                drive = nisa.tensor_tensor(du, b_row.broadcast_to((P, seq_len)), op=nl.multiply)
                state = nisa.tensor_tensor_scan(decay, drive, initial=0, op0=nl.multiply, op1=nl.add)
                c_row = nl.load(C[b, s:s + 1, 0:seq_len])
                part = nisa.tensor_tensor(state, c_row.broadcast_to((P, seq_len)), op=nl.multiply)
                total[t, 0:P, 0:seq_len] = nl.add(total[t, 0:P, 0:seq_len], part)
        for t in nl.affine_range(tiles):
            nl.store(out[b, t * P:(t + 1) * P, 0:seq_len], value=total[t, 0:P, 0:seq_len])
    return out


@nki.jit
def mamba_channels_outer(delta, u, A, B, C):
    batch, channels, seq_len = delta.shape
    _, states = A.shape
    P = nl.tile_size.pmax
    out = nl.ndarray((batch, channels, seq_len), dtype=delta.dtype, buffer=nl.shared_hbm)
    for b in nl.affine_range(batch):
        for t in nl.affine_range(channels // P):
            c0 = t * P
            total = nl.zeros((nl.par_dim(P), seq_len), dtype=delta.dtype, buffer=nl.sbuf)
            d_tile = nl.load(delta[b, c0:c0 + P, 0:seq_len])
            u_tile = nl.load(u[b, c0:c0 + P, 0:seq_len])
            for s in nl.sequential_range(states):
                rate = nl.load(A[c0:c0 + P, s:s + 1])
                decay = nisa.activation(op=nl.exp, data=d_tile, scale=rate)
                b_row = nl.load(B[b, s:s + 1, 0:seq_len])
                du = nisa.tensor_tensor(d_tile, u_tile, op=nl.multiply)
                drive = nisa.tensor_tensor(du, b_row.broadcast_to((P, seq_len)), op=nl.multiply)
                state = nisa.tensor_tensor_scan(decay, drive, initial=0, op0=nl.multiply, op1=nl.add)
                c_row = nl.load(C[b, s:s + 1, 0:seq_len])
                part = nisa.tensor_tensor(state, c_row.broadcast_to((P, seq_len)), op=nl.multiply)
                total[0:P, 0:seq_len] = nl.add(total[0:P, 0:seq_len], part)
            nl.store(out[b, c0:c0 + P, 0:seq_len], value=total[0:P, 0:seq_len])
    return out


@nki.jit
def mamba_seq_tiled(delta, u, A, B, C):
    batch, channels, seq_len = delta.shape
    _, states = A.shape
    P = nl.tile_size.pmax
    F = 512
    assert seq_len % F == 0
    out = nl.ndarray((batch, channels, seq_len), dtype=delta.dtype, buffer=nl.shared_hbm)
    for b in nl.affine_range(batch):
        for t in nl.affine_range(channels // P):
            c0 = t * P
            total = nl.zeros((nl.par_dim(P), seq_len), dtype=delta.dtype, buffer=nl.sbuf)
            d_tile = nl.load(delta[b, c0:c0 + P, 0:seq_len])
            u_tile = nl.load(u[b, c0:c0 + P, 0:seq_len])
            for s in nl.sequential_range(states):
                rate = nl.load(A[c0:c0 + P, s:s + 1])
                carry = nl.zeros((P, 1), dtype=delta.dtype, buffer=nl.sbuf)
                for j in nl.static_range(seq_len // F):
                    f0 = j * F
                    decay = nisa.activation(op=nl.exp, data=d_tile[0:P, f0:f0 + F], scale=rate)
                    b_row = nl.load(B[b, s:s + 1, f0:f0 + F])
                    du = nisa.tensor_tensor(d_tile[0:P, f0:f0 + F], u_tile[0:P, f0:f0 + F], op=nl.multiply)
                    drive = nisa.tensor_tensor(du, b_row.broadcast_to((P, F)), op=nl.multiply)
                    state = nisa.tensor_tensor_scan(decay, drive, initial=carry, op0=nl.multiply, op1=nl.add)
                    carry[...] = nl.copy(state[0:P, F - 1:F])
                    c_row = nl.load(C[b, s:s + 1, f0:f0 + F])
                    part = nisa.tensor_tensor(state, c_row.broadcast_to((P, F)), op=nl.multiply)
                    total[0:P, f0:f0 + F] = nl.add(total[0:P, f0:f0 + F], part)
            nl.store(out[b, c0:c0 + P, 0:seq_len], value=total[0:P, 0:seq_len])
    return out
