"""A destination passed positionally to a legacy ISA call, as the current dialect does (`nc_matmul(dst, a, b)`)."""
# args: a: float32[128, 128], b: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a, b):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    y = nl.load(b)
    acc = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    nisa.nc_matmul(acc, x, y)  # error: TypeError: nisa.nc_matmul() takes 2 positional arguments but 3 were given
    nl.store(out, nl.copy(acc))
    return out
