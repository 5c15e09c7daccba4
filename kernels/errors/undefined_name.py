"""A typo: the stored value y was never defined."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def undefined_name(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    x_exp = nl.exp(x)
    nl.store(out, value=y)  # error: NameError: name 'y' is not defined
    return out
