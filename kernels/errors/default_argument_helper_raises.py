"""A default argument computed by a helper that raises: the error is where it is raised, never a silent None."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


def configured_scale():
    raise ValueError("no scale configured")  # error: ValueError: no scale configured


@nki.jit
def k(a, scale=configured_scale()):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, nl.multiply(nl.load(a), scale))
    return out
