"""What a user's pytest run shows when a kernel test fails: the kernel's file and line and Tessel's
diagnostic, not the bridge's own frames.

Each test writes a small kernel module and a test file into a fresh directory and runs pytest on
them in a process of its own (with this process's ``sys.path`` and library), then reads its report.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tessel

KERNELS = """\
import neuronxcc.nki as nki
import neuronxcc.nki.language as nl


@nki.jit
def rows_kernel(a):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    assert a.shape[0] == 64, "expects 64 rows"
    nl.store(out, value=nl.load(a))
    return out


@nki.jit
def tiles_kernel(a):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(3):
        nl.store(out[i * 64:(i + 1) * 64, :], value=nl.load(a[i * 64:(i + 1) * 64, :]))
    return out
"""

TESTS = """\
import numpy as np
import neuronxcc.nki as nki
from user_kernels import rows_kernel, tiles_kernel


def test_rows():
    nki.simulate_kernel(rows_kernel, np.ones((128, 8), np.float32))


def test_tiles():
    nki.simulate_kernel(tiles_kernel, np.ones((128, 8), np.float32))
"""


def _pytest(directory: Path, **environment: str) -> str:
    """The report of pytest run on ``directory`` in a fresh process."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p), **environment)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(directory)],
                          cwd=directory, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr  # tests failed (not an internal error)
    return done.stdout


def _bridge_frames(report: str) -> list[str]:
    """The report's lines that show a source file of the tessel package."""
    package = str(Path(tessel.__file__).resolve().parent)
    return [line for line in report.splitlines() if package in line or "tessel/_" in line]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "user_kernels.py").write_text(KERNELS)
    (tmp_path / "test_user.py").write_text(TESTS)
    return tmp_path


def test_a_failing_kernel_shows_its_line_and_the_diagnostic(project):
    report = _pytest(project, TESSEL_BIN=str(tessel.find_library()))
    kernels = project / "user_kernels.py"
    # The assertion in the kernel: its line in pytest's traceback, and Tessel's rendering with a caret.
    assert f"{kernels}:8:5" in report, report
    assert "user_kernels.py:8: KernelAssertionError" in report, report
    assert 'assert a.shape[0] == 64, "expects 64 rows"' in report, report
    # The load past the array's end in the loop's last iteration.
    lines = [n for n, text in enumerate(KERNELS.splitlines(), 1) if "nl.load(a[i * 64" in text]
    assert f"user_kernels.py:{lines[0]}" in report, report
    # pytest's caret under that line starts at the load, where Tessel's diagnostic points.
    shown = report.splitlines()
    at = next(i for i, text in enumerate(shown) if text.startswith(">") and "nl.load(a[i * 64" in text)
    assert shown[at + 1].index("^") == shown[at].index("nl.load(a[i * 64"), "\n".join(shown[at:at + 2])
    assert report.count("test_user.py:") >= 2, report  # the user's own calls
    assert not _bridge_frames(report), "\n".join(_bridge_frames(report))


def test_a_missing_library_is_one_message(project):
    report = _pytest(project, TESSEL_BIN=str(project / "no-such-build"))
    assert "TesselNotFound: TESSEL_BIN=" in report, report
    assert not _bridge_frames(report), "\n".join(_bridge_frames(report))
