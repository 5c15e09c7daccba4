"""The loop variable i is used after its affine_range has ended."""
# args: a: float32[256, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def loop_var_out_of_scope(a):
    out = nl.ndarray((256, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(2):
        t = nl.load(a[i * 128:(i + 1) * 128, 0:512])
        nl.store(out[i * 128:(i + 1) * 128, 0:512], value=t)
    u = nl.load(a[i * 128:(i + 1) * 128, 0:512])  # error: Local variable 'i' is referenced outside of its parent scope
    nl.store(out[0:128, 0:512], value=u)
    return out
