"""An if on nl.program_id: one trace serves every program of the launch grid, so it is refused."""
# args: a: float32[256, 64]
# grid: [2]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray((256, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    pid = nl.program_id(0)
    if pid == 0:  # error: unsupported: Python control flow depending on nl.program_id (one trace serves every program of the launch grid; Tessel does not specialise a kernel per program)
        t = nl.load(a[0:128, 0:64])
        nl.store(out[0:128, 0:64], value=t)
    return out
