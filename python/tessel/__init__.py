"""Tessel from Python: run NKI kernels on a simulated NeuronCore.

```python
import numpy as np
import tessel

out = tessel.simulate_kernel(my_kernel, a, b)              # numpy arrays in, numpy arrays out
out = tessel.simulate_kernel(my_kernel, a, grid=(2, 4))    # a legacy SPMD launch
```

The drop-in modules ``neuronxcc.nki`` and ``nki`` (installed with this package) let kernel files
and their pytest suites import and run unchanged; they call :func:`simulate_kernel`.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from ._errors import KernelError, TesselWarning, is_strict, set_strict
from ._expressions import ArgumentError
from ._kernel import Kernel
from ._library import TesselNotFound, find_library
from ._simulate import clear_cache, estimate as _estimate_call, simulate as _simulate_call

__all__ = [
    "simulate_kernel", "estimate_kernel", "KernelError", "TesselWarning", "ArgumentError",
    "TesselNotFound", "find_library", "clear_cache", "set_strict", "is_strict",
]

__version__ = "0.1.0"


def simulate_kernel(kernel: Any, *args: Any, grid: Union[None, int, Sequence[int]] = None,
                    lnc: Optional[int] = None, target: Optional[str] = None, **kwargs: Any) -> Any:
    """Runs an NKI kernel in Tessel and returns its results as numpy arrays.

    ``kernel`` is a kernel function defined at module level of a source file (decorated with
    ``nki.jit`` or not; a launch such as ``kernel[2, 4]`` carries its grid). Arrays (bf16 and fp8
    as ml_dtypes arrays) become HBM tensors; every other argument is evaluated by Tessel in the
    kernel's module as the equivalent Python value. Arrays the kernel writes are updated in place.
    Returns ``None``, one array, or a tuple of arrays, as the kernel returns.

    ``grid`` is a legacy SPMD launch grid, ``lnc`` a current-dialect Logical NeuronCore degree,
    ``target`` one of ``trn1``, ``trn2``, ``trn3`` (default: ``NEURON_PLATFORM_TARGET_OVERRIDE``,
    else ``trn2``).

    Raises :class:`KernelError` with Tessel's located diagnostic when the kernel fails.
    """
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    launch_grid, launch_lnc, launch_target, dialect = _launch(kernel, grid, lnc, target)
    return _simulate_call(kernel, args, kwargs, grid=launch_grid, lnc=launch_lnc, target=launch_target, dialect=dialect)


def estimate_kernel(kernel: Any, *args: Any, grid: Union[None, int, Sequence[int]] = None,
                    lnc: Optional[int] = None, target: Optional[str] = None, trace: Optional[str] = None,
                    **kwargs: Any) -> dict:
    """Tessel's timing-model estimate of an NKI kernel's hardware latency for these arguments.

    The kernel is traced, not run (arrays only give shapes and dtypes). Returns the timing report
    as a dict: ``latencyNs``, per-engine busy time and utilisation, DMA, the critical path and the
    top source lines. ``trace`` names a Chrome trace-event JSON file (Perfetto) to write.
    """
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    launch_grid, launch_lnc, launch_target, dialect = _launch(kernel, grid, lnc, target)
    return _estimate_call(kernel, args, kwargs, grid=launch_grid, lnc=launch_lnc, target=launch_target, dialect=dialect,
                    trace=trace)


def _launch(kernel: Any, grid: Union[None, int, Sequence[int]], lnc: Optional[int],
            target: Optional[str]) -> tuple[tuple[int, ...], Optional[int], Optional[str], Optional[str]]:
    """The launch grid, LNC degree, target and dialect of a call, from the kernel object and the
    arguments (which may not contradict the kernel's own launch)."""
    launch_grid: tuple[int, ...] = ()
    launch_lnc, launch_target, dialect = lnc, target, None
    if isinstance(kernel, Kernel):
        dialect = kernel.dialect
        launch_grid, launch_lnc = kernel.grid, kernel.lnc if lnc is None else lnc
        launch_target = target or kernel.target
        if grid is not None and kernel.grid:
            raise ValueError(f"{kernel.__name__} already has the launch grid {list(kernel.grid)}; grid= would replace it")
    if grid is not None:
        launch_grid = (grid,) if isinstance(grid, int) else tuple(grid)
    return launch_grid, launch_lnc, launch_target, dialect
