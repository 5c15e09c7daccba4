"""A default argument whose construction fails is an error at the default, never a silent None."""
# args: a: float32[128, 64]

from collections import namedtuple

from neuronxcc import nki
import neuronxcc.nki.language as nl

SkipMode = namedtuple("SkipMode", ["skip_token", "skip_weight"])


@nki.jit
def k(a, skip=SkipMode(False)):  # error: TypeError: SkipMode.__new__() missing 1 required positional argument: 'skip_weight'
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    if not skip.skip_token:
        nl.store(out, nl.load(a))
    return out
