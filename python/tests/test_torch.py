"""torch tensors in, torch tensors out (AWS's simulator accepts both numpy arrays and torch tensors)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import legacy_kernels as K  # noqa: E402
from neuronxcc.nki import simulate_kernel  # noqa: E402


def test_fp32_tensors(rng):
    a = torch.from_numpy(rng.standard_normal((7, 33)).astype(np.float32))
    out = simulate_kernel(K.scaled_add, a, a, scale=2.0)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    torch.testing.assert_close(out, (a + a) * 2, rtol=0, atol=0)


def test_bf16_tensors_come_back_bf16(rng):
    a = torch.from_numpy(rng.standard_normal((128, 64)).astype(np.float32)).to(torch.bfloat16)
    out = simulate_kernel(K.scaled_add, a, a)
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out, a + a, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_tensors_the_kernel_writes_are_updated(dtype, rng):
    a = torch.from_numpy(rng.standard_normal((7, 33)).astype(np.float32)).to(getattr(torch, dtype))
    expected = a * 3
    simulate_kernel(K.scale_in_place, a, 3.0)
    torch.testing.assert_close(a, expected, rtol=0, atol=0)
