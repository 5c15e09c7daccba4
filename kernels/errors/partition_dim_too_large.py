"""An SBUF tile with 256 partitions: the partition dimension is at most 128."""
# args: a: float32[256, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def partition_dim_too_large(a):
    out = nl.ndarray((256, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.ndarray((256, 512), dtype=nl.float32, buffer=nl.sbuf)  # error: Size of partition dimension 256 exceeds architecture limitation of 128 (tensor `t`).
    t[...] = nl.load(a)
    nl.store(out, value=t)
    return out
