"""NKI dtypes as numpy dtypes (bf16 and fp8 through ml_dtypes), and their names on Tessel's side."""

from __future__ import annotations

from typing import Optional

import ml_dtypes
import numpy as np

#: Tessel's dtype name for each numpy dtype an array may have.
_NAMES: dict[np.dtype, str] = {
    np.dtype(np.float32): "float32",
    np.dtype(np.float16): "float16",
    np.dtype(ml_dtypes.bfloat16): "bfloat16",
    np.dtype(ml_dtypes.float8_e4m3): "float8_e4m3",
    np.dtype(ml_dtypes.float8_e5m2): "float8_e5m2",
    np.dtype(ml_dtypes.float8_e4m3fn): "float8_e4m3fn",
    np.dtype(np.int8): "int8",
    np.dtype(np.int16): "int16",
    np.dtype(np.int32): "int32",
    np.dtype(np.uint8): "uint8",
    np.dtype(np.uint16): "uint16",
    np.dtype(np.uint32): "uint32",
    np.dtype(np.bool_): "bool_",
}

#: numpy dtypes Tessel stores narrower, with the dtype an argument of that kind becomes.
_NARROWED: dict[np.dtype, np.dtype] = {
    np.dtype(np.float64): np.dtype(np.float32),
    np.dtype(np.int64): np.dtype(np.int32),
    np.dtype(np.uint64): np.dtype(np.uint32),
}

#: The numpy dtype of each Tessel dtype name (tfloat32 is stored in fp32 containers).
_DTYPES: dict[str, np.dtype] = {name: dt for dt, name in _NAMES.items()}
_DTYPES["tfloat32"] = np.dtype(np.float32)


def tessel_name(dtype: np.dtype) -> Optional[str]:
    """Tessel's name for an array dtype, or None when Tessel has no such dtype."""
    return _NAMES.get(np.dtype(dtype))


def narrowed(dtype: np.dtype) -> Optional[np.dtype]:
    """The dtype a float64/int64 array is passed as, or None when ``dtype`` is not one of those."""
    return _NARROWED.get(np.dtype(dtype))


def numpy_dtype(name: str) -> np.dtype:
    """The numpy dtype for a dtype name Tessel reports."""
    try:
        return _DTYPES[name]
    except KeyError:
        raise TypeError(f"Tessel returned a tensor of dtype {name}, which has no numpy equivalent") from None


def supported_names() -> list[str]:
    """The array dtypes a kernel argument may have."""
    return sorted(_NAMES.values())
