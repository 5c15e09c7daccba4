"""Kernel errors surface as exceptions carrying Tessel's located diagnostic."""

import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import legacy_kernels as K
import tessel
from neuronxcc.nki import simulate_kernel


def _line_of(function, text):
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if text in line)


def test_an_nki_rule_violation_is_a_kernel_error_at_the_kernels_line():
    a = np.zeros((7, 33), np.float32)
    with pytest.raises(tessel.KernelError) as info:
        simulate_kernel(K.exp_of_hbm, a)
    e = info.value
    assert e.filename == K.__file__
    assert e.lineno == _line_of(K.exp_of_hbm, "nl.exp(a)")
    assert "address space" in e.message
    rendered = str(e)
    assert f"--> {K.__file__}:{e.lineno}:" in rendered
    assert "nl.store(out, value=nl.exp(a))" in rendered  # the source line is shown


def test_a_python_exception_in_the_kernel_keeps_its_python_class():
    a = np.zeros((128, 4), np.float32)
    with pytest.raises(AssertionError, match="expected at most 64 rows, got 128") as info:
        simulate_kernel(K.at_most_64_rows, a)
    assert isinstance(info.value, tessel.KernelError)
    assert info.value.exception == "AssertionError"
    assert info.value.lineno == _line_of(K.at_most_64_rows, "assert a.shape")


def test_the_traceback_ends_at_the_kernel_line():
    with pytest.raises(tessel.KernelError) as info:
        simulate_kernel(K.exp_of_hbm, np.zeros((7, 33), np.float32))
    last = info.traceback[-1]
    assert str(last.path) == K.__file__
    assert last.lineno + 1 == info.value.lineno  # pytest counts lines from 0
    assert last.name == "exp_of_hbm"


def test_wrong_arguments_are_a_type_error_naming_the_kernel():
    with pytest.raises(TypeError, match=r"scaled_add\(\) missing a required argument: 'b'"):
        simulate_kernel(K.scaled_add, np.zeros((7, 3), np.float32))
    with pytest.raises(TypeError, match=r"scaled_add\(\) got an unexpected keyword argument 'scael'"):
        simulate_kernel(K.scaled_add, np.zeros((7, 3), np.float32), np.zeros((7, 3), np.float32), scael=2.0)


def test_unsupported_array_dtypes_are_refused_before_tracing():
    with pytest.raises(tessel.ArgumentError, match="complex64"):
        simulate_kernel(K.exp_rows, np.zeros((7, 3), np.complex64))


def test_float64_arrays_are_passed_as_float32_with_a_warning(rng):
    a = rng.standard_normal((7, 3))
    with pytest.warns(tessel.TesselWarning, match="float64 is passed to the kernel as float32"):
        out = simulate_kernel(K.scaled_add, a, a)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, a.astype(np.float32) * 2)


def test_a_kernel_defined_inside_a_function_is_refused_clearly():
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def local_kernel(a):
        out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        nl.store(out, value=nl.load(a))
        return out

    with pytest.raises(tessel.ArgumentError, match="defined inside test_a_kernel_defined_inside.*module level"):
        simulate_kernel(local_kernel, np.zeros((7, 3), np.float32))


def test_calling_an_nki_operation_in_cpython_says_where_it_runs():
    import neuronxcc.nki.language as nl

    with pytest.raises(RuntimeError, match=r"nl\.load\(\) runs inside an NKI kernel"):
        nl.load(np.zeros(3))


def test_a_missing_library_says_which_command_builds_it(tmp_path, monkeypatch):
    from tessel import _library

    monkeypatch.delenv("TESSEL_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(_library, "checkout_root", lambda: tmp_path)
    with pytest.raises(tessel.TesselNotFound) as info:
        _library.find_library()
    assert f"cd {tmp_path} && swift build -c release --product TesselBridge" in str(info.value)


def test_tessel_bin_pointing_nowhere_is_reported(tmp_path):
    script = textwrap.dedent(f"""
        import numpy as np, sys
        sys.path.insert(0, {str(tmp_path.parent)!r})
        import tessel
        try:
            tessel.find_library()
        except tessel.TesselNotFound as e:
            print(e)
    """)
    env = {"TESSEL_BIN": str(tmp_path / "nowhere" / "tessel"), "PATH": "/usr/bin:/bin"}
    import os

    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert "TESSEL_BIN=" in result.stdout and "swift build -c release --product TesselBridge" in result.stdout
