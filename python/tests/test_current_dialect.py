"""Current-dialect (``nki``) kernels through nki.simulate, nki.cpu_simulate and NKI_SIMULATOR=1.

Until Tessel runs the current dialect, each of these checks that the kernel is refused clearly
(a located error naming the dialect) rather than run with legacy meaning.
"""

import inspect

import numpy as np
import pytest

import current_kernels as C
import nki
import tessel


def _refused_clearly(error, kernel):
    """Whether `error` is Tessel's refusal of the current dialect, located at the import that selects
    the dialect or at the kernel."""
    if "current NKI dialect" not in error.message:
        return False
    _, first = inspect.getsourcelines(kernel)
    with open(C.__file__) as f:
        imports = [i + 1 for i, line in enumerate(f) if line.startswith(("import nki", "from nki"))]
    assert error.filename == C.__file__
    assert error.lineno in [first, first + 1] + imports[:1]
    return True


def test_add_through_nki_simulate(rng):
    a = rng.standard_normal((128, 64)).astype(np.float32)
    b = rng.standard_normal((128, 64)).astype(np.float32)
    try:
        out = nki.simulate(C.add)(a, b)
    except tessel.KernelError as e:
        assert _refused_clearly(e, C.add), e
        return
    np.testing.assert_array_equal(out, a + b)


def test_hbm_writes_reach_the_callers_array(rng):
    a = rng.standard_normal((128, 64)).astype(np.float32)
    expected = a * 2
    try:
        assert nki.cpu_simulate(C.double_in_place)[1](a) is None
    except tessel.KernelError as e:
        assert _refused_clearly(e, C.double_in_place), e
        return
    np.testing.assert_array_equal(a, expected)


def test_nki_simulator_routes_a_plain_call(rng, monkeypatch):
    a = rng.standard_normal((7, 64)).astype(np.float32)
    monkeypatch.delenv("NKI_SIMULATOR", raising=False)
    with pytest.raises(RuntimeError, match=r"nki\.simulate"):
        C.add(a, a)
    monkeypatch.setenv("NKI_SIMULATOR", "1")
    try:
        out = C.add(a, a)
    except tessel.KernelError as e:
        assert _refused_clearly(e, C.add), e
        return
    np.testing.assert_array_equal(out, a + a)


def test_lnc_launch_size_is_one_number():
    assert C.add[2].lnc == 2
    with pytest.raises(TypeError, match="Logical NeuronCore degree"):
        C.add[2, 2]
