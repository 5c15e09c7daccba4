"""Spelling a Python argument as an equivalent Python expression for the kernel's module.

Every kernel argument that is not an array crosses to Tessel as source text that Tessel evaluates
in the kernel module's namespace after running the module: ``FlashConfig(seq_tile_size=2048,
training=True)``, ``NormType.RMS_NORM``, ``nl.bfloat16``, ``(1, 2)``. Classes, enum types,
functions and dtypes are spelled by a name the kernel's module binds (directly or through a module
it imports), so the value Tessel builds is the module's own.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import types
from typing import Any, Mapping, Optional

import numpy as np


class ArgumentError(TypeError):
    """A kernel argument that cannot cross to Tessel."""


ArgumentError.__module__ = "tessel"  # where users import it from


def _resolve(root: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        root = getattr(root, part, None)
        if root is None:
            return None
    return root


def spell_object(obj: Any, namespace: Mapping[str, Any], module_name: str) -> Optional[str]:
    """An expression naming ``obj`` (a class, function, dtype, module-level object) in ``namespace``.

    Tries a name bound to ``obj`` itself, then an attribute of a module the namespace binds
    (``nl.bfloat16``, ``np.float32``, ``common_types.NormType``), then ``obj``'s qualified name
    when it is defined in the kernel's own module. None when ``obj`` is not reachable.
    """
    for name, value in namespace.items():
        if value is obj and name.isidentifier() and not name.startswith("__"):
            return name
    home = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    short = getattr(obj, "__name__", None)
    for name, value in namespace.items():
        if not isinstance(value, types.ModuleType) or name.startswith("__"):
            continue
        if qualname and value.__name__ == home and _resolve(value, qualname) is obj:
            return f"{name}.{qualname}"
        if isinstance(short, str) and short.isidentifier() and getattr(value, short, None) is obj:
            return f"{name}.{short}"
    if home == module_name and qualname and "<locals>" not in qualname:
        if _resolve_namespace(namespace, qualname) is obj:
            return qualname
    return None


def _resolve_namespace(namespace: Mapping[str, Any], dotted: str) -> Any:
    head, _, rest = dotted.partition(".")
    value = namespace.get(head)
    return value if not rest or value is None else _resolve(value, rest)


def _float(x: float) -> str:
    if math.isnan(x):
        return "float('nan')"
    if math.isinf(x):
        return "float('inf')" if x > 0 else "float('-inf')"
    return repr(float(x))


def _sequence(items: list[str], open_: str, close: str, one_trailing_comma: bool = False) -> str:
    if one_trailing_comma and len(items) == 1:
        return f"{open_}{items[0]},{close}"
    return open_ + ", ".join(items) + close


class Speller:
    """Spells argument values for one kernel module's namespace."""

    def __init__(self, namespace: Mapping[str, Any], module_name: str):
        self.namespace = namespace
        self.module_name = module_name

    def name_of(self, obj: Any, where: str, what: str) -> str:
        spelled = spell_object(obj, self.namespace, self.module_name)
        if spelled is None:
            label = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
            raise ArgumentError(
                f"{where}: {what} {label} (from module {getattr(obj, '__module__', '?')}) is not reachable "
                f"from the kernel's module {self.module_name}; import it there (Tessel evaluates arguments "
                "in the kernel module's namespace)"
            )
        return spelled

    def spell(self, value: Any, where: str) -> str:
        """The expression for ``value``; ``where`` names it in errors (``argument 'config'``)."""
        if value is None or isinstance(value, (bool, np.bool_)):
            return repr(None if value is None else bool(value))
        if isinstance(value, enum.Enum):
            return f"{self.name_of(type(value), where, 'enum')}.{value.name}"
        if isinstance(value, (int, np.integer)):
            return repr(int(value))
        if isinstance(value, (float, np.floating)):
            return _float(float(value))
        if isinstance(value, np.generic) and np.dtype(type(value)).kind == "V":
            return _float(float(value))
        if isinstance(value, str):
            return repr(value)
        if isinstance(value, np.dtype):
            return self.name_of(value.type, where, "dtype")
        if isinstance(value, np.ndarray):
            raise ArgumentError(
                f"{where}: an array inside a container argument cannot cross to Tessel yet; pass each "
                "array as its own kernel argument"
            )
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._dataclass(value, where)
        if isinstance(value, tuple) and hasattr(type(value), "_fields"):
            cls = self.name_of(type(value), where, "named tuple")
            fields = [f"{f}={self.spell(getattr(value, f), f'{where}.{f}')}" for f in type(value)._fields]
            return f"{cls}({', '.join(fields)})"
        if isinstance(value, tuple):
            return _sequence([self.spell(x, f"{where}[{i}]") for i, x in enumerate(value)], "(", ")", True)
        if isinstance(value, list):
            return _sequence([self.spell(x, f"{where}[{i}]") for i, x in enumerate(value)], "[", "]")
        if isinstance(value, dict):
            items = [f"{self.spell(k, f'{where} key')}: {self.spell(v, f'{where}[{k!r}]')}" for k, v in value.items()]
            return _sequence(items, "{", "}")
        if isinstance(value, (set, frozenset)):
            items = sorted(self.spell(x, f"{where} element") for x in value)
            inner = "set()" if not items else _sequence(items, "{", "}")
            return inner if isinstance(value, set) else f"frozenset({'' if not items else inner})"
        if isinstance(value, slice):
            parts = [self.spell(x, where) for x in (value.start, value.stop, value.step)]
            return f"slice({', '.join(parts)})"
        if isinstance(value, range):
            return f"range({value.start}, {value.stop}, {value.step})"
        if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType, np.ufunc)) or getattr(
            value, "__tessel_api__", False
        ):
            return self.name_of(value, where, "object")
        raise ArgumentError(
            f"{where}: Tessel cannot pass a value of type {type(value).__qualname__} to a kernel (it passes "
            "arrays, numbers, strings, None, tuples, lists, dicts, dtypes, enum members, dataclass and "
            "NamedTuple instances, and classes or functions the kernel's module can name)"
        )

    def _dataclass(self, value: Any, where: str) -> str:
        cls = type(value)
        name = self.name_of(cls, where, "dataclass")
        params = getattr(cls, "__dataclass_params__", None)
        if params is not None and not params.init:
            raise ArgumentError(f"{where}: dataclass {cls.__qualname__} has no generated __init__ to rebuild it with")
        args = []
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            args.append(f"{f.name}={self.spell(getattr(value, f.name), f'{where}.{f.name}')}")
        return f"{name}({', '.join(args)})"
