"""An if on nl.program_id specialises the kernel per program; here both programs write rows 64..127 of out."""
# args: a: float32[256, 64]
# grid: [2]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray((256, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    pid = nl.program_id(0)
    if pid == 0:
        t = nl.load(a[0:128, 0:64])
        nl.store(out[0:128, 0:64], value=t)
    else:
        t = nl.load(a[64:192, 0:64])
        nl.store(out[64:192, 0:64], value=t)  # error: Unexpected output dependencies: `out[64, 0]` is written by 'store' (line 15) in program instance (0) and by 'store' (line 18) in program instance (1) of the SPMD grid [2]; make the program instances write disjoint regions of HBM
    return out
