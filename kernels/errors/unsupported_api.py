"""nl.foo is not an NKI API."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def unsupported_api(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    y = nl.foo(x)  # error: unsupported: nl.foo
    nl.store(out, value=y)
    return out
