"""Element-wise vector addition in the four shapes of the CS149 Trainium assignments, for the timing
model's calibration (published latencies on trn1 and trn2; see docs/timing.md).

Inputs (HBM): a, b [n] (float32). Output: a + b, [n] (or [n / (128 * free), 128, free] for
row_tiles_add, reshaped by the caller).

  chunk_add(a, b, rows=1)        one DMA per `rows` elements: [rows, 1] tiles, `rows` partitions
                                 (returns [n, 1])
  row_tiles_add(a, b, free=2)    [128, free] tiles cut from a [n / (128 * free), 128, free] reshape
                                 (trn1 layout: every tile is one contiguous block)
  column_tiles_add(a, b, free=2) [128, free] column slices of a [128, n / 128] reshape
                                 (trn2 layout: every partition reads `free` elements)
  scalar_chunk_add(a, b, rows=1) as chunk_add with dma_copy, adding with tensor_scalar (a [rows, 1]
                                 operand); returns [n, 1]
"""
# reference: referenceAdd

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def chunk_add(a, b, rows=1):
    (n,) = a.shape
    a2 = a.reshape((n, 1))
    b2 = b.reshape((n, 1))
    out = nl.ndarray((n, 1), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(n // rows):
        x = nl.ndarray((rows, 1), dtype=a.dtype, buffer=nl.sbuf)
        y = nl.ndarray((rows, 1), dtype=b.dtype, buffer=nl.sbuf)
        x[...] = nl.load(a2[i * rows:(i + 1) * rows, :])
        y[...] = nl.load(b2[i * rows:(i + 1) * rows, :])
        total = nl.add(x, y)
        nl.store(out[i * rows:(i + 1) * rows, :], value=total)
    return out


@nki.jit
def scalar_chunk_add(a, b, rows=1):
    (n,) = a.shape
    a2 = a.reshape((n, 1))
    b2 = b.reshape((n, 1))
    out = nl.ndarray((n, 1), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(n // rows):
        x = nl.ndarray((rows, 1), dtype=a.dtype, buffer=nl.sbuf)
        y = nl.ndarray((rows, 1), dtype=b.dtype, buffer=nl.sbuf)
        nisa.dma_copy(dst=x, src=a2[i * rows:(i + 1) * rows, :])
        nisa.dma_copy(dst=y, src=b2[i * rows:(i + 1) * rows, :])
        total = nisa.tensor_scalar(x, nl.add, y)
        nisa.dma_copy(dst=out[i * rows:(i + 1) * rows, :], src=total)
    return out


@nki.jit
def row_tiles_add(a, b, free=2):
    (n,) = a.shape
    P = 128
    tiles = n // (P * free)
    a3 = a.reshape((tiles, P, free))
    b3 = b.reshape((tiles, P, free))
    out = nl.ndarray((tiles, P, free), dtype=a.dtype, buffer=nl.shared_hbm)
    for t in nl.affine_range(tiles):
        x = nl.ndarray((P, free), dtype=a.dtype, buffer=nl.sbuf)
        y = nl.ndarray((P, free), dtype=b.dtype, buffer=nl.sbuf)
        x[...] = nl.load(a3[t])
        y[...] = nl.load(b3[t])
        total = nl.add(x, y)
        nl.store(out[t], value=total)
    return out


@nki.jit
def column_tiles_add(a, b, free=2):
    (n,) = a.shape
    P = 128
    a2 = a.reshape((P, n // P))
    b2 = b.reshape((P, n // P))
    out = nl.ndarray((P, n // P), dtype=a.dtype, buffer=nl.shared_hbm)
    for t in nl.affine_range(n // (P * free)):
        x = nl.ndarray((P, free), dtype=a.dtype, buffer=nl.sbuf)
        y = nl.ndarray((P, free), dtype=b.dtype, buffer=nl.sbuf)
        nisa.dma_copy(dst=x, src=a2[:, t * free:(t + 1) * free])
        nisa.dma_copy(dst=y, src=b2[:, t * free:(t + 1) * free])
        total = nisa.tensor_tensor(x, y, op=nl.add)
        nisa.dma_copy(dst=out[:, t * free:(t + 1) * free], src=total)
    return out
