"""Tessel's errors and warnings as Python exceptions."""

from __future__ import annotations

import ast
import builtins
import inspect
import os
import warnings
from pathlib import Path
from typing import Any, Optional


class KernelError(Exception):
    """A kernel failed to trace, verify or run in Tessel.

    ``str(error)`` is Tessel's rendered diagnostic: the message, ``--> file:line:col``, the source
    line and a caret. The parts are attributes: ``message``, ``filename``, ``lineno``, ``colno``,
    ``kind`` (``kernel`` for the kernel or its arguments, ``usage`` for a request Tessel cannot
    serve) and ``exception`` (Python's exception name when the kernel raised one while tracing,
    such as ``AssertionError``; the raised object is then also an instance of that class).
    """

    def __init__(self, rendered: str, message: str = "", filename: Optional[str] = None,
                 lineno: Optional[int] = None, colno: Optional[int] = None, kind: str = "kernel",
                 exception: Optional[str] = None):
        super().__init__(rendered.rstrip("\n"))
        self.rendered = rendered
        self.message = message or rendered
        self.filename = filename
        self.lineno = lineno
        self.colno = colno
        self.kind = kind
        self.exception = exception


class TesselWarning(UserWarning):
    """A warning of Tessel's about a kernel call: of its trace (an argument the dialect ignores), of
    its run (a read of never-written memory, output elements no instruction wrote, a shared SPMD
    write) or of the bridge (an argument converted to another dtype, a write into a read-only array).

    ``str(warning)`` is ``file:line:col: message`` (then one ``note:`` line per note) where Tessel
    knows the kernel line. The parts are attributes: ``message``, ``filename``, ``lineno``,
    ``colno``, ``rendered`` (Tessel's rendering with the source line and a caret) and ``phase``
    (``trace``, ``run`` or ``bridge``). ``-W error::tessel.TesselWarning``, or a strict bridge
    (:func:`tessel.set_strict`, ``TESSEL_STRICT=1``), makes them errors.
    """

    def __init__(self, text: str, message: str = "", filename: Optional[str] = None, lineno: Optional[int] = None,
                 colno: Optional[int] = None, rendered: str = "", phase: str = "bridge"):
        super().__init__(text)
        self.message = message or text
        self.filename = filename
        self.lineno = lineno
        self.colno = colno
        self.rendered = rendered or f"warning: {text}\n"
        self.phase = phase


#: The process's strict setting (None: follow ``TESSEL_STRICT``).
_strict: Optional[bool] = None


def set_strict(enabled: Optional[bool] = True) -> Optional[bool]:
    """Makes every Tessel warning an error, as the command line's ``--strict`` does, and returns
    the previous setting.

    A strict call that warns (in its trace, its run, or the bridge's handling of its arguments)
    raises :class:`KernelError` naming every warning, located at the first. ``None`` goes back to
    the environment: strict when ``TESSEL_STRICT`` is ``1`` (or ``true``, ``yes``, ``on``).
    """
    global _strict
    previous, _strict = _strict, None if enabled is None else bool(enabled)
    return previous


def is_strict() -> bool:
    """Whether warnings are errors: :func:`set_strict`'s setting, else ``TESSEL_STRICT``."""
    if _strict is not None:
        return _strict
    return os.environ.get("TESSEL_STRICT", "").strip().lower() in ("1", "true", "yes", "on")


def strict_error(message: str) -> KernelError:
    """The error a strict call raises for a warning of the bridge's own (no kernel location)."""
    text = f"{message}; a strict run makes warnings errors"
    return KernelError(f"error: {text}\n", message=text, kind="kernel")


# Shown as `tessel.KernelError` in tracebacks, where users import them from.
KernelError.__module__ = TesselWarning.__module__ = "tessel"


_combined: dict[type, type] = {}


#: Tessel's hint for a module it cannot find, worded for the command line, and the same advice for
#: a Python caller, whose modules Tessel finds through ``sys.path``.
_CLI_MODULE_HINT = "add the directories of your own modules with --path"
_PYTHON_MODULE_HINT = "add the directories of your own modules to sys.path or PYTHONPATH"


def _for_python_callers(text: str) -> str:
    """A diagnostic's text with advice on the command line's ``--path`` worded for Python."""
    return text.replace(_CLI_MODULE_HINT, _PYTHON_MODULE_HINT)


def kernel_error(failure: dict[str, Any]) -> KernelError:
    """The exception for a failure Tessel reported.

    When the kernel raised a built-in Python exception while tracing (``assert``, an
    ``IndexError``), the error is also an instance of it, so ``pytest.raises(AssertionError)``
    catches it as it would with AWS's simulator.
    """
    cls: type = KernelError
    python = getattr(builtins, failure.get("exception") or "", None)
    if isinstance(python, type) and issubclass(python, Exception) and not issubclass(python, KernelError):
        cls = _combined.get(python)
        if cls is None:
            try:
                cls = type(f"Kernel{python.__name__}", (KernelError, python), {"__module__": "tessel"})
            except TypeError:  # a built-in whose instance layout cannot be combined (OSError, ...)
                cls = KernelError
            _combined[python] = cls
    return cls(
        _for_python_callers(failure.get("rendered") or failure.get("message", "Tessel failed")),
        message=_for_python_callers(failure.get("message", "")),
        filename=failure.get("file"),
        lineno=failure.get("line"),
        colno=failure.get("column"),
        kind=failure.get("kind", "kernel"),
        exception=failure.get("exception"),
    )


def _enclosing_function(filename: str, lineno: int) -> str:
    """The name of the innermost function of ``filename`` that contains ``lineno``, or ``<module>``."""
    try:
        with open(filename, encoding="utf-8") as f:
            tree = ast.parse(f.read(), filename)
    except (OSError, SyntaxError, ValueError):
        return "<module>"
    best = "<module>"
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            end = getattr(node, "end_lineno", None) or node.lineno
            if node.lineno <= lineno <= end:
                best = node.name  # ast.walk is breadth first: inner functions come later
    return best


def raise_located(error: KernelError) -> None:
    """Raises ``error`` from a frame at the kernel's file and line (named after the kernel function
    there), so tracebacks, pytest's included, show the kernel's source line."""
    __tracebackhide__ = True  # pytest shows the kernel, not the bridge
    line = error.lineno or 0
    if error.filename and line > 1 and os.path.isfile(error.filename):
        # The raise starts at the error's column, so that a traceback's caret points there.
        indent = " " * max(1, (error.colno or 5) - 1)
        source = "\n" * (line - 2) + f"def _tessel():\n{indent}raise __tessel_error__\n"
        try:
            namespace: dict[str, Any] = {"__tessel_error__": error}
            exec(compile(source, error.filename, "exec"), namespace)
            raiser = namespace["_tessel"]
            raiser.__code__ = raiser.__code__.replace(co_name=_enclosing_function(error.filename, line))
        except (SyntaxError, ValueError):
            raise error from None
        raiser()
    raise error from None


#: This package's directories (its own, and the drop-in ``neuronxcc`` and ``nki``).
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
