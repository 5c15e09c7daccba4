"""nl.all_reduce over a program axis with two programs: a collective Tessel does not model."""
# args: a: float32[128, 512]
# grid: [2]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import numpy as np


@nki.jit
def all_reduce_across_programs(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    shard_id = nl.program_id(axis=0)
    t = nl.load(a)
    total = nl.all_reduce(t, op=np.add, program_axes=[shard_id])  # error: unsupported: nl.all_reduce across the 2 programs of launch axis 0: a collective between SPMD programs, which Tessel does not model (it runs the programs one after another); only program axes of extent 1, where the reduction is a copy, are modelled
    nl.store(out, total)
    return out
