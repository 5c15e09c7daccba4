"""Running a kernel function in Tessel: identify it, hand its arguments over, run, write back.

A kernel crosses as its source file and function name; arrays cross as pointers to their data in
their own dtype (the caller's memory when it is contiguous, so the kernel's in-place writes land
there directly; Tessel decodes bf16/fp8/integers itself); every other argument crosses as a Python
expression (``_expressions``). Prepared kernels are cached by
their request and source file, so repeated calls with the same shapes, dtypes and constants only run.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import inspect
import os
import sys
import threading
import types
import warnings
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from . import _dtypes, _torch
from ._errors import KernelError, TesselWarning, is_strict, kernel_error, raise_located, strict_error
from ._expressions import ArgumentError, Speller
from ._library import library

#: What ``NEURON_PLATFORM_TARGET_OVERRIDE`` and ``NKI_NC_VERSION`` may name, as Tessel targets.
_TARGETS = {
    "trn1": "trn1", "inf2": "trn1", "gen2": "trn1",
    "trn2": "trn2", "gen3": "trn2",
    "trn3": "trn3", "gen4": "trn3",
}


def resolve_target(target: Optional[str]) -> str:
    """The Tessel target: the one given, else the environment's (AWS's variables), else trn2."""
    if target is None:
        for variable in ("NEURON_PLATFORM_TARGET_OVERRIDE", "NKI_NC_VERSION"):
            if os.environ.get(variable):
                target = os.environ[variable]
                break
        else:
            return "trn2"
    resolved = _TARGETS.get(str(target).lower())
    if resolved is None:
        raise ValueError(f"unknown target {target!r}: expected one of trn1, trn2, trn3 (or inf2, gen2, gen3, gen4)")
    return resolved


@dataclass(frozen=True)
class KernelSource:
    """Where Tessel finds a kernel: a function at module level of a source file."""

    function: types.FunctionType
    file: str
    name: str
    namespace: Mapping[str, Any]
    module_name: str
    signature: inspect.Signature
    #: The names of the parameters positional arguments bind to, in order.
    positional: tuple[str, ...] = ()
    #: Whether ``module_name`` says where the module sits in its package (``_importable_name``).
    importable: bool = False
    #: The dialect the module's imports name, if one (``_dialect``).
    dialect: Optional[str] = None


def _unwrap(kernel: Any) -> Any:
    seen = set()
    while id(kernel) not in seen:
        seen.add(id(kernel))
        inner = getattr(kernel, "__tessel_function__", None) or getattr(kernel, "__wrapped__", None)
        if inner is None:
            break
        kernel = inner
    return kernel


#: Each kernel function's source, with the code object it was worked out for.
_sources: "weakref.WeakKeyDictionary[types.FunctionType, tuple[types.CodeType, KernelSource]]" = \
    weakref.WeakKeyDictionary()


def kernel_source(kernel: Any) -> KernelSource:
    """Identifies a kernel by source file and function name; refuses what Tessel cannot find."""
    fn = _unwrap(kernel)
    if not isinstance(fn, types.FunctionType):
        raise TypeError(f"expected an NKI kernel function, got {type(kernel).__qualname__}")
    cached = _sources.get(fn)
    if cached is not None and cached[0] is fn.__code__:
        source = cached[1]
    else:
        source = _locate(fn)
        _sources[fn] = (fn.__code__, source)
    bound = source.namespace.get(fn.__name__)
    if bound is not None and bound is not fn and _unwrap(bound) is not fn:
        raise ArgumentError(
            f"kernel {fn.__name__}: its module binds the name {fn.__name__} to something else, so Tessel "
            "would run a different function; give the kernel a name of its own"
        )
    return source


def _locate(fn: types.FunctionType) -> KernelSource:
    """The source of a kernel function (worked out once per function and code object)."""
    qualname = fn.__qualname__
    if qualname != fn.__name__:
        outer = qualname.split(".<locals>")[0] if "<locals>" in qualname else qualname.rsplit(".", 1)[0]
        raise ArgumentError(
            f"kernel {fn.__name__} is defined inside {outer}: Tessel runs kernels that a source file "
            "defines at module level (move it to the top level of its file)"
        )
    file = inspect.getsourcefile(fn) or fn.__code__.co_filename
    if not file or not os.path.isfile(file):
        raise ArgumentError(f"kernel {fn.__name__} has no source file Tessel can read (got {file!r})")
    namespace = fn.__globals__
    signature = inspect.signature(fn)
    positional = tuple(p.name for p in signature.parameters.values()
                       if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    source = KernelSource(fn, os.path.abspath(file), fn.__name__, namespace, namespace.get("__name__", "__main__"),
                          signature, positional)
    return dataclasses.replace(source, importable=_importable_name(source), dialect=_dialect(namespace))


@dataclass
class Prepared:
    """A kernel Tessel has traced for one set of argument shapes, dtypes and constants."""

    handle: int
    parameters: list[dict[str, Any]]
    outputs: list[dict[str, Any]]
    #: How the return value nests the outputs (None when Tessel does not say).
    returns: Any = None
    returns_known: bool = False
    #: The state (path, mtime, size) of every module file of the user's the trace may have read.
    watched: tuple = ()

    def is_stale(self) -> bool:
        """Whether a module file the trace may have read was edited (or removed) since."""
        for path, *state in self.watched:
            try:
                if _file_state(path)[1:] != tuple(state):
                    return True
            except OSError:
                return True
        return False

    def __del__(self) -> None:
        try:
            library().release(self.handle)
        except Exception:  # the library may be gone at interpreter shutdown
            pass


class _PreparedCache:
    """The most recently used prepared kernels, keyed by request and source file state; an entry
    whose watched module files changed is traced again."""

    def __init__(self, capacity: int = 64):
        self.capacity = capacity
        self.lock = threading.Lock()
        self.entries: "collections.OrderedDict[tuple, Prepared]" = collections.OrderedDict()

    def get(self, key: tuple, make: Callable[[], Prepared]) -> Prepared:
        __tracebackhide__ = True  # pytest shows the kernel, not the bridge
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None and hit.is_stale():
                del self.entries[key]  # an imported module was edited: trace again
            elif hit is not None:
                self.entries.move_to_end(key)
                return hit
        prepared = make()
        with self.lock:
            self.entries[key] = prepared
            while len(self.entries) > self.capacity:
                self.entries.popitem(last=False)
        return prepared

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_cache = _PreparedCache()


def clear_cache() -> None:
    """Forgets every prepared kernel (the next calls trace again)."""
    _cache.clear()


def _bind(source: KernelSource, args: Sequence[Any], kwargs: Mapping[str, Any]) -> inspect.BoundArguments:
    try:
        return source.signature.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{source.name}() {e}") from None


def _positional_names(source: KernelSource, count: int) -> list[str]:
    params = source.positional
    return [params[i] if i < len(params) else f"arg{i}" for i in range(count)]


def _array_argument(name: str, array: np.ndarray) -> tuple[dict[str, Any], np.ndarray]:
    """The tensor spec of an array argument, and the array as it will be passed."""
    dtype_name = _dtypes.tessel_name(array.dtype)
    if dtype_name is None:
        wider = _dtypes.narrowed(array.dtype)
        if wider is None:
            raise ArgumentError(
                f"argument '{name}': arrays of dtype {array.dtype} cannot be kernel arguments "
                f"(supported: {', '.join(_dtypes.supported_names())}, and float64/int64, passed as 32-bit)"
            )
        if wider.kind in "iu" and array.size:
            info = np.iinfo(wider)
            if array.min() < info.min or array.max() > info.max:
                raise ArgumentError(f"argument '{name}': {array.dtype} values do not fit in {wider}")
        warn(f"argument '{name}' of dtype {array.dtype} is passed to the kernel as {wider}")
        dtype_name = _dtypes.tessel_name(wider)
    if array.ndim == 0:
        raise ArgumentError(f"argument '{name}': a 0-d array is not a tensor; pass a Python number instead")
    return {"kind": "tensor", "shape": list(array.shape), "dtype": dtype_name}, array


def _file_state(path: str) -> tuple:
    st = os.stat(path)
    return (path, st.st_mtime_ns, st.st_size)


def _file_state_or_missing(path: str) -> tuple:
    """The file's state, or one no existing file has (so that a check finds it changed)."""
    try:
        return _file_state(path)
    except OSError:
        return (path, -1, -1)


def _dialect(namespace: Mapping[str, Any]) -> Optional[str]:
    """The NKI dialect a module's imports name: ``current`` for ``nki``, ``legacy`` for
    ``neuronxcc.nki``, None for neither or both."""
    found = set()
    for value in namespace.values():
        name = getattr(value, "__name__", None) if isinstance(value, types.ModuleType) else None
        if name == "nki" or (name or "").startswith("nki."):
            found.add("current")
        elif (name or "").startswith("neuronxcc.nki"):
            found.add("legacy")
    return found.pop() if len(found) == 1 else None


_excluded_roots: Optional[tuple[tuple[str, ...], str]] = None


def _excluded() -> tuple[tuple[str, ...], str]:
    """What Tessel must not read kernel modules from: the directories of Python's standard library
    and installed packages, with everything below them (numpy, pytest, scipy: Tessel has its own
    numpy, and the rest is host code), and the directory holding this package's drop-in
    ``neuronxcc`` and ``nki`` (Tessel's own bindings stand for them)."""
    global _excluded_roots
    if _excluded_roots is None:
        import site
        import sysconfig

        trees = set()
        for key in ("stdlib", "platstdlib", "purelib", "platlib"):
            path = sysconfig.get_paths().get(key)
            if path:
                trees.add(str(Path(path).resolve()))
        for path in list(getattr(site, "getsitepackages", lambda: [])()) + [site.getusersitepackages()]:
            trees.add(str(Path(path).resolve()))
        _excluded_roots = (tuple(sorted(trees)), str(Path(__file__).resolve().parent.parent))
    return _excluded_roots


_import_paths: tuple[tuple[Any, ...], list[str]] = ((), [])


def import_paths() -> list[str]:
    """The directories of ``sys.path`` Tessel imports a kernel's modules from, in order: existing
    directories, absolute, without the standard library, installed packages and this package.

    Worked out again only when ``sys.path`` or the working directory changes."""
    global _import_paths
    key = (tuple(sys.path), os.getcwd())
    if _import_paths[0] != key:
        _import_paths = (key, _usable_import_paths())
    return list(_import_paths[1])


def _usable_import_paths() -> list[str]:
    trees, drop_ins = _excluded()
    paths: list[str] = []
    for entry in sys.path:
        path = Path(entry or os.getcwd())
        if not path.is_dir():
            continue  # zip files and missing entries
        resolved = str(path.resolve())
        if resolved == drop_ins or resolved in paths or any(
                resolved == t or resolved.startswith(t + os.sep) for t in trees):
            continue
        paths.append(resolved)
    return paths


_timings = threading.local()
_PACKAGES = tuple(str(Path(__file__).resolve().parent.parent / p) + os.sep for p in ("tessel", "neuronxcc", "nki"))


def warn(message: "str | TesselWarning") -> None:
    """Warns at the first caller outside this package (the user's call of the kernel); a strict
    bridge raises :class:`KernelError` instead (for Tessel's own warnings, the library does)."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    if is_strict():
        raise strict_error(str(message))
    level = 1
    frame = inspect.currentframe()
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGES):
        frame = frame.f_back
        level += 1
    warnings.warn(message if isinstance(message, TesselWarning) else TesselWarning(message), stacklevel=level)


def _tessel_warning(w: dict[str, Any]) -> TesselWarning:
    """A warning Tessel reported, as a Python warning."""
    return TesselWarning(w.get("text") or w.get("message", ""), message=w.get("message", ""),
                         filename=w.get("file"), lineno=w.get("line"), colno=w.get("column"),
                         rendered=w.get("rendered", ""), phase=w.get("phase", "run"))


def last_timings() -> dict[str, float]:
    """This thread's last call: ``prepare`` (load, trace, verify, allocate; 0 when cached) and
    ``run`` (the kernel's own run) in seconds, as Tessel measured them."""
    return dict(getattr(_timings, "value", {}))


def _importable_name(source: KernelSource) -> bool:
    """Whether the kernel's module name says where the module sits in its package: a dotted name
    of a plain module file (``__main__`` and packages' ``__init__`` files are left to Tessel)."""
    name = source.module_name
    return (name != "__main__" and Path(source.file).stem != "__init__"
            and all(part.isidentifier() for part in name.split("."))
            and Path(source.file).stem == name.rsplit(".", 1)[-1])


def _request(source: KernelSource, bound: inspect.BoundArguments, arrays: dict[str, np.ndarray], *,
             grid: Sequence[int], lnc: Optional[int], target: Optional[str], dialect: Optional[str]) -> dict[str, Any]:
    """The prepare request for a call; fills ``arrays`` with the array arguments by parameter name."""
    speller = Speller(source.namespace, source.module_name)

    def spec(name: str, value: Any) -> dict[str, Any]:
        if isinstance(value, np.ndarray):
            s, arrays[name] = _array_argument(name, value)
            return s
        return {"kind": "expression", "text": speller.spell(value, f"argument '{name}'")}

    args = bound.args
    names = _positional_names(source, len(args))
    request = {
        "file": source.file,
        "function": source.name,
        "target": resolve_target(target),
        "grid": [int(g) for g in grid],
        "positional": [dict(spec(n, v), name=n) for n, v in zip(names, args)],
        "keywords": {k: spec(k, v) for k, v in bound.kwargs.items()},
        "importPaths": import_paths(),
    }
    if source.importable:
        request["module"] = source.module_name
    if lnc is not None:
        request["lnc"] = int(lnc)
    dialect = dialect or source.dialect
    if dialect is not None:
        request["dialect"] = dialect
    return request


def _spec_key(spec: dict[str, Any]) -> tuple:
    if spec["kind"] == "tensor":
        return ("tensor", tuple(spec["shape"]), spec["dtype"], spec.get("name"))
    return ("expression", spec["text"], spec.get("name"))


def _key(request: dict[str, Any]) -> tuple:
    """What identifies a prepared kernel: everything in its request, as a hashable value (the
    files it read are checked by the cache entry itself, ``Prepared.is_stale``)."""
    return (request["file"], request["function"], request["target"], tuple(request["grid"]), request.get("lnc"),
            request.get("dialect"), request.get("module"), tuple(map(_spec_key, request["positional"])),
            tuple(sorted((k, _spec_key(v)) for k, v in request["keywords"].items())),
            tuple(request["importPaths"]))


def _prepared(source: KernelSource, request: dict[str, Any]) -> Prepared:
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    _timings.value = {"prepare": 0.0}
    return _cache.get(_key(request), functools.partial(_prepare, request))


def simulate(kernel: Any, args: Sequence[Any], kwargs: Mapping[str, Any], *, grid: Sequence[int] = (),
             lnc: Optional[int] = None, target: Optional[str] = None, dialect: Optional[str] = None) -> Any:
    """Runs ``kernel(*args, **kwargs)`` in Tessel and returns what it returns, as numpy arrays."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    source = kernel_source(kernel)
    torch_arguments = _torch.TorchArguments() if "torch" in sys.modules else None
    args = [_torch.convert(a, torch_arguments) for a in args]
    kwargs = {k: _torch.convert(v, torch_arguments) for k, v in kwargs.items()}
    arrays: dict[str, np.ndarray] = {}
    request = _request(source, _bind(source, args, kwargs), arrays, grid=grid, lnc=lnc, target=target,
                       dialect=dialect)
    prepared = _prepared(source, request)
    result, written = _run(prepared, arrays)
    if torch_arguments is None or not torch_arguments.used:
        return result
    torch_arguments.write_back({id(arrays[name]) for name in written})
    return torch_arguments.result(result)


def estimate(kernel: Any, args: Sequence[Any], kwargs: Mapping[str, Any], *, grid: Sequence[int] = (),
             lnc: Optional[int] = None, target: Optional[str] = None, dialect: Optional[str] = None,
             trace: Optional[str] = None) -> dict[str, Any]:
    """The timing model's estimate for ``kernel(*args, **kwargs)`` (traced, not run): Tessel's
    timing report, ``latencyNs`` first. ``trace`` names a Perfetto trace file to write."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    source = kernel_source(kernel)
    torch_arguments = _torch.TorchArguments() if "torch" in sys.modules else None
    args = [_torch.convert(a, torch_arguments) for a in args]
    kwargs = {k: _torch.convert(v, torch_arguments) for k, v in kwargs.items()}
    request = _request(source, _bind(source, args, kwargs), {}, grid=grid, lnc=lnc, target=target, dialect=dialect)
    prepared = _prepared(source, request)
    response = library().estimate(prepared.handle, {"trace": trace} if trace else {})
    if not response.get("ok"):
        raise_located(kernel_error(response.get("error", {})))
    return response["report"]


def _watched_files(kernel_file: str, roots: Sequence[str]) -> tuple:
    """The states of the module files a trace of ``kernel_file`` may read, taken before it: those
    of every module Python has imported from the kernel's directory or from one of the import
    paths ``roots``. (Tessel then says which files the trace did read; those are watched.)"""
    prefixes = tuple(r.rstrip(os.sep) + os.sep for r in [os.path.dirname(os.path.abspath(kernel_file)), *roots])
    states = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py") and path.startswith(prefixes):
            try:
                states.add(_file_state(path))
            except OSError:
                continue
    return tuple(sorted(states))


def _prepare(request: dict[str, Any]) -> Prepared:
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    # The states before the trace, so that an edit while Tessel reads a file counts as a change.
    before = {state[0]: state for state in _watched_files(request["file"], request.get("importPaths", []))}
    before[request["file"]] = _file_state(request["file"])
    response = library().prepare(request)
    if not response.get("ok"):
        raise_located(kernel_error(response.get("error", {})))
    watched = tuple(sorted(before.values()))
    if "sourceFiles" in response:  # exactly the files the trace read
        watched = tuple(sorted(before.get(path) or _file_state_or_missing(path) for path in response["sourceFiles"]))
    _timings.value["prepare"] = response.get("seconds", 0.0)
    return Prepared(response["handle"], response["parameters"], response["outputs"], response.get("returns"),
                    "returns" in response, watched)


def _run(prepared: Prepared, arrays: dict[str, np.ndarray]) -> tuple[Any, list[str]]:
    """Runs on the arrays; returns the result and the names of the parameters the kernel wrote."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    buffers: list[np.ndarray] = []
    write_back: list[tuple[str, np.ndarray, np.ndarray]] = []
    for p in prepared.parameters:
        array = arrays.get(p["name"])
        if array is None:
            raise KernelError(f"error: Tessel's kernel parameter '{p['name']}' matches no array argument\n",
                              kind="internal")
        dtype = _dtypes.numpy_dtype(p["dtype"])
        # The caller's own memory when Tessel can use it as it is (in place, no copy).
        if (array.dtype == dtype and array.flags.c_contiguous and (array.flags.writeable or not p["written"])
                and not any(np.may_share_memory(array, other) for other in buffers)):
            buffers.append(array)
            continue
        buffer = np.array(array, dtype=dtype, order="C", copy=True)
        buffers.append(buffer)
        if p["written"]:
            write_back.append((p["name"], array, buffer))
    outputs = [np.empty(o["shape"], dtype=_dtypes.numpy_dtype(o["dtype"])) for o in prepared.outputs]
    response = library().run(
        prepared.handle,
        [b.ctypes.data for b in buffers], [b.size for b in buffers],
        [o.ctypes.data for o in outputs], [o.size for o in outputs],
        strict=is_strict(),
    )
    if not response.get("ok"):
        raise_located(kernel_error(response.get("error", {})))
    _timings.value["run"] = response.get("seconds", 0.0)
    for name, array, buffer in write_back:
        if array.flags.writeable:
            np.copyto(array, buffer, casting="unsafe")
        else:
            warn(f"the kernel wrote argument '{name}', but its array is read-only: the write is lost")
    if response.get("printed"):
        sys.stdout.write(response["printed"])
    for w in response.get("warnings", []):
        warn(_tessel_warning(w))
    written = [p["name"] for p in prepared.parameters if p["written"]]
    if prepared.returns_known:
        return _nest(prepared.returns, outputs), written
    if not outputs:
        return None, written
    return (outputs[0] if len(outputs) == 1 else tuple(outputs)), written


def _nest(shape: Any, outputs: list[np.ndarray]) -> Any:
    """The kernel's return value: ``outputs`` nested as Tessel's return shape says."""
    if shape is None:
        return None
    if isinstance(shape, int):
        return outputs[shape]
    if "tuple" in shape:
        return tuple(_nest(s, outputs) for s in shape["tuple"])
    return [_nest(s, outputs) for s in shape["list"]]
