"""Legacy-dialect kernels run through neuronxcc.nki.simulate_kernel against numpy references."""

import ml_dtypes
import numpy as np
import pytest

import legacy_kernels as K
from neuronxcc.nki import simulate_kernel

#: Relative tolerance of one rounding step in each dtype (two ulps).
ULP2 = {np.dtype(np.float32): 2.0**-22, np.dtype(np.float16): 2.0**-9, np.dtype(ml_dtypes.bfloat16): 2.0**-6}


@pytest.mark.parametrize("shape", [(1, 1), (7, 33), (128, 512), (300, 130)])
@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16])
def test_scaled_add_matches_numpy(shape, dtype, rng):
    a = rng.standard_normal(shape).astype(dtype)
    b = rng.standard_normal(shape).astype(dtype)
    out = simulate_kernel(K.scaled_add, a, b, scale=0.5)
    assert out.dtype == np.dtype(dtype) and out.shape == shape
    expected = (a.astype(np.float64) + b.astype(np.float64)) * 0.5
    tiny = 2.0**-24 if np.dtype(dtype) == np.float16 else 1e-30  # fp16 subnormals have absolute steps
    np.testing.assert_allclose(out.astype(np.float64), expected, rtol=ULP2[np.dtype(dtype)], atol=tiny)


def test_default_argument_is_the_kernels_own(rng):
    a = rng.standard_normal((7, 9)).astype(np.float32)
    np.testing.assert_array_equal(simulate_kernel(K.scaled_add, a, a), a + a)


def test_exp_on_the_scalar_engine(rng):
    a = rng.uniform(-4, 4, (100, 70)).astype(np.float32)
    np.testing.assert_allclose(simulate_kernel(K.exp_rows, a), np.exp(a.astype(np.float64)), rtol=1e-5)


@pytest.mark.parametrize("m, n", [(1, 1), (64, 512), (128, 300)])
def test_bf16_matmul_accumulates_in_fp32(m, n, rng):
    lhs_t = rng.standard_normal((128, m)).astype(ml_dtypes.bfloat16)
    rhs = rng.standard_normal((128, n)).astype(ml_dtypes.bfloat16)
    out = simulate_kernel(K.matmul_t, lhs_t, rhs)
    assert out.dtype == np.float32 and out.shape == (m, n)
    expected = lhs_t.astype(np.float64).T @ rhs.astype(np.float64)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.int32, np.int8, np.uint8, np.uint16, ml_dtypes.float8_e4m3,
                                   ml_dtypes.float8_e5m2, ml_dtypes.float8_e4m3fn])
def test_integer_and_fp8_tensors_round_trip_in_their_dtype(dtype, rng):
    a = rng.integers(0, 20, (7, 33)).astype(dtype)
    plus, times = simulate_kernel(K.two_outputs, a)
    assert plus.dtype == times.dtype == np.dtype(dtype)
    wide = a.astype(np.float32)
    np.testing.assert_array_equal(plus.astype(np.float32), (wide + 1).astype(dtype).astype(np.float32))
    np.testing.assert_array_equal(times.astype(np.float32), (wide * 2).astype(dtype).astype(np.float32))


def test_two_returned_tensors_come_back_as_a_tuple(rng):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    plus, times = simulate_kernel(K.two_outputs, a)
    np.testing.assert_array_equal(plus, a + 1)
    np.testing.assert_array_equal(times, a * 2)


def test_the_return_value_keeps_its_structure(rng):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    (single,) = simulate_kernel(K.one_in_a_tuple, a)
    np.testing.assert_array_equal(single, a)
    assert isinstance(simulate_kernel(K.one_in_a_tuple, a), tuple)
    result = simulate_kernel(K.list_with_none, a)
    assert isinstance(result, list) and len(result) == 2 and result[1] is None
    np.testing.assert_array_equal(result[0], a)


@pytest.mark.parametrize("blocks", [1, 3])
def test_one_dimensional_grid(blocks, rng):
    a = rng.standard_normal((128 * blocks, 40)).astype(np.float32)
    np.testing.assert_array_equal(simulate_kernel(K.blocks_negated[blocks], a), -a)


def test_two_dimensional_grid_covers_every_tile(rng):
    a = rng.standard_normal((256, 192)).astype(ml_dtypes.bfloat16)
    out = simulate_kernel(K.tiles_squared[2, 3], a)
    expected = (a.astype(np.float32) ** 2).astype(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(out.astype(np.float32), expected.astype(np.float32))


def test_a_smaller_grid_leaves_elements_unwritten_and_says_so(rng):
    a = rng.standard_normal((256, 40)).astype(np.float32)
    with pytest.warns(UserWarning, match="never wrote"):
        out = simulate_kernel(K.blocks_negated[1], a)
    np.testing.assert_array_equal(out[:128], -a[:128])
    assert np.isnan(out[128:]).all()


def test_repeated_calls_reuse_the_trace_and_stay_correct(rng):
    from tessel._simulate import last_timings

    a = rng.standard_normal((7, 33)).astype(np.float32)
    first = simulate_kernel(K.scaled_add, a, a, scale=3.0)
    b = rng.standard_normal((7, 33)).astype(np.float32)
    second = simulate_kernel(K.scaled_add, b, b, scale=3.0)
    assert last_timings()["prepare"] == 0.0
    np.testing.assert_array_equal(first, (a + a) * 3)
    np.testing.assert_array_equal(second, (b + b) * 3)
