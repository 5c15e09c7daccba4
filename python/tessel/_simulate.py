"""Running a kernel function in Tessel: identify it, hand its arguments over, run, write back.

A kernel crosses as its source file and function name; arrays cross as pointers to their data in
their own dtype (the caller's memory when it is contiguous, so the kernel's in-place writes land
there directly; Tessel decodes bf16/fp8/integers itself); every other argument crosses as a Python
expression (``_expressions``). Prepared kernels are cached by their request (``_prepared``), so
repeated calls with the same shapes, dtypes and constants only run; a call whose arguments are
arrays and plain constants finds its prepared kernel without building the request (``_calls``).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
import sys
import types
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from . import _api, _calls, _dtypes, _torch
from ._errors import KernelError, kernel_error, raise_located, warn
from ._expressions import ArgumentError, Speller
from ._library import library
from ._prepared import Prepared, Stale, cache, last_timings, note_prepare, run

#: What ``NEURON_PLATFORM_TARGET_OVERRIDE`` and ``NKI_NC_VERSION`` may name, as Tessel targets.
_TARGETS = {
    "trn1": "trn1", "inf2": "trn1", "gen2": "trn1",
    "trn2": "trn2", "gen3": "trn2",
    "trn3": "trn3", "gen4": "trn3",
}


#: The environment variables that name a target, in priority order.
TARGET_VARIABLES = ("NEURON_PLATFORM_TARGET_OVERRIDE", "NKI_NC_VERSION")


def resolve_target(target: Optional[str]) -> str:
    """The Tessel target: the one given, else the environment's (AWS's variables), else trn2."""
    if target is None:
        for variable in TARGET_VARIABLES:
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


def clear_cache() -> None:
    """Forgets every prepared kernel (the next calls trace again)."""
    _calls.clear()
    cache.clear()


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
    if "ml_dtypes" in sys.modules:  # an argument may be of its dtypes: the stubs name them
        _api.install_ml_dtypes()
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
    if target is None:  # a run after the environment names another target traces again
        request["environment"] = {v: os.environ.get(v) for v in TARGET_VARIABLES}
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
    """What identifies a prepared kernel: everything in its request, as a hashable value (Tessel
    itself watches the files the trace read and the environment: ``_prepared.Stale``)."""
    return (request["file"], request["function"], request["target"], tuple(request["grid"]), request.get("lnc"),
            request.get("dialect"), request.get("module"), tuple(map(_spec_key, request["positional"])),
            tuple(sorted((k, _spec_key(v)) for k, v in request["keywords"].items())),
            tuple(request["importPaths"]))


def _arguments(kernel: Any, args: Sequence[Any], kwargs: Mapping[str, Any]):
    """The kernel's source, its arguments with torch tensors as arrays, and the torch bookkeeping."""
    source = kernel_source(kernel)
    torch_arguments = _torch.TorchArguments() if "torch" in sys.modules else None
    args = [_torch.convert(a, torch_arguments) for a in args]
    kwargs = {k: _torch.convert(v, torch_arguments) for k, v in kwargs.items()}
    return source, args, kwargs, torch_arguments


def _with_prepared(request: dict[str, Any], use: Callable[[Prepared], Any]) -> tuple[Prepared, Any]:
    """``use`` applied to the prepared kernel of ``request`` (traced again once if the kernel's
    files or environment changed since it was cached)."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    key = _key(request)
    for attempt in range(2):
        prepared = cache.get(key, functools.partial(_prepare, request))
        try:
            return prepared, use(prepared)
        except Stale as stale:
            cache.drop(key)
            if attempt:
                raise KernelError(f"error: {stale}; it changed again while Tessel traced it\n", message=str(stale),
                                  kind="usage") from None
    raise AssertionError("unreachable")


def simulate(kernel: Any, args: Sequence[Any], kwargs: Mapping[str, Any], *, grid: Sequence[int] = (),
             lnc: Optional[int] = None, target: Optional[str] = None, dialect: Optional[str] = None) -> Any:
    """Runs ``kernel(*args, **kwargs)`` in Tessel and returns what it returns, as numpy arrays."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    call_key = _calls.key(kernel, args, kwargs, grid, lnc, target, dialect)
    if call_key is not None:
        done, value = _calls.run(call_key, kernel, args, kwargs)
        if done:
            return value
    source, args, kwargs, torch_arguments = _arguments(kernel, args, kwargs)
    arrays: dict[str, np.ndarray] = {}
    request = _request(source, _bind(source, args, kwargs), arrays, grid=grid, lnc=lnc, target=target,
                       dialect=dialect)
    prepared, (result, written) = _with_prepared(request, lambda p: run(p, arrays))
    if call_key is not None:
        _calls.remember(call_key, kernel, source, prepared, _positional_names(source, len(args)), args, kwargs)
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
    source, args, kwargs, _ = _arguments(kernel, args, kwargs)
    request = _request(source, _bind(source, args, kwargs), {}, grid=grid, lnc=lnc, target=target, dialect=dialect)

    def use(prepared: Prepared) -> dict[str, Any]:
        response = library().estimate(prepared.handle, {"trace": trace} if trace else {})
        if not response.get("ok") and response.get("error", {}).get("kind") == "stale":
            raise Stale(response["error"].get("message", ""))
        if not response.get("ok"):
            raise_located(kernel_error(response.get("error", {})))
        return response["report"]

    return _with_prepared(request, use)[1]


def _watched_files(kernel_file: str, roots: Sequence[str]) -> list[dict[str, Any]]:
    """The states of the module files a trace of ``kernel_file`` may read, taken before it: those
    of every module Python has imported from the kernel's directory or from one of the import
    paths ``roots``, and the kernel's file. (Tessel watches those of them the trace did read.)"""
    prefixes = tuple(r.rstrip(os.sep) + os.sep for r in [os.path.dirname(os.path.abspath(kernel_file)), *roots])
    paths = {kernel_file}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py") and path.startswith(prefixes):
            paths.add(path)
    states = []
    for path in sorted(paths):
        try:
            st = os.stat(path)
        except OSError:
            continue
        states.append({"path": path, "mtimeNs": st.st_mtime_ns, "size": st.st_size})
    return states


def _prepare(request: dict[str, Any]) -> Prepared:
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    # The states before the trace, so that an edit while Tessel reads a file counts as a change.
    states = _watched_files(request["file"], request.get("importPaths", []))
    response = library().prepare(dict(request, fileStates=states))
    if not response.get("ok"):
        raise_located(kernel_error(response.get("error", {})))
    note_prepare(response.get("seconds", 0.0))
    return Prepared(response["handle"], response["parameters"], response["outputs"], response.get("returns"),
                    "returns" in response)
