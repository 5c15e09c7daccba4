"""Per-call overhead of running a kernel through the Python bridge, beyond the kernel's own run.

For each case, in one process: the median wall time of ``simulate_kernel`` minus the median time
Tessel spent in the run itself, (a) when every call traces anew (a pytest session calling a kernel
once per parametrised shape) and (b) when the trace is cached (the same shapes again). Also the
one-time cost of loading the library, and a cold process end to end. Run with a release build:

    python3 python/benchmarks/overhead.py [--calls N] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import ml_dtypes
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import tessel  # noqa: E402
from tessel._library import library  # noqa: E402
from tessel._simulate import clear_cache, last_timings  # noqa: E402


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "kernels" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases():
    rng = np.random.default_rng(0)
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    bf16 = lambda *s: rng.standard_normal(s).astype(ml_dtypes.bfloat16)  # noqa: E731
    add, softmax, matmul, layernorm = load("tensor_add"), load("softmax"), load("matmul_tiled"), load("layernorm")
    return [
        # A unit-test suite's pattern: a tiny kernel called thousands of times.
        ("tensor_add 1x64 fp32", add.tensor_add_kernel, (f32(1, 64), f32(1, 64))),
        ("tensor_add 256x512 fp32", add.tensor_add_kernel, (f32(256, 512), f32(256, 512))),
        ("tensor_add 2048x2048 bf16", add.tensor_add_kernel, (bf16(2048, 2048), bf16(2048, 2048))),
        ("softmax 1024x1024 fp32", softmax.softmax_kernel, (f32(1024, 1024),)),
        ("layernorm 1024x1024 fp32", layernorm.layernorm_kernel, (f32(1024, 1024), f32(1024), f32(1024))),
        ("matmul_tiled 512^3 bf16", matmul.matmul_tiled_kernel, (bf16(512, 512), bf16(512, 512))),
    ]


def measure(kernel, args, calls: int, fresh: bool) -> dict:
    """Medians over ``calls`` calls; ``python_ms`` is the part of a call spent outside the
    library's run entry point (binding, the cache, the buffers, the response)."""
    lib = library()
    entry = lib.run
    inside: list[float] = []

    def timed_run(*a, **kw):
        start = time.perf_counter()
        try:
            return entry(*a, **kw)
        finally:
            inside.append(time.perf_counter() - start)

    lib.run = timed_run
    walls, runs, prepares = [], [], []
    try:
        for _ in range(calls):
            if fresh:
                clear_cache()
            start = time.perf_counter()
            tessel.simulate_kernel(kernel, *args)
            walls.append(time.perf_counter() - start)
            t = last_timings()
            runs.append(t["run"])
            prepares.append(t["prepare"])
    finally:
        del lib.run
    overheads = [w - r for w, r in zip(walls, runs)]
    return {
        "wall_ms": 1e3 * statistics.median(walls),
        "run_ms": 1e3 * statistics.median(runs),
        "trace_ms": 1e3 * statistics.median(prepares),
        "overhead_ms": 1e3 * statistics.median(overheads),
        "python_ms": 1e3 * statistics.median(w - i - p for w, i, p in zip(walls, inside, prepares)),
        "wall_per_run": statistics.median(walls) / statistics.median(runs),
    }


def cold_process_ms() -> float:
    """A fresh interpreter that imports the bridge and runs one small kernel, end to end."""
    script = (
        "import sys; sys.path.insert(0, %r); sys.path.insert(0, %r)\n"
        "import numpy as np, tessel, tensor_add\n"
        "a = np.ones((256, 512), np.float32)\n"
        "tessel.simulate_kernel(tensor_add.tensor_add_kernel, a, a)\n"
    ) % (str(ROOT / "python"), str(ROOT / "kernels"))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", script], check=True)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=15, help="calls per case that trace (default 15)")
    parser.add_argument("--cached-factor", type=int, default=20,
                        help="cached calls per case, as a multiple of --calls (default 20)")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()

    start = time.perf_counter()
    lib = library()
    load_ms = 1e3 * (time.perf_counter() - start)
    rows = []
    for name, kernel, args in cases():
        rows.append({"case": name, "fresh": measure(kernel, args, options.calls, True),
                     "cached": measure(kernel, args, options.calls * options.cached_factor, False)})
    report = {"library": str(lib.path), "library_load_ms": load_ms, "cold_process_ms": cold_process_ms(),
              "cases": rows}
    if options.json:
        print(json.dumps(report, indent=2))
        return
    print(f"library {lib.path}: loaded in {load_ms:.1f} ms; a cold process (python start, imports, library load,")
    print(f"trace and run of tensor_add 256x512) takes {report['cold_process_ms']:.0f} ms end to end")
    print(f"{'case':28} {'run':>9} {'trace':>9} {'overhead (trace each call)':>27} {'overhead (cached)':>18} "
          f"{'of which Python':>16} {'wall/run (cached)':>18}")
    for r in rows:
        f, c = r["fresh"], r["cached"]
        print(f"{r['case']:28} {f['run_ms']:8.3f}ms {f['trace_ms']:8.2f}ms {f['overhead_ms']:26.3f}ms "
              f"{c['overhead_ms']:17.3f}ms {c['python_ms']:15.3f}ms {c['wall_per_run']:18.2f}")
    print("overhead = median(wall time of simulate_kernel) - median(Tessel's own run time); medians of "
          f"{options.calls} calls that trace and {options.calls * options.cached_factor} cached calls; "
          "Python = the wall time outside the library's run call")


if __name__ == "__main__":
    main()
