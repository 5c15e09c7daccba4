"""Arguments the kernel writes are written back into the caller's arrays."""

import ml_dtypes
import numpy as np
import pytest

import legacy_kernels as K
from neuronxcc.nki import simulate_kernel


def test_mutable_fp32_argument_is_updated_in_place(rng):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    expected = a * 3
    returned = simulate_kernel(K.scale_in_place, a, 3.0)
    np.testing.assert_array_equal(a, expected)
    np.testing.assert_array_equal(returned, expected)


def test_mutable_bf16_argument_is_written_back_rounded(rng):
    a = rng.standard_normal((128, 64)).astype(ml_dtypes.bfloat16)
    expected = (a.astype(np.float32) * 3).astype(ml_dtypes.bfloat16)
    simulate_kernel(K.scale_in_place, a, 3.0)
    assert a.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(a.astype(np.float32), expected.astype(np.float32))


def test_non_contiguous_argument_is_written_back_through_its_view(rng):
    base = rng.standard_normal((14, 33)).astype(np.float32)
    view = base[::2]
    untouched = base[1::2].copy()
    expected = view * 2
    simulate_kernel(K.scale_in_place, view, 2.0)
    np.testing.assert_array_equal(base[::2], expected)
    np.testing.assert_array_equal(base[1::2], untouched)


def test_output_argument_is_filled_and_nothing_is_returned(rng):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    out = np.zeros_like(a)
    assert simulate_kernel(K.add_one_into, a, out) is None
    np.testing.assert_array_equal(out, a + 1)


def test_read_only_argument_the_kernel_writes_is_a_warning(rng):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    a.flags.writeable = False
    with pytest.warns(UserWarning, match="read-only"):
        returned = simulate_kernel(K.scale_in_place, a, 2.0)
    np.testing.assert_array_equal(returned, a * 2)


def test_the_same_array_twice_is_not_aliased(rng):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    out = simulate_kernel(K.scaled_add, a, a, scale=1.0)
    np.testing.assert_array_equal(out, a + a)
