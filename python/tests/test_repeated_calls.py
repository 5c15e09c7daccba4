"""Repeated calls of a kernel (the unit-test pattern): after the first call of a kind, a call finds
its prepared kernel without building a request, and every answer stays exact."""

import os
import threading

import ml_dtypes
import numpy as np
import pytest

import legacy_kernels as K
import tessel
from neuronxcc.nki import simulate_kernel
from tessel import _simulate
from tessel._simulate import last_timings
from test_imports import scaling_kernel


@pytest.fixture(autouse=True)
def fresh_cache():
    tessel.clear_cache()
    yield
    tessel.clear_cache()


@pytest.fixture
def no_requests(monkeypatch):
    """Makes building a request fail: calls that still work took the fast path."""

    def refuse(*args, **kwargs):
        raise AssertionError("the call built a request")

    def forbid():
        monkeypatch.setattr(_simulate, "_request", refuse)

    return forbid


def scaled_add_reference(a, b, scale):
    return ((a.astype(np.float32) + b.astype(np.float32)) * np.float32(scale)).astype(np.float32)


@pytest.mark.parametrize("rows", [1, 7, 128, 300])
def test_repeated_calls_with_fresh_arrays_take_the_fast_path(rng, rows, no_requests):
    a, b = (rng.standard_normal((rows, 33)).astype(np.float32) for _ in range(2))
    np.testing.assert_array_equal(simulate_kernel(K.scaled_add, a, b, scale=2.0), scaled_add_reference(a, b, 2.0))
    assert last_timings()["prepare"] > 0
    no_requests()
    for _ in range(3):
        a, b = (rng.standard_normal((rows, 33)).astype(np.float32) for _ in range(2))
        out = simulate_kernel(K.scaled_add, a, b, scale=2.0)
        np.testing.assert_array_equal(out, scaled_add_reference(a, b, 2.0))
        assert last_timings()["prepare"] == 0.0 and last_timings()["run"] > 0
    # The same arrays again: the output is a fresh array each call.
    first = simulate_kernel(K.scaled_add, a, b, scale=2.0)
    second = simulate_kernel(K.scaled_add, a, b, scale=2.0)
    assert first is not second and not np.shares_memory(first, second)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("scale", [2.0, 3.0, 2, True, -0.0, 0.0])
def test_each_constant_is_its_own_call(rng, scale):
    """A constant crosses by value: 2 and 2.0, -0.0 and 0.0, True and 1 are different calls."""
    a, b = (rng.standard_normal((7, 5)).astype(np.float32) for _ in range(2))
    for s in (2.0, 3.0, 2, True, -0.0, 0.0):
        simulate_kernel(K.scaled_add, a, b, scale=s)  # every kind remembered, in another order
    expected = scaled_add_reference(a, b, scale)
    for _ in range(2):
        np.testing.assert_array_equal(simulate_kernel(K.scaled_add, a, b, scale=scale), expected)
        np.testing.assert_array_equal(np.signbit(simulate_kernel(K.scaled_add, a, b, scale=scale)),
                                      np.signbit(expected))


def test_repeated_in_place_calls_update_the_caller_array(rng, no_requests):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    expected = a.copy()
    simulate_kernel(K.scale_in_place, a, 3.0)
    expected *= np.float32(3.0)
    no_requests()
    for _ in range(3):
        returned = simulate_kernel(K.scale_in_place, a, 3.0)
        expected *= np.float32(3.0)
        np.testing.assert_array_equal(a, expected)
        np.testing.assert_array_equal(returned, expected)


def test_bf16_repeated_calls_round_every_time(rng, no_requests):
    a = rng.standard_normal((128, 64)).astype(ml_dtypes.bfloat16)
    expected = a.astype(np.float32)
    simulate_kernel(K.scale_in_place, a, 3.0)
    expected = (expected * 3).astype(ml_dtypes.bfloat16).astype(np.float32)
    no_requests()
    simulate_kernel(K.scale_in_place, a, 3.0)
    expected = (expected * 3).astype(ml_dtypes.bfloat16).astype(np.float32)
    np.testing.assert_array_equal(a.astype(np.float32), expected)


def test_arrays_tessel_cannot_use_in_place_still_go_the_whole_way(rng):
    """A call like a remembered one, but with a view, the same array twice, a read-only array the
    kernel writes or a float64 array: the answer and the warnings are those of a first call."""
    a = rng.standard_normal((14, 33)).astype(np.float32)
    simulate_kernel(K.scale_in_place, a[:7].copy(), 2.0)
    base = a.copy()
    view = base[::2]
    simulate_kernel(K.scale_in_place, view, 2.0)
    np.testing.assert_array_equal(base[::2], a[::2] * 2)
    np.testing.assert_array_equal(base[1::2], a[1::2])

    b = rng.standard_normal((7, 33)).astype(np.float32)
    for _ in range(2):
        np.testing.assert_array_equal(simulate_kernel(K.scaled_add, b, b, scale=1.0), b + b)

    frozen = b.copy()
    frozen.flags.writeable = False
    for _ in range(2):
        with pytest.warns(UserWarning, match="read-only"):
            np.testing.assert_array_equal(simulate_kernel(K.scale_in_place, frozen, 2.0), b * 2)

    wide = rng.standard_normal((7, 33))
    for _ in range(2):
        with pytest.warns(UserWarning, match="float64"):
            out = simulate_kernel(K.scaled_add, wide, wide.copy(), scale=1.0)
        np.testing.assert_array_equal(out, scaled_add_reference(wide, wide, 1.0))


def test_changing_the_target_in_the_environment_traces_again(rng, monkeypatch):
    a = rng.standard_normal((7, 5)).astype(np.float32)
    monkeypatch.delenv("NEURON_PLATFORM_TARGET_OVERRIDE", raising=False)
    monkeypatch.setenv("NKI_NC_VERSION", "trn2")
    simulate_kernel(K.exp_rows, a)
    simulate_kernel(K.exp_rows, a)
    assert last_timings()["prepare"] == 0.0
    monkeypatch.setenv("NKI_NC_VERSION", "trn1")
    simulate_kernel(K.exp_rows, a)
    assert last_timings()["prepare"] > 0
    monkeypatch.setenv("NEURON_PLATFORM_TARGET_OVERRIDE", "trn3")
    simulate_kernel(K.exp_rows, a)
    assert last_timings()["prepare"] > 0
    simulate_kernel(K.exp_rows, a)
    assert last_timings()["prepare"] == 0.0


def test_a_module_replaced_as_editors_save_is_traced_again(tmp_path, monkeypatch, rng):
    """An editor writes a new file and renames it over the old one, often within the same
    second and at the same size."""
    module = scaling_kernel(tmp_path, monkeypatch, "replaced", import_inside=False)
    a = rng.standard_normal((7, 5)).astype(np.float32)
    np.testing.assert_array_equal(tessel.simulate_kernel(module.scaled, a), a * np.float32(2.0))
    tessel.simulate_kernel(module.scaled, a)
    assert last_timings()["prepare"] == 0.0
    fresh = tmp_path / "new.tmp"
    fresh.write_text("FACTOR = 5.0\n")  # the same size as "FACTOR = 2.0\n"
    os.replace(fresh, tmp_path / "replaced_scaling.py")
    np.testing.assert_array_equal(tessel.simulate_kernel(module.scaled, a), a * np.float32(5.0))
    assert last_timings()["prepare"] > 0


def test_threads_calling_one_kernel_get_their_own_answers(rng):
    inputs = [[rng.standard_normal((7, 33)).astype(np.float32) for _ in range(2)] for _ in range(4)]
    simulate_kernel(K.scaled_add, *inputs[0], scale=2.0)
    failures = []

    def work(a, b):
        try:
            for _ in range(25):
                np.testing.assert_array_equal(simulate_kernel(K.scaled_add, a, b, scale=2.0),
                                              scaled_add_reference(a, b, 2.0))
        except Exception as e:  # reported by the test thread
            failures.append(e)

    threads = [threading.Thread(target=work, args=pair) for pair in inputs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[0]
