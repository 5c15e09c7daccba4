"""nl.program_id(1) in a kernel launched on a 1-D grid."""
# args: a: float32[256, 64]
# grid: [2]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray((256, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    j = nl.program_id(1)  # error: IndexError: nl.program_id(1) outside the launch grid [2] (pass --grid)
    return out
