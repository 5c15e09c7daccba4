"""Finding and loading Tessel's C ABI library (``libTesselBridge``) with ctypes.

The library is found, in order, through ``TESSEL_BIN`` (the ``tessel`` executable, the library
itself, or the directory holding them), then ``tessel`` on ``PATH`` (the library beside it), then
the ``.build/release`` directory of the checkout this package was installed from.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Any, Optional

#: The ABI version this package speaks (``tessel_bridge_info``'s ``abi``).
ABI_VERSION = 5

LIBRARY_NAME = "libTesselBridge.dylib" if sys.platform == "darwin" else "libTesselBridge.so"
BUILD_COMMAND = "swift build -c release --product TesselBridge"


class TesselNotFound(RuntimeError):
    """Tessel's bridge library could not be found or loaded."""


TesselNotFound.__module__ = "tessel"  # where users import it from


def checkout_root() -> Optional[Path]:
    """The Tessel checkout this package comes from, when it can be told.

    Running from the source tree (``python/`` on ``sys.path``) gives its parent; an installed
    package reads the source directory pip recorded (``direct_url.json``, PEP 610).
    """
    here = Path(__file__).resolve().parent.parent  # python/
    if (here.parent / "Package.swift").is_file():
        return here.parent
    try:
        from importlib import metadata

        text = metadata.distribution("tessel").read_text("direct_url.json")
    except Exception:  # not installed by pip, or no record: nothing to go on
        return None
    if not text:
        return None
    url = json.loads(text).get("url", "")
    if not url.startswith("file://"):
        return None
    from urllib.parse import unquote, urlparse

    source = Path(unquote(urlparse(url).path))
    root = source.parent if source.name == "python" else source
    return root if (root / "Package.swift").is_file() else None


def _beside(path: Path) -> list[Path]:
    """Where the library may sit for a ``tessel`` executable or a directory at ``path``."""
    directory = path if path.is_dir() else path.parent
    return [directory / LIBRARY_NAME, directory.parent / "lib" / LIBRARY_NAME]


def find_library() -> Path:
    """The bridge library's path, or :class:`TesselNotFound` saying how to get one."""
    __tracebackhide__ = True  # pytest shows the caller, not the bridge
    tried: list[str] = []
    explicit = os.environ.get("TESSEL_BIN")
    if explicit:
        path = Path(explicit).expanduser()
        candidates = [path] if path.name.startswith("libTesselBridge") else _beside(path.resolve())
        for c in candidates:
            if c.is_file():
                return c
        raise TesselNotFound(
            f"TESSEL_BIN={explicit} does not lead to {LIBRARY_NAME} (looked for "
            + ", ".join(str(c) for c in candidates)
            + f"); build it with `{BUILD_COMMAND}` in the Tessel checkout and point TESSEL_BIN at "
            + ".build/release/tessel or at the library"
        )
    on_path = shutil.which("tessel")
    if on_path:
        for c in _beside(Path(on_path).resolve()):
            if c.is_file():
                return c
            tried.append(str(c))
    root = checkout_root()
    if root is not None:
        c = root / ".build" / "release" / LIBRARY_NAME
        if c.is_file():
            return c
        raise TesselNotFound(
            f"Tessel's bridge library is not built: {c} does not exist. Build it with\n"
            f"    cd {root} && {BUILD_COMMAND}\n"
            "or set TESSEL_BIN to a tessel build directory (or to the library)."
        )
    looked = f" (looked for {', '.join(tried)})" if tried else ""
    raise TesselNotFound(
        f"Tessel's bridge library ({LIBRARY_NAME}) was not found{looked}: set TESSEL_BIN to the "
        f"tessel executable of a build that has it (`{BUILD_COMMAND}` in a Tessel checkout builds "
        "it into .build/release), or put that tessel on PATH."
    )


class Library:
    """The loaded library: JSON requests in, JSON responses out, array data by pointer."""

    def __init__(self, path: Path):
        __tracebackhide__ = True  # pytest shows the caller, not the bridge
        try:
            self._lib = ctypes.CDLL(str(path))
        except OSError as e:
            raise TesselNotFound(f"cannot load {path}: {e}") from None
        self.path = path
        lib = self._lib
        for name in ("tessel_bridge_info", "tessel_bridge_prepare", "tessel_bridge_run", "tessel_bridge_estimate"):
            getattr(lib, name).restype = ctypes.c_void_p
        lib.tessel_bridge_prepare.argtypes = [ctypes.c_char_p]
        lib.tessel_bridge_estimate.argtypes = [ctypes.c_int64, ctypes.c_char_p]
        ptrs = ctypes.POINTER(ctypes.c_void_p)
        counts = ctypes.POINTER(ctypes.c_int64)
        lib.tessel_bridge_run.argtypes = [
            ctypes.c_int64, ptrs, counts, ctypes.c_int64, ptrs, counts, ctypes.c_int64, ctypes.POINTER(ctypes.c_double),
        ]
        lib.tessel_bridge_release.argtypes = [ctypes.c_int64]
        lib.tessel_bridge_release.restype = None
        lib.tessel_bridge_free.argtypes = [ctypes.c_void_p]
        lib.tessel_bridge_free.restype = None
        self._run = lib.tessel_bridge_run
        self.info = self._take(lib.tessel_bridge_info())
        if self.info.get("abi") != ABI_VERSION:
            raise TesselNotFound(
                f"{path} speaks bridge ABI {self.info.get('abi')}, this package speaks {ABI_VERSION}: "
                f"rebuild the library (`{BUILD_COMMAND}`) or reinstall the package from the same checkout"
            )

    def _take(self, pointer: Optional[int]) -> dict[str, Any]:
        if not pointer:
            raise RuntimeError("Tessel's bridge library returned no response")
        try:
            return json.loads(ctypes.string_at(pointer).decode("utf-8"))
        finally:
            self._lib.tessel_bridge_free(pointer)

    def prepare(self, request: dict[str, Any]) -> dict[str, Any]:
        """Traces and prepares a kernel; the response has a ``handle`` or an ``error``."""
        return self._take(self._lib.tessel_bridge_prepare(json.dumps(request).encode("utf-8")))

    def run(self, handle: int, buffers: "RunBuffers") -> Optional[dict[str, Any]]:
        """Runs a prepared kernel on the buffers whose addresses ``buffers`` holds (each in its
        tensor's dtype). Returns None when the run has nothing to report (its time is then in
        ``buffers.seconds``), else the response: an error, or the run's warnings and printed text
        (with the error a strict caller raises instead)."""
        pointer = self._run(handle, buffers.parameters, buffers.parameter_counts, buffers.parameter_count,
                            buffers.outputs, buffers.output_counts, buffers.output_count, buffers.seconds_pointer)
        return self._take(pointer) if pointer else None

    def estimate(self, handle: int, request: dict[str, Any]) -> dict[str, Any]:
        """The timing model's estimate for a prepared kernel (``report``), or an ``error``."""
        return self._take(self._lib.tessel_bridge_estimate(handle, json.dumps(request).encode("utf-8")))

    def release(self, handle: int) -> None:
        """Forgets a prepared kernel."""
        self._lib.tessel_bridge_release(handle)


class RunBuffers:
    """The C arrays one run passes: the buffers' addresses (set before each run) and their element
    counts, parameters first, then outputs; and where the run's time lands."""

    def __init__(self, parameter_counts: list[int], output_counts: list[int]):
        self.parameter_count, self.output_count = len(parameter_counts), len(output_counts)
        self.parameters = (ctypes.c_void_p * max(1, self.parameter_count))()
        self.parameter_counts = (ctypes.c_int64 * max(1, self.parameter_count))(*parameter_counts)
        self.outputs = (ctypes.c_void_p * max(1, self.output_count))()
        self.output_counts = (ctypes.c_int64 * max(1, self.output_count))(*output_counts)
        self.seconds = ctypes.c_double()
        self.seconds_pointer = ctypes.pointer(self.seconds)


def address(array: Any) -> int:
    """The address of a contiguous array's first element (0 for an empty one)."""
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(array))  # the quick way; needs a writable buffer
    except (TypeError, ValueError):  # read-only or empty
        return array.ctypes.data if array.size else 0


_lock = threading.Lock()
_library: Optional[Library] = None


def library() -> Library:
    """The process's library, loaded on first use."""
    __tracebackhide__ = True  # pytest shows the caller, not the bridge
    global _library
    with _lock:
        if _library is None:
            _library = Library(find_library())
        return _library
