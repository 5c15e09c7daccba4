"""NKI dtypes as numpy dtypes (bf16 and fp8 through ml_dtypes), and their names on Tessel's side.

ml_dtypes is imported only when one of its dtypes is asked for by name, or once it is imported
anyway (an array of its dtypes cannot exist before): importing it is most of a cold start.
"""

from __future__ import annotations

import sys
from typing import Optional

import numpy as np

#: Tessel's dtype name for each numpy dtype an array may have (ml_dtypes' ones once imported).
_NAMES: dict[np.dtype, str] = {
    np.dtype(np.float32): "float32",
    np.dtype(np.float16): "float16",
    np.dtype(np.int8): "int8",
    np.dtype(np.int16): "int16",
    np.dtype(np.int32): "int32",
    np.dtype(np.uint8): "uint8",
    np.dtype(np.uint16): "uint16",
    np.dtype(np.uint32): "uint32",
    np.dtype(np.bool_): "bool_",
}

#: The dtypes an array may have that ml_dtypes provides (under the same names there).
_ML_NAMES = ("bfloat16", "float8_e4m3", "float8_e5m2", "float8_e4m3fn")

#: numpy dtypes Tessel stores narrower, with the dtype an argument of that kind becomes.
_NARROWED: dict[np.dtype, np.dtype] = {
    np.dtype(np.float64): np.dtype(np.float32),
    np.dtype(np.int64): np.dtype(np.int32),
    np.dtype(np.uint64): np.dtype(np.uint32),
}

#: The numpy dtype of each Tessel dtype name (tfloat32 is stored in fp32 containers).
_DTYPES: dict[str, np.dtype] = {name: dt for dt, name in _NAMES.items()}
_DTYPES["tfloat32"] = np.dtype(np.float32)


def _add_ml_dtypes() -> None:
    """Adds ml_dtypes' dtypes to the tables (importing it)."""
    import ml_dtypes

    for name in _ML_NAMES:
        dtype = np.dtype(getattr(ml_dtypes, name))
        _NAMES[dtype] = name
        _DTYPES[name] = dtype


def tessel_name(dtype: np.dtype) -> Optional[str]:
    """Tessel's name for an array dtype, or None when Tessel has no such dtype."""
    dtype = np.dtype(dtype)
    name = _NAMES.get(dtype)
    if name is None and "ml_dtypes" in sys.modules and _ML_NAMES[0] not in _DTYPES:
        _add_ml_dtypes()
        name = _NAMES.get(dtype)
    return name


def narrowed(dtype: np.dtype) -> Optional[np.dtype]:
    """The dtype a float64/int64 array is passed as, or None when ``dtype`` is not one of those."""
    return _NARROWED.get(np.dtype(dtype))


def numpy_dtype(name: str) -> np.dtype:
    """The numpy dtype for a dtype name Tessel reports."""
    if name in _ML_NAMES and name not in _DTYPES:
        _add_ml_dtypes()
    try:
        return _DTYPES[name]
    except KeyError:
        raise TypeError(f"Tessel returned a tensor of dtype {name}, which has no numpy equivalent") from None


def supported_names() -> list[str]:
    """The array dtypes a kernel argument may have."""
    return sorted({*_NAMES.values(), *_ML_NAMES})
