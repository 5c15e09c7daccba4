"""Kernel objects as NKI's decorators return them: ``kernel[grid](...)``, simulation, benchmarks.

Both dialects share these. Calling a kernel directly means "run it on a Neuron device" in NKI;
here that runs in Tessel when ``NKI_SIMULATOR=1`` (or the kernel's mode is ``simulation``) and is
otherwise an error that says how to simulate it.
"""

from __future__ import annotations

import functools
import operator
import os
from pathlib import Path
from typing import Any, Optional

from ._simulate import estimate, simulate, warn

LEGACY = "legacy"
CURRENT = "current"


def simulator_requested() -> bool:
    """Whether ``NKI_SIMULATOR`` asks for plain kernel calls to run in the simulator."""
    return os.environ.get("NKI_SIMULATOR", "").strip().lower() in ("1", "true", "yes", "on")


def _grid(key: Any) -> tuple[int, ...]:
    dims = key if isinstance(key, tuple) else (key,)
    try:
        grid = tuple(operator.index(d) for d in dims)
    except TypeError:
        raise TypeError(f"a launch grid is made of integers, got {key!r}") from None
    if not grid or any(d < 1 for d in grid):
        raise ValueError(f"launch grid dimensions must be positive, got {key!r}")
    return grid


class Kernel:
    """An NKI kernel function with its launch configuration.

    ``kernel[g0, g1]`` launches a legacy SPMD grid; ``kernel[lnc]`` picks the Logical NeuronCore
    degree of a current-dialect kernel. The kernel function itself is ``kernel.func``.
    """

    def __init__(self, func: Any, *, dialect: str, mode: str = "jit", options: Optional[dict] = None,
                 grid: tuple[int, ...] = (), lnc: Optional[int] = None):
        self.func = func
        self.dialect = dialect
        self.mode = mode
        self.options = dict(options or {})
        self.grid = grid
        self.lnc = lnc
        functools.update_wrapper(self, func)
        self.__tessel_function__ = func

    def _with(self, **changes: Any) -> "Kernel":
        k = object.__new__(type(self))
        k.__dict__.update(self.__dict__)
        k.__dict__.update(changes)
        return k

    def __getitem__(self, key: Any) -> "Kernel":
        if self.dialect == CURRENT:
            grid = _grid(key)
            if len(grid) != 1:
                raise TypeError(f"{self.__name__}[...]: a current-dialect kernel takes one launch size, "
                                f"the Logical NeuronCore degree (kernel[1] or kernel[2]); got {key!r}")
            return self._with(lnc=grid[0])
        return self._with(grid=_grid(key))

    @property
    def target(self) -> Optional[str]:
        """The target the decorator named (``platform_target=``), if any."""
        return self.options.get("platform_target")

    def simulate(self, *args: Any, target: Optional[str] = None, **kwargs: Any) -> Any:
        """Runs the kernel in Tessel with its launch configuration."""
        __tracebackhide__ = True  # pytest shows the kernel, not the bridge
        return simulate(self.func, args, kwargs, grid=self.grid, lnc=self.lnc, target=target or self.target,
                        dialect=self.dialect)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # pytest shows the kernel, not the bridge
        if self.mode == "simulation" or simulator_requested():
            return self.simulate(*args, **kwargs)
        how = ("nki.simulate(kernel)(...)" if self.dialect == CURRENT
               else "neuronxcc.nki.simulate_kernel(kernel, ...)")
        raise RuntimeError(
            f"{self.__name__}: calling an NKI kernel runs it on a Neuron device, and there is none here; "
            f"run it in Tessel's simulator with {how}, or set NKI_SIMULATOR=1 to route plain calls there"
        )

    def __repr__(self) -> str:
        launch = f"[{', '.join(map(str, self.grid))}]" if self.grid else (f"[{self.lnc}]" if self.lnc else "")
        return f"<NKI {self.dialect} kernel {self.__name__}{launch} ({self.mode})>"


class Simulated(Kernel):
    """``nki.simulate(kernel)``: calling it always runs in Tessel."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # pytest shows the kernel, not the bridge
        return self.simulate(*args, **kwargs)


class LatencyResult:
    """``benchmark_result.nc_latency``: the kernel's latency as Tessel's timing model estimates it."""

    def __init__(self, report: dict):
        #: The timing model's whole report: per-engine busy time, DMA, critical path, top lines.
        self.report = report

    def get_latency_percentile(self, percentile: float) -> float:
        """The estimated latency in microseconds. A model has no run-to-run spread: every
        percentile is the same estimate."""
        if not 0 <= percentile <= 100:
            raise ValueError(f"a percentile is between 0 and 100, got {percentile}")
        return self.report["latencyNs"] / 1000.0


class BenchmarkResult:
    """What ``benchmark`` leaves on the kernel after a call."""

    def __init__(self, nc_latency: LatencyResult):
        self.nc_latency = nc_latency


class Benchmark(Kernel):
    """``benchmark(warmup=, iters=)(kernel)``: estimates the kernel's hardware latency.

    A call traces the kernel for its arguments (so kernel errors surface) and runs Tessel's timing
    model on the traced program, which needs no data; the kernel is not simulated, so a
    benchmark at production shapes costs what tracing costs. The call returns None.
    """

    benchmark_result: Optional[BenchmarkResult] = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # pytest shows the kernel, not the bridge
        report = estimate(self.func, args, kwargs, grid=self.grid, lnc=self.lnc, target=self.target,
                          dialect=self.dialect)
        self.benchmark_result = BenchmarkResult(LatencyResult(report))
        return None


class Profile(Kernel):
    """``profile(working_directory=, save_trace_name=, ...)(kernel)``: runs the kernel in Tessel and
    writes the timing model's timeline as a Perfetto trace, ``<working_directory>/<trace name>.json``.
    AWS's NEFF and NTFF files come from hardware and are not produced (a warning says so)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # pytest shows the kernel, not the bridge
        result = self.simulate(*args, **kwargs)
        directory = Path(self.options.get("working_directory") or os.getcwd())
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / (Path(self.options.get("save_trace_name") or "profile.ntff").stem + ".json")
        estimate(self.func, args, kwargs, grid=self.grid, lnc=self.lnc, target=self.target, dialect=self.dialect,
                 trace=str(path))
        warn(f"{self.__name__}: NEFF/NTFF hardware profiles cannot be produced without a Neuron device; Tessel's "
             f"estimated timeline is in {path} (open it in Perfetto)")
        return result


def decorator(dialect: str, mode: str, cls: type = Kernel):
    """An NKI decorator: ``@jit``, ``@jit(...)`` and ``jit(func, ...)`` forms."""

    def decorate(func: Any = None, **options: Any) -> Any:
        if func is None:
            return lambda f: decorate(f, **options)
        if isinstance(func, Kernel):
            func = func.func
        kernel_mode = options.pop("mode", mode) if mode == "jit" else mode
        return cls(func, dialect=dialect, mode=kernel_mode, options=options)

    return decorate
