"""An if on an nl.arange index grid."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    i_p = nl.arange(128)[:, None]
    if i_p < 64:  # error: TypeError: Control-flow depending on `nl.arange` or `nl.mgrid` is not supported
        pass
    return a
