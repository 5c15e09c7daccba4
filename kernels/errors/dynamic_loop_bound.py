"""A loop bound read from a tile at run time (`range(nki.typing.scalar(t))`): a dynamic loop, not modelled.

Tessel traces loops whose bounds are known while tracing; a refusal names the API rather than a
misleading TypeError about the loop bound.
"""
# args: a: float32[128, 64], count: int32[1, 1]

from neuronxcc import nki
import neuronxcc.nki.language as nl
from neuronxcc.nki.typing import scalar


@nki.jit
def k(a, count):
    out = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    n = nl.load(count)
    for _ in range(scalar(n)):  # error: unsupported: nki.typing.scalar (a loop bound read from a tile at run time: a loop the hardware runs). The legacy neuronxcc.nki.typing.scalar has no public documentation; NKI documents run-time loop bounds only in the current dialect (nl.dynamic_range, which Tessel models, and nl.fori_loop), so the legacy form is not modelled
        nl.store(out, value=nl.load(a))
    return out
