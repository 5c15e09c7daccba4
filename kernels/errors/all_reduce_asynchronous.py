"""nl.all_reduce across programs with asynchronous=True: the caller's synchronization is not modelled."""
# args: a: float32[128, 512]
# grid: [2]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import numpy as np


@nki.jit
def all_reduce_asynchronous(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    shard_id = nl.program_id(axis=0)
    t = nl.load(a)
    total = nl.all_reduce(t, op=np.add, program_axes=[shard_id], asynchronous=True)  # error: unsupported: nl.all_reduce(asynchronous=True): the caller synchronizes with the collective before reading its result, which Tessel does not model; pass asynchronous=False
    nl.store(out, total)
    return out
