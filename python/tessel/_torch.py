"""torch tensors as kernel arguments: converted to numpy arrays on the way in (sharing memory where
torch allows), results returned as torch tensors, and the kernel's writes copied back into the
caller's tensors. torch is never imported here unless the caller passed a torch tensor."""

from __future__ import annotations

import sys
from typing import Any, Optional

import numpy as np


def is_tensor(value: Any) -> bool:
    """Whether ``value`` is a torch tensor (without importing torch)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _via_float(torch) -> dict:
    """torch dtypes numpy lacks, with their ml_dtypes counterparts."""
    import ml_dtypes

    pairs = {torch.bfloat16: ml_dtypes.bfloat16}
    for t, m in (("float8_e5m2", ml_dtypes.float8_e5m2), ("float8_e4m3fn", ml_dtypes.float8_e4m3fn)):
        if hasattr(torch, t):
            pairs[getattr(torch, t)] = m
    return pairs


class TorchArguments:
    """The torch tensors of one call and the arrays that stand for them."""

    def __init__(self) -> None:
        self.pairs: list[tuple[Any, np.ndarray, bool]] = []  # tensor, array, shares memory

    @property
    def used(self) -> bool:
        return bool(self.pairs)

    def to_numpy(self, tensor: Any) -> np.ndarray:
        import torch

        t = tensor.detach()
        via = _via_float(torch)
        if t.dtype in via:
            array = t.to(device="cpu", dtype=torch.float32).numpy().astype(via[t.dtype])
            shares = False
        else:
            cpu = t.cpu()
            array = cpu.numpy()
            shares = cpu.data_ptr() == tensor.data_ptr() and tensor.device.type == "cpu"
        self.pairs.append((tensor, array, shares))
        return array

    def write_back(self, written: set[int]) -> None:
        """Copies each written array (by ``id``) into its tensor, unless they share memory."""
        import torch

        for tensor, array, shares in self.pairs:
            if id(array) in written and not shares:
                with torch.no_grad():
                    tensor.copy_(torch.from_numpy(np.asarray(array, dtype=np.float32)).to(tensor.dtype))

    def result(self, value: Any) -> Any:
        """A result of numpy arrays as torch tensors."""
        if value is None:
            return None
        if isinstance(value, (tuple, list)):
            return type(value)(self.result(v) for v in value)
        return _to_torch(value)


def _to_torch(array: np.ndarray) -> Any:
    import torch

    for t, m in _via_float(torch).items():
        if array.dtype == np.dtype(m):
            return torch.from_numpy(array.astype(np.float32)).to(t)
    if array.dtype.kind == "V":
        raise TypeError(f"the kernel returned a {array.dtype} tensor, which torch has no dtype for")
    return torch.from_numpy(array)


def convert(value: Any, arguments: Optional[TorchArguments]) -> Any:
    """``value`` with a torch tensor replaced by its array."""
    if arguments is not None and is_tensor(value):
        return arguments.to_numpy(value)
    return value
