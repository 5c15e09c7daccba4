"""Kernels in packages: relative imports, and modules found through the caller's ``sys.path``."""

import importlib
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import tessel

HERE = Path(__file__).resolve().parent / "imports"


@pytest.fixture
def kernels(monkeypatch):
    """``kernelpkg.kernels``, imported as a user's test imports it (both roots on ``sys.path``)."""
    monkeypatch.syspath_prepend(str(HERE / "shared"))
    monkeypatch.syspath_prepend(str(HERE))
    for name in [n for n in sys.modules if n == "row_ops" or n.startswith(("kernelpkg", "nspkg"))]:
        monkeypatch.delitem(sys.modules, name)
    import kernelpkg.kernels

    tessel.clear_cache()
    return kernelpkg.kernels


@pytest.mark.parametrize("rows", [1, 7, 128, 300])
def test_a_package_kernel_imports_relatively_and_through_sys_path(kernels, rng, rows):
    a = rng.standard_normal((rows, 9)).astype(np.float32)
    np.testing.assert_array_equal(tessel.simulate_kernel(kernels.shifted, a), a + 1)


def test_a_config_class_the_kernel_imports_from_a_sibling_module(kernels, rng):
    from kernelpkg.tiling import Tiling

    a = rng.standard_normal((100, 3)).astype(np.float32)
    np.testing.assert_array_equal(tessel.simulate_kernel(kernels.shifted, a, Tiling(rows=32)), a + 1)


def test_a_namespace_package_kernel_imports_relatively(kernels, rng):
    import nspkg.kern

    a = rng.standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_array_equal(tessel.simulate_kernel(nspkg.kern.tripled, a), a * np.float32(3.0))


def test_a_module_missing_from_sys_path_is_a_module_not_found_error(kernels, rng, monkeypatch):
    monkeypatch.setattr(sys, "path", [p for p in sys.path if not p.endswith("shared")])
    tessel.clear_cache()
    a = rng.standard_normal((4, 3)).astype(np.float32)
    with pytest.raises(tessel.KernelError, match="row_ops") as caught:
        tessel.simulate_kernel(kernels.shifted, a)
    assert "kernels.py" in str(caught.value)
    # Advice for a Python caller: sys.path, not the command line's --path.
    assert "sys.path or PYTHONPATH" in str(caught.value) and "--path" not in str(caught.value)


def test_import_paths_leave_out_installed_packages_and_the_drop_in_modules():
    from tessel._simulate import import_paths

    paths = import_paths()
    assert all(Path(p).is_absolute() and Path(p).is_dir() for p in paths)
    assert not any("site-packages" in p for p in paths)
    assert str(Path(tessel.__file__).resolve().parent.parent) not in paths


def scaling_kernel(tmp_path, monkeypatch, name, *, import_inside):
    """Writes ``{name}_scaling.py`` (``FACTOR = 2.0``) and ``{name}_kernel.py``, whose kernel
    ``scaled`` multiplies by that factor, importing the module at the top of the file or inside
    the kernel function (an import only Tessel's trace runs); returns the kernel module."""
    helper = f"{name}_scaling"
    (tmp_path / f"{helper}.py").write_text("FACTOR = 2.0\n")
    top, inside = ("", f"    import {helper}\n") if import_inside else (f"import {helper}\n", "")
    (tmp_path / f"{name}_kernel.py").write_text(
        "import neuronxcc.nki as nki\n"
        f"import neuronxcc.nki.language as nl\n{top}\n"
        "@nki.jit\n"
        f"def scaled(a):\n{inside}"
        "    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)\n"
        f"    nl.store(out, value=nl.multiply(nl.load(a), {helper}.FACTOR))\n"
        "    return out\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in (helper, f"{name}_kernel"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    return importlib.import_module(f"{name}_kernel")


@pytest.mark.parametrize("import_inside", [False, True], ids=["module import", "import only the trace runs"])
def test_editing_an_imported_module_traces_the_kernel_again(tmp_path, monkeypatch, rng, import_inside):
    """The trace cache watches the modules the kernel's trace read, not only the kernel's file:
    also one that only the trace imports (an import inside the kernel function, which Python
    never runs)."""
    from tessel._simulate import last_timings

    name = "late" if import_inside else "early"
    module = scaling_kernel(tmp_path, monkeypatch, name, import_inside=import_inside)
    assert (f"{name}_scaling" in sys.modules) != import_inside
    a = rng.standard_normal((7, 5)).astype(np.float32)
    np.testing.assert_array_equal(tessel.simulate_kernel(module.scaled, a), a * np.float32(2.0))
    # Unchanged: served from the cache (no new trace).
    tessel.simulate_kernel(module.scaled, a)
    assert last_timings()["prepare"] == 0.0
    # Edited (a new size, and a new modification time even on a coarse clock).
    helper = tmp_path / f"{name}_scaling.py"
    helper.write_text("FACTOR = 3.0   # edited\n")
    stat = helper.stat()
    os.utime(helper, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    np.testing.assert_array_equal(tessel.simulate_kernel(module.scaled, a), a * np.float32(3.0))
    assert last_timings()["prepare"] > 0.0
