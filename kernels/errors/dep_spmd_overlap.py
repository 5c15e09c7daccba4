"""Both program instances of a [2] grid store to the same rows of the output."""
# args: a: float32[256, 512], c_output: float32[128, 512]
# grid: [2]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def dep_spmd_overlap(a, c_output):
    pid = nl.program_id(0)
    t = nl.load(a[pid * 128:(pid + 1) * 128, 0:512])
    nl.store(c_output[0:128, 0:512], value=t)  # error: Unexpected output dependencies: `c_output[0, 0]` is written by 'store' (line 13) in program instance (0) and by 'store' (line 13) in program instance (1) of the SPMD grid [2]; make the program instances write disjoint regions of HBM
