"""Prepared kernels: the cache of traced kernels, and running one on arrays.

A prepared kernel is Tessel's trace of a kernel function for one set of argument shapes, dtypes
and constants; it runs on the callers' buffers in place. Tessel itself watches what the trace
depended on (the source files it read, the environment variables its request came from) and
refuses to run a prepared kernel after they changed (:class:`Stale`): the caller traces again.
"""

from __future__ import annotations

import collections
import sys
import threading
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

import numpy as np

from . import _dtypes
from ._errors import KernelError, TesselWarning, is_strict, kernel_error, raise_located, warn
from ._library import RunBuffers, address, library


class Stale(Exception):
    """A prepared kernel whose source files or environment changed since its trace (nothing ran)."""


@dataclass
class Prepared:
    """A kernel Tessel has traced for one set of argument shapes, dtypes and constants."""

    handle: int
    parameters: list[dict[str, Any]]
    outputs: list[dict[str, Any]]
    #: How the return value nests the outputs (None when Tessel does not say).
    returns: Any = None
    returns_known: bool = False

    def __post_init__(self) -> None:
        self.dtypes = [_dtypes.numpy_dtype(p["dtype"]) for p in self.parameters]
        self.written = [bool(p["written"]) for p in self.parameters]
        self.written_names = [p["name"] for p in self.parameters if p["written"]]
        self.output_specs = [(tuple(o["shape"]), _dtypes.numpy_dtype(o["dtype"])) for o in self.outputs]
        self.counts = ([int(np.prod(p["shape"])) for p in self.parameters],
                       [int(np.prod(o["shape"])) for o in self.outputs])
        self.buffers = RunBuffers(*self.counts)
        self.lock = threading.Lock()
        self.library = library()

    def call(self, parameters: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> Optional[dict[str, Any]]:
        """Runs on C-contiguous arrays of the prepared shapes and dtypes. Returns the library's
        response when it has one (an error, warnings, printed text), else None; the run's time
        goes to :func:`last_timings`."""
        mine = self.lock.acquire(blocking=False)  # another thread running this kernel gets arrays of its own
        buffers = self.buffers if mine else RunBuffers(*self.counts)
        try:
            slots = buffers.parameters
            for i, a in enumerate(parameters):
                slots[i] = address(a)
            slots = buffers.outputs
            for i, a in enumerate(outputs):
                slots[i] = address(a)
            response = self.library.run(self.handle, buffers)
            _timings.value = (_timings.prepare, buffers.seconds.value)
            _timings.prepare = 0.0
            return response
        finally:
            if mine:
                self.lock.release()

    def __del__(self) -> None:
        try:
            self.library.release(self.handle)
        except Exception:  # the library may be gone at interpreter shutdown
            pass


class _PreparedCache:
    """The most recently used prepared kernels, keyed by their requests."""

    def __init__(self, capacity: int = 64):
        self.capacity = capacity
        self.lock = threading.Lock()
        self.entries: "collections.OrderedDict[tuple, Prepared]" = collections.OrderedDict()

    def get(self, key: tuple, make: Callable[[], Prepared]) -> Prepared:
        __tracebackhide__ = True  # pytest shows the kernel, not the bridge
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
                return hit
        prepared = make()
        with self.lock:
            self.entries[key] = prepared
            while len(self.entries) > self.capacity:
                self.entries.popitem(last=False)
        return prepared

    def drop(self, key: tuple) -> None:
        """Forgets one entry (a stale one)."""
        with self.lock:
            self.entries.pop(key, None)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


cache = _PreparedCache()


class _Timings(threading.local):
    """This thread's figures: the trace time of the call under way (0 when cached) and the last
    call's ``(prepare, run)`` seconds."""

    prepare = 0.0
    value: Optional[tuple[float, float]] = None


_timings = _Timings()


def last_timings() -> dict[str, float]:
    """This thread's last call: ``prepare`` (load, trace, verify, allocate; 0 when cached) and
    ``run`` (the kernel's own run) in seconds, as Tessel measured them."""
    value = _timings.value
    if value is None:
        return {"prepare": _timings.prepare} if _timings.prepare else {}
    return {"prepare": value[0], "run": value[1]}


def note_prepare(seconds: float) -> None:
    """Records the trace time of this thread's call (its run time follows)."""
    _timings.prepare = seconds
    _timings.value = None


def run(prepared: Prepared, arrays: dict[str, np.ndarray]) -> tuple[Any, list[str]]:
    """Runs on the arrays (by parameter name), copying those Tessel cannot use as they are;
    returns the result and the names of the parameters the kernel wrote."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    buffers: list[np.ndarray] = []
    write_back: list[tuple[str, np.ndarray, np.ndarray]] = []
    for i, p in enumerate(prepared.parameters):
        array = arrays.get(p["name"])
        if array is None:
            raise KernelError(f"error: Tessel's kernel parameter '{p['name']}' matches no array argument\n",
                              kind="internal")
        dtype = prepared.dtypes[i]
        # The caller's own memory when Tessel can use it as it is (in place, no copy).
        if (array.dtype == dtype and array.flags.c_contiguous and (array.flags.writeable or not p["written"])
                and not any(np.may_share_memory(array, other) for other in buffers)):
            buffers.append(array)
            continue
        buffer = np.array(array, dtype=dtype, order="C", copy=True)
        buffers.append(buffer)
        if p["written"]:
            write_back.append((p["name"], array, buffer))
    outputs = [np.empty(shape, dtype) for shape, dtype in prepared.output_specs]
    response = prepared.call(buffers, outputs)
    if response is not None:
        check(response)
    for name, array, buffer in write_back:
        if array.flags.writeable:
            np.copyto(array, buffer, casting="unsafe")
        else:
            warn(f"the kernel wrote argument '{name}', but its array is read-only: the write is lost")
    if response is not None:
        report(response)
    return result(prepared, outputs), prepared.written_names


def check(response: dict[str, Any]) -> None:
    """Raises what a run's response says went wrong: a located :class:`KernelError` (the strict
    one when the run warned and the bridge is strict), or :class:`Stale`."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    if not response.get("ok"):
        error = response.get("error", {})
        if error.get("kind") == "stale":
            raise Stale(error.get("message", ""))
        raise_located(kernel_error(error))
    if response.get("strict") and is_strict():
        raise_located(kernel_error(response["strict"]))


def report(response: dict[str, Any]) -> None:
    """Shows what a run printed and warns its warnings."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    if response.get("printed"):
        sys.stdout.write(response["printed"])
    for w in response.get("warnings", []):
        warn(_tessel_warning(w))


def _tessel_warning(w: dict[str, Any]) -> TesselWarning:
    """A warning Tessel reported, as a Python warning."""
    return TesselWarning(w.get("text") or w.get("message", ""), message=w.get("message", ""),
                         filename=w.get("file"), lineno=w.get("line"), colno=w.get("column"),
                         rendered=w.get("rendered", ""), phase=w.get("phase", "run"))


def result(prepared: Prepared, outputs: list[np.ndarray]) -> Any:
    """The kernel's return value made of its outputs."""
    if prepared.returns_known:
        return _nest(prepared.returns, outputs)
    if not outputs:
        return None
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _nest(shape: Any, outputs: list[np.ndarray]) -> Any:
    """The kernel's return value: ``outputs`` nested as Tessel's return shape says."""
    if shape is None:
        return None
    if isinstance(shape, int):
        return outputs[shape]
    if "tuple" in shape:
        return tuple(_nest(s, outputs) for s in shape["tuple"])
    return [_nest(s, outputs) for s in shape["list"]]
