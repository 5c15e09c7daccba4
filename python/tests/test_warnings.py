"""Tessel's warnings reach Python: each warning of a kernel's trace or run becomes a located
``tessel.TesselWarning`` (on every call, cached traces included), which ``-W error`` and the
bridge's strict setting turn into failures."""

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

import current_warning_kernels as C
import tessel
import warning_kernels as W

HERE = Path(__file__).resolve().parent


def line_of(module, tag):
    """The 1-based line of ``module``'s source marked ``# line: tag``."""
    lines = Path(module.__file__).read_text().splitlines()
    found = [i + 1 for i, text in enumerate(lines) if text.rstrip().endswith(f"# line: {tag}")]
    assert len(found) == 1, f"{tag} marks {len(found)} lines"
    return found[0]


def tessel_warnings(kernel, *args, **kwargs):
    """The kernel's result and the Tessel warnings of the call, every one of them recorded."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = tessel.simulate_kernel(kernel, *args, **kwargs)
    return result, [w.message for w in caught if issubclass(w.category, tessel.TesselWarning)]


@pytest.fixture(autouse=True)
def default_strictness(monkeypatch):
    """Each test starts from a bridge that is not strict, whatever the environment says."""
    monkeypatch.delenv("TESSEL_STRICT", raising=False)
    previous = tessel.set_strict(None)
    yield
    tessel.set_strict(previous)


def test_the_category_is_an_importable_user_warning():
    assert issubclass(tessel.TesselWarning, UserWarning)
    assert tessel.TesselWarning.__module__ == "tessel"


def test_a_trace_warning_is_located_and_repeats_on_cached_calls(rng):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    line = line_of(C, "ignored-dtype")
    tessel.clear_cache()
    for _ in range(3):  # the first call traces; the others run the cached trace and still warn
        out, caught = tessel_warnings(C.copy_with_dtype, a)
        np.testing.assert_array_equal(out, a)
        assert len(caught) == 1, [str(w) for w in caught]
        w = caught[0]
        assert w.phase == "trace"
        assert (Path(w.filename), w.lineno) == (Path(C.__file__).resolve(), line)
        assert str(w).startswith(f"{w.filename}:{line}:{w.colno}: ")
        assert "tensor_copy(dtype=...)" in w.message
        assert f":{line}" in w.rendered and "^" in w.rendered  # the source line and a caret


def test_a_read_of_never_written_memory_warns_at_the_reading_line(rng):
    a = rng.standard_normal((128, 40)).astype(np.float32)
    out, caught = tessel_warnings(W.half_rows_read, a)
    np.testing.assert_array_equal(out[:64], a[:64])
    line = line_of(W, "unwritten-read")
    located = [w for w in caught if w.phase == "run" and w.lineno == line]
    assert located, [str(w) for w in caught]
    assert "never-written" in str(located[0]) or "never written" in str(located[0])
    assert str(located[0]).startswith(f"{located[0].filename}:{line}")


def test_output_elements_no_instruction_wrote_warn_at_the_output(rng):
    a = rng.standard_normal((256, 24)).astype(np.float32)
    out, caught = tessel_warnings(W.top_rows_only, a)
    np.testing.assert_array_equal(out[:128], a[:128])
    line = line_of(W, "unwritten-output")
    assert [w for w in caught if w.phase == "run" and w.lineno == line and "never wrote" in w.message], \
        [str(w) for w in caught]


def test_a_warning_filter_set_to_error_raises_the_warning(rng):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error", tessel.TesselWarning)
        with pytest.raises(tessel.TesselWarning, match="tensor_copy") as raised:
            tessel.simulate_kernel(C.copy_with_dtype, a)
    assert raised.value.lineno == line_of(C, "ignored-dtype")


@pytest.mark.parametrize("how", ["set_strict", "TESSEL_STRICT"])
def test_a_strict_bridge_fails_a_call_that_warns(rng, monkeypatch, how):
    a = rng.standard_normal((7, 33)).astype(np.float32)
    with pytest.warns(tessel.TesselWarning):
        tessel.simulate_kernel(C.copy_with_dtype, a)  # traced and cached while not strict
    if how == "set_strict":
        tessel.set_strict(True)
    else:
        monkeypatch.setenv("TESSEL_STRICT", "1")
    assert tessel.is_strict()
    with pytest.raises(tessel.KernelError, match="a strict run makes warnings errors") as raised:
        tessel.simulate_kernel(C.copy_with_dtype, a)
    assert "tensor_copy(dtype=...)" in raised.value.message
    assert raised.value.lineno == line_of(C, "ignored-dtype")
    with pytest.raises(tessel.KernelError, match="a strict run makes warnings errors") as raised:
        tessel.simulate_kernel(W.top_rows_only, rng.standard_normal((256, 24)).astype(np.float32))
    assert raised.value.lineno == line_of(W, "unwritten-output")
    # The bridge's own warnings (an argument converted to another dtype) are errors too.
    with pytest.raises(tessel.KernelError, match="float64 is passed to the kernel as float32; a strict run"):
        tessel.simulate_kernel(W.half_rows_read, a.astype(np.float64))


def test_set_strict_false_overrides_the_environment_and_a_clean_call_passes(rng, monkeypatch):
    monkeypatch.setenv("TESSEL_STRICT", "1")
    a = rng.standard_normal((7, 33)).astype(np.float32)
    tessel.set_strict(False)
    _, caught = tessel_warnings(C.copy_with_dtype, a)
    assert len(caught) == 1
    tessel.set_strict(True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = tessel.simulate_kernel(W.prints_while_tracing, a)  # warns about nothing
    np.testing.assert_allclose(out, a + 1.0, rtol=1e-6)


def test_trace_prints_and_device_prints_reach_stdout_on_every_call(rng, capsys):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    for _ in range(2):
        tessel.simulate_kernel(W.prints_while_tracing, a)
        printed = capsys.readouterr().out
        assert "tracing prints_while_tracing for shape (2, 3)" in printed
        assert "t =" in printed and "6." in printed  # a + 1 holds 1 ... 6


def run_pytest(tmp_path, *options):
    """Runs pytest in a fresh process on a test module calling a warning kernel."""
    test = tmp_path / "test_user_suite.py"
    test.write_text(textwrap.dedent("""
        import numpy as np
        import tessel
        import warning_kernels

        def test_partial_output():
            a = np.ones((256, 8), np.float32)
            out = tessel.simulate_kernel(warning_kernels.top_rows_only, a)
            assert (out[:128] == 1).all()
    """))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(Path(tessel.__file__).resolve().parents[1]),
                                         env.get("PYTHONPATH", "")])
    env.pop("TESSEL_STRICT", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, str(test)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_pytest_shows_the_warning_and_w_error_fails_the_test(tmp_path):
    line = line_of(W, "unwritten-output")
    shown = run_pytest(tmp_path)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "TesselWarning" in shown.stdout and f"warning_kernels.py:{line}" in shown.stdout, shown.stdout
    failed = run_pytest(tmp_path, "-W", "error::tessel.TesselWarning")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "1 failed" in failed.stdout and f"warning_kernels.py:{line}" in failed.stdout, failed.stdout
