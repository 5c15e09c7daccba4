"""A process that runs only fp32 and integer kernels never imports ml_dtypes (most of a cold start);
its dtypes are there as soon as they are used, through the drop-in modules or an array."""

import os
import subprocess
import sys
from pathlib import Path

import tessel

KERNELS = Path(__file__).resolve().parents[2] / "kernels"

SCRIPT = f"""
import importlib.util, sys
import numpy as np
import neuronxcc.nki as nki, neuronxcc.nki.language as nl, nki.language as nl2

spec = importlib.util.spec_from_file_location("tensor_add", {str(KERNELS / "tensor_add.py")!r})
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
a = np.arange(7 * 33, dtype=np.float32).reshape(7, 33)
assert np.array_equal(nki.simulate_kernel(m.tensor_add_kernel, a, a), a + a)
print("fp32 run imported ml_dtypes:", "ml_dtypes" in sys.modules)

CASE = sys.argv[1]
if CASE == "stub":  # the first use of an ml_dtypes dtype through the drop-in module
    b = a.astype(nl.bfloat16)
    import ml_dtypes
    assert nl.bfloat16 is ml_dtypes.bfloat16 and nl2.float8_e4m3 is ml_dtypes.float8_e4m3
    assert nl.float8_e8m0fnu is ml_dtypes.float8_e8m0fnu
else:  # a user who imports ml_dtypes directly
    import ml_dtypes
    b = a.astype(ml_dtypes.bfloat16)
out = nki.simulate_kernel(m.tensor_add_kernel, b, b)
assert out.dtype == b.dtype, out.dtype
assert np.array_equal(out, (b.astype(np.float32) * 2).astype(b.dtype))
try:
    nl.no_such_name
except AttributeError as e:
    assert "no_such_name" in str(e)
else:
    raise AssertionError("nl.no_such_name did not raise")
print("ok")
"""


def _run(case: str) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               TESSEL_BIN=str(tessel.find_library()))
    done = subprocess.run([sys.executable, "-c", SCRIPT, case], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_fp32_runs_leave_ml_dtypes_unimported_and_the_stubs_load_it_on_use():
    out = _run("stub")
    assert "fp32 run imported ml_dtypes: False" in out and out.endswith("ok\n"), out


def test_an_array_of_an_ml_dtypes_dtype_runs_after_a_late_import():
    out = _run("array")
    assert "fp32 run imported ml_dtypes: False" in out and out.endswith("ok\n"), out
