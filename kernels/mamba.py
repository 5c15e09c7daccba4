"""Fused Mamba selective scan (the SSM core of a Mamba layer).

Inputs (HBM, float32):
  delta [batch, channels, seq_len]   per-token step sizes
  u     [batch, channels, seq_len]   the input sequence
  A     [channels, state_size]       per-channel, per-state decay rates (usually negative)
  B     [batch, state_size, seq_len] input projections
  C     [batch, state_size, seq_len] output projections
Output: [batch, channels, seq_len], where for every batch b, channel c and state s

  decay[t] = exp(delta[b, c, t] * A[c, s])
  state[t] = decay[t] * state[t-1] + delta[b, c, t] * u[b, c, t] * B[b, s, t]   (state[-1] = 0)
  out[b, c, t] = sum over s of state[t] * C[b, s, t]

channels must be a multiple of 128 (one channel per partition); seq_len must be at most
seq_tile or a multiple of it. The recurrence runs on the Vector Engine with
nisa.tensor_tensor_scan(decay, input, initial, op0=multiply, op1=add), one chunk of seq_tile
steps at a time; the last state of each chunk becomes the `initial` of the next, so the chunk
loop is a nl.sequential_range; so is the state loop, since every state adds into the same
fp32 accumulator. exp(delta * A) is a single nisa.activation with a per-partition scale.

Entry point: mamba_kernel(delta, u, A, B, C, seq_tile=512) -> out (shared HBM).
"""
# reference: referenceMamba (built on referenceScan)

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def mamba_kernel(delta, u, A, B, C, seq_tile=512):
    batch, channels, seq_len = delta.shape
    _, state_size = A.shape
    assert u.shape == delta.shape
    assert B.shape == (batch, state_size, seq_len) and C.shape == (batch, state_size, seq_len)
    out = nl.ndarray((batch, channels, seq_len), dtype=delta.dtype, buffer=nl.shared_hbm)

    P = nl.tile_size.pmax
    assert channels % P == 0, "channels must be a multiple of 128"
    chunk = min(seq_len, seq_tile)
    assert seq_len % chunk == 0, "seq_len must be at most seq_tile or a multiple of it"

    for b in nl.affine_range(batch):
        for ct in nl.affine_range(channels // P):
            c0 = ct * P
            # delta, u and delta * u are shared by every state: load and compute them once.
            delta_tile = nl.load(delta[b, c0:c0 + P, 0:seq_len])
            u_tile = nl.load(u[b, c0:c0 + P, 0:seq_len])
            delta_u = nisa.tensor_tensor(delta_tile, u_tile, op=nl.multiply)

            acc = nl.zeros((P, seq_len), dtype=nl.float32, buffer=nl.sbuf)

            # Every state adds into acc (a read-modify-write of the same tile), so the state
            # loop carries a dependency and is sequential.
            for s in nl.sequential_range(state_size):
                a_col = nl.load(A[c0:c0 + P, s:s + 1])      # [128, 1]: one rate per channel
                scan_init = nl.zeros((P, 1), dtype=nl.float32, buffer=nl.sbuf)

                for i in nl.sequential_range(seq_len // chunk):
                    t0 = i * chunk
                    # exp(delta * A[c, s]): the scale is a per-partition vector.
                    decay = nisa.activation(op=nl.exp, data=delta_tile[0:P, t0:t0 + chunk],
                                            scale=a_col)

                    b_row = nl.load(B[b, s:s + 1, t0:t0 + chunk])   # [1, chunk]
                    c_row = nl.load(C[b, s:s + 1, t0:t0 + chunk])
                    drive = nisa.tensor_tensor(delta_u[0:P, t0:t0 + chunk],
                                               b_row.broadcast_to((P, chunk)), op=nl.multiply)

                    # state[t] = decay[t] * state[t-1] + drive[t], per partition.
                    states = nisa.tensor_tensor_scan(decay, drive, initial=scan_init,
                                                     op0=nl.multiply, op1=nl.add)
                    scan_init[...] = nl.copy(states[0:P, chunk - 1:chunk])

                    contribution = nisa.tensor_tensor(states, c_row.broadcast_to((P, chunk)),
                                                      op=nl.multiply)
                    acc[0:P, t0:t0 + chunk] = nl.add(acc[0:P, t0:t0 + chunk], contribution)

            nl.store(out[b, c0:c0 + P, 0:seq_len], value=acc)

    return out
