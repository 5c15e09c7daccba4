"""nl.zeros in HBM: HBM tensors cannot be created with an initial value."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    out = nl.zeros((128, 64), dtype=nl.float32, buffer=nl.shared_hbm)  # error: Creating HBM tensor with init value is not supported
    return out
