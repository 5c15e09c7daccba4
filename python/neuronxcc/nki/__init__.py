"""Tessel's drop-in ``neuronxcc.nki`` (the legacy NKI dialect).

Kernel modules import it unchanged; ``simulate_kernel(kernel[grid], *arrays)`` runs a kernel in
Tessel's simulated NeuronCore, and ``benchmark`` reports Tessel's latency estimate where AWS's
reports hardware latency. Calling a kernel directly runs it in Tessel when ``NKI_SIMULATOR=1``.
"""

from typing import Any

from tessel._kernel import LEGACY, Benchmark, Kernel, Profile, decorator
from tessel._simulate import simulate as _simulate

from . import compiler, isa, language, typing

jit = decorator(LEGACY, "jit")
baremetal = decorator(LEGACY, "baremetal")
trace = decorator(LEGACY, "trace")
benchmark = decorator(LEGACY, "benchmark", Benchmark)
profile = decorator(LEGACY, "profile", Profile)


def simulate_kernel(kernel: Any, *args: Any, **kwargs: Any) -> Any:
    """Runs ``kernel`` (a kernel function or a launch such as ``kernel[2, 4]``) in Tessel on numpy
    arrays and returns its results; every keyword argument goes to the kernel."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    if isinstance(kernel, Kernel):
        return _simulate(kernel.func, args, kwargs, grid=kernel.grid, target=kernel.target, dialect=kernel.dialect)
    return _simulate(kernel, args, kwargs)


__all__ = ["jit", "baremetal", "trace", "benchmark", "profile", "simulate_kernel", "language", "isa",
           "typing", "compiler"]
