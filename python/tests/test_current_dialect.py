"""Current-dialect (``nki``) kernels through nki.simulate, nki.cpu_simulate and NKI_SIMULATOR=1."""

import numpy as np
import pytest

import current_kernels as C
import nki


def test_add_through_nki_simulate(rng):
    a = rng.standard_normal((128, 64)).astype(np.float32)
    b = rng.standard_normal((128, 64)).astype(np.float32)
    out = nki.simulate(C.add)(a, b)
    np.testing.assert_array_equal(out, a + b)


def test_hbm_writes_reach_the_callers_array(rng):
    a = rng.standard_normal((128, 64)).astype(np.float32)
    expected = a * 2
    assert nki.cpu_simulate(C.double_in_place)[1](a) is None
    np.testing.assert_array_equal(a, expected)


def test_nki_simulator_routes_a_plain_call(rng, monkeypatch):
    a = rng.standard_normal((7, 64)).astype(np.float32)
    monkeypatch.delenv("NKI_SIMULATOR", raising=False)
    with pytest.raises(RuntimeError, match=r"nki\.simulate"):
        C.add(a, a)
    monkeypatch.setenv("NKI_SIMULATOR", "1")
    np.testing.assert_array_equal(C.add(a, a), a + a)


@pytest.mark.parametrize("lnc", [1, 2])
def test_lnc_launch_runs_each_program(rng, lnc):
    a = rng.standard_normal((128, 48)).astype(np.float32)
    rows = 128 // lnc
    expected = np.concatenate([a[p * rows:(p + 1) * rows] * (p + 1) for p in range(lnc)])
    out = nki.simulate(C.scale_halves[lnc])(a)
    np.testing.assert_array_equal(out, expected)


def test_lnc_launch_size_is_one_number():
    assert C.add[2].lnc == 2
    with pytest.raises(TypeError, match="Logical NeuronCore degree"):
        C.add[2, 2]
