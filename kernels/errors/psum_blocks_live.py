"""Nine blocks of a PSUM block tensor are written before any is read, so all nine are live at once.

Each block is its own 2 KiB bank; a block is live from its first write to its last read. Read each
block in the loop that writes it (or in a loop the compiler can fuse with it: an `affine_range` of
the same trip count whose iteration i reads only what iteration i wrote), or give the tensor at
most eight blocks.
"""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def psum_blocks_live(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a)
    acc = nl.ndarray((9, nl.par_dim(128), 512), dtype=nl.float32, buffer=nl.psum)  # error: PSUM capacity exceeded: 9 blocks of `acc` live at once need 18432 bytes per partition (9 banks) on 128 partitions, more than the 16384 bytes per partition (8 banks) of PSUM on their own (18432 > 16384)
    for i in nl.affine_range(9):
        acc[i] = nl.multiply(t, 2.0)
    total = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.sbuf)
    for i in nl.sequential_range(9):
        total[...] = nl.add(total, acc[8 - i])
    nl.store(out, value=total)
    return out
