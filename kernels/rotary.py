"""Rotary position embedding (RoPE) on interleaved pairs, written to an output parameter.

x and out are HBM tensors [seq, d_head] (float32; d_head even, seq any length, processed 128
rows at a time with a masked last tile). cos and sin are HBM tensors [seq, d_head // 2]: the
cosine and sine of the rotation angle of pair i at position r. Each pair
(x[r, 2i], x[r, 2i+1]) is rotated:

  out[r, 2i]   = x[r, 2i] * cos[r, i] - x[r, 2i+1] * sin[r, i]
  out[r, 2i+1] = x[r, 2i] * sin[r, i] + x[r, 2i+1] * cos[r, i]

This is the interleaved (GPT-J style) pairing. The even and odd elements are read from the
SBUF tile with stride-2 free-axis indices (2 * i and 2 * i + 1) and the results written back
through the same strided indices. The kernel writes into `out` and returns nothing.

Entry point: rotary_kernel(x, cos, sin, out).
"""
# reference: referenceRotary

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def rotary_kernel(x, cos, sin, out):
    seq, d_head = x.shape
    assert d_head % 2 == 0, "d_head must be even"
    half = d_head // 2
    assert cos.shape == (seq, half) and sin.shape == (seq, half)
    assert out.shape == x.shape

    tile_p = nl.tile_size.pmax
    i_p = nl.arange(tile_p)[:, None]
    i_f = nl.arange(d_head)[None, :]
    i_h = nl.arange(half)[None, :]

    for t in nl.affine_range((seq + tile_p - 1) // tile_p):
        rows = t * tile_p + i_p
        inside = rows < seq
        x_tile = nl.load(x[rows, i_f], mask=inside)
        cos_tile = nl.load(cos[rows, i_h], mask=inside)
        sin_tile = nl.load(sin[rows, i_h], mask=inside)

        x_even = x_tile[i_p, 2 * i_h]
        x_odd = x_tile[i_p, 2 * i_h + 1]

        rotated = nl.ndarray((tile_p, d_head), dtype=x.dtype, buffer=nl.sbuf)
        rotated[i_p, 2 * i_h] = nl.subtract(nl.multiply(x_even, cos_tile),
                                            nl.multiply(x_odd, sin_tile))
        rotated[i_p, 2 * i_h + 1] = nl.add(nl.multiply(x_even, sin_tile),
                                           nl.multiply(x_odd, cos_tile))

        nl.store(out[rows, i_f], value=rotated, mask=inside)


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    seq, d_head = 200, 64
    x = np.random.randn(seq, d_head).astype(np.float32)
    angles = np.outer(np.arange(seq), 1.0 / 10000 ** (np.arange(0, d_head, 2) / d_head))
    cos, sin = np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)
    out = np.zeros_like(x)
    nki.simulate_kernel(rotary_kernel, x, cos, sin, out)
    ref = np.empty_like(x)
    ref[:, 0::2] = x[:, 0::2] * cos - x[:, 1::2] * sin
    ref[:, 1::2] = x[:, 0::2] * sin + x[:, 1::2] * cos
    assert np.allclose(out, ref, rtol=1e-5, atol=1e-5)
    print("rotary_kernel matches NumPy")
