"""A test module as an NKI user writes one: kernels defined right here, run through AWS's APIs."""

from dataclasses import dataclass

import ml_dtypes
import numpy as np
import pytest

import neuronxcc.nki as nki
import neuronxcc.nki.language as nl
import nki as nki_current
import nki.isa as nisa_current
import nki.language as nl_current
import tessel


@dataclass(frozen=True)
class RowScale:
    factor: float = 2.0


@nki.jit
def rms_rows(x):
    """Each row divided by its root mean square (one row per partition, rows <= 128)."""
    rows, cols = x.shape
    out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
    t = nl.load(x)
    mean_sq = nl.mean(nl.square(t), axis=[1])
    nl.store(out, value=nl.multiply(t, nl.rsqrt(mean_sq)))
    return out


@nki.jit
def block_copy(x):
    """Program i of the launch grid copies rows [128 i, 128 (i + 1))."""
    out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
    i = nl.program_id(0)
    nl.store(out[i * 128:(i + 1) * 128, :], value=nl.load(x[i * 128:(i + 1) * 128, :]))
    return out


@nki.jit
def scaled(x, config: RowScale):
    out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.multiply(nl.load(x), config.factor))
    return out


@nki.jit
def too_wide(x):
    out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.load(x))
    return out


@nki_current.jit
def negate_current(x):
    """A current-dialect kernel in the same file as the legacy ones."""
    out = nl_current.ndarray(x.shape, dtype=x.dtype, buffer=nl_current.shared_hbm)
    t = nl_current.ndarray(x.shape, dtype=x.dtype, buffer=nl_current.sbuf)
    nisa_current.dma_copy(dst=t, src=x)
    nisa_current.tensor_scalar(dst=t, data=t, op0=nl_current.multiply, operand0=-1.0)
    nisa_current.dma_copy(dst=out, src=t)
    return out


def rms_reference(x):
    x = x.astype(np.float64)
    return x / np.sqrt(np.mean(x * x, axis=1, keepdims=True))


@pytest.mark.parametrize("rows, cols", [(1, 8), (7, 300), (128, 512)])
def test_rms_rows_bf16(rows, cols, rng):
    x = rng.standard_normal((rows, cols)).astype(ml_dtypes.bfloat16)
    out = nki.simulate_kernel(rms_rows, x)
    assert out.dtype == ml_dtypes.bfloat16
    np.testing.assert_allclose(out.astype(np.float64), rms_reference(x), rtol=2**-6, atol=2**-7)


def test_grid_launch(rng):
    x = rng.standard_normal((384, 64)).astype(ml_dtypes.bfloat16)
    out = nki.simulate_kernel(nki.baremetal(block_copy)[3], x)
    np.testing.assert_array_equal(out.astype(np.float32), x.astype(np.float32))


def test_plain_call_with_nki_simulator(rng, monkeypatch):
    monkeypatch.setenv("NKI_SIMULATOR", "1")
    x = rng.standard_normal((7, 300)).astype(np.float32)
    np.testing.assert_allclose(rms_rows(x), rms_reference(x), rtol=1e-5)


def test_kernel_error_has_file_and_line():
    x = np.zeros((200, 4), np.float32)  # 200 partitions: more than a tile holds
    with pytest.raises(tessel.KernelError) as info:
        nki.simulate_kernel(too_wide, x)
    assert info.value.filename == __file__
    assert info.value.lineno == too_wide.func.__code__.co_firstlineno + 3  # the nl.load line
    assert f"{__file__}:{info.value.lineno}" in str(info.value)


def test_dataclass_config(rng):
    x = rng.standard_normal((7, 30)).astype(np.float32)
    np.testing.assert_array_equal(nki.simulate_kernel(scaled, x, RowScale(3.0)), x * 3)


def test_current_dialect_kernel_in_the_same_file(rng, monkeypatch):
    monkeypatch.setenv("NKI_SIMULATOR", "1")
    x = rng.standard_normal((7, 64)).astype(ml_dtypes.bfloat16)
    out = negate_current(x)  # a plain call of a current-dialect kernel, routed by NKI_SIMULATOR=1
    assert out.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(out.astype(np.float32), -x.astype(np.float32))
