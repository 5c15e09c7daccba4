"""Tessel's drop-in ``nki`` (the current NKI dialect, 0.3+).

``nki.simulate(kernel)(*arrays)`` (also ``nki.cpu_simulate``, and ``[lnc]`` launches) runs a kernel
in Tessel's simulated NeuronCore; with ``NKI_SIMULATOR=1`` a plain call of an ``@nki.jit`` kernel
does too. Arrays the kernel writes in HBM are updated in the caller's arrays.
"""

from typing import Any

from tessel._kernel import CURRENT, Kernel, Simulated, decorator

from . import collectives, isa, language, typing

jit = decorator(CURRENT, "jit")


def simulate(kernel: Any) -> Simulated:
    """The kernel as a callable that runs in Tessel: ``nki.simulate(kernel)[lnc](*arrays)``."""
    if isinstance(kernel, Kernel):
        return Simulated(kernel.func, dialect=CURRENT, mode="simulation", options=kernel.options,
                         grid=kernel.grid, lnc=kernel.lnc)
    return Simulated(kernel, dialect=CURRENT, mode="simulation")


cpu_simulate = simulate

__all__ = ["jit", "simulate", "cpu_simulate", "language", "isa", "typing", "collectives"]
