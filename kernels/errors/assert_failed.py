"""A shape assertion fails at trace time."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def assert_failed(a):
    assert a.shape[0] == 256, "expected 256 rows"  # error: AssertionError: expected 256 rows
    out = nl.ndarray((256, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    return out
