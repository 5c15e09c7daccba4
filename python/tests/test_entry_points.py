"""NKI's entry points: simulate_kernel, plain calls under NKI_SIMULATOR, benchmark, profile."""

import numpy as np
import pytest

import legacy_kernels as K
import neuronxcc.nki as nki
import tessel
from tessel._library import library


def test_tessel_simulate_kernel_takes_the_grid_as_an_argument(rng):
    a = rng.standard_normal((256, 8)).astype(np.float32)
    np.testing.assert_array_equal(tessel.simulate_kernel(K.blocks_negated, a, grid=2), -a)
    np.testing.assert_array_equal(tessel.simulate_kernel(K.blocks_negated, a, grid=(2,)), -a)
    with pytest.raises(ValueError, match="already has the launch grid"):
        tessel.simulate_kernel(K.blocks_negated[2], a, grid=2)


def test_tessel_simulate_kernel_runs_an_undecorated_function(rng):
    a = rng.standard_normal((7, 5)).astype(np.float32)
    np.testing.assert_array_equal(tessel.simulate_kernel(K.scaled_add.func, a, a, scale=2.0), (a + a) * 2)


def test_a_plain_call_needs_a_device_unless_nki_simulator_is_set(rng, monkeypatch):
    a = rng.standard_normal((7, 5)).astype(np.float32)
    monkeypatch.delenv("NKI_SIMULATOR", raising=False)
    with pytest.raises(RuntimeError, match="no(ne| Neuron device).*NKI_SIMULATOR=1"):
        K.scaled_add(a, a)
    monkeypatch.setenv("NKI_SIMULATOR", "1")
    np.testing.assert_array_equal(K.scaled_add(a, a, scale=2.0), (a + a) * 2)
    np.testing.assert_array_equal(nki.baremetal(K.blocks_negated)[1](a[:1].repeat(128, 0)), -a[:1].repeat(128, 0))


def test_jit_in_simulation_mode_runs_plain_calls(rng, monkeypatch):
    monkeypatch.delenv("NKI_SIMULATOR", raising=False)
    a = rng.standard_normal((7, 5)).astype(np.float32)
    kernel = nki.jit(K.scaled_add.func, mode="simulation")
    np.testing.assert_array_equal(kernel(a, a), a + a)


def test_launch_grids_are_checked():
    with pytest.raises(ValueError, match="positive"):
        K.blocks_negated[0]
    with pytest.raises(TypeError, match="integers"):
        K.blocks_negated["two"]


def test_benchmark_reports_the_timing_models_estimate(rng):
    a = rng.standard_normal((256, 512)).astype(np.float32)
    bench = nki.benchmark(warmup=2, iters=3)(K.blocks_negated)
    launch = bench[2]
    assert launch(a) is None
    latency = launch.benchmark_result.nc_latency
    p50 = latency.get_latency_percentile(50)
    assert p50 == latency.get_latency_percentile(99) == latency.report["latencyNs"] / 1000
    # Two programs each move 256 KiB in and out: at least microseconds, far below a second.
    assert 1 < p50 < 1e6
    twice = nki.benchmark(K.blocks_negated)[4]
    twice(np.concatenate([a, a]))
    assert twice.benchmark_result.nc_latency.get_latency_percentile(50) > p50
    with pytest.raises(ValueError, match="percentile"):
        latency.get_latency_percentile(101)


def test_estimate_kernel_returns_the_report(rng):
    a = rng.standard_normal((256, 512)).astype(np.float32)
    report = tessel.estimate_kernel(K.scaled_add, a, a)
    assert report["latencyNs"] > 0 and report["target"] == "trn2"
    assert set(report["engines"]) >= {"vector"}


def test_benchmark_surfaces_kernel_errors():
    with pytest.raises(tessel.KernelError):
        nki.benchmark(K.exp_of_hbm)(np.zeros((7, 5), np.float32))


def test_profile_runs_and_writes_the_estimated_timeline(rng, tmp_path):
    import json

    kernel = nki.profile(working_directory=str(tmp_path / "p"), save_neff_name="k.neff",
                         save_trace_name="run.ntff")(K.scaled_add)
    a = rng.standard_normal((7, 5)).astype(np.float32)
    with pytest.warns(tessel.TesselWarning, match="NEFF/NTFF"):
        out = kernel(a, a)
    np.testing.assert_array_equal(out, a + a)
    trace = json.loads((tmp_path / "p" / "run.json").read_text())
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    assert any(e.get("ph") == "X" for e in events)


def test_targets_come_from_the_argument_the_decorator_or_the_environment(rng, monkeypatch):
    from tessel._simulate import resolve_target

    monkeypatch.delenv("NEURON_PLATFORM_TARGET_OVERRIDE", raising=False)
    monkeypatch.delenv("NKI_NC_VERSION", raising=False)
    assert resolve_target(None) == "trn2"
    monkeypatch.setenv("NEURON_PLATFORM_TARGET_OVERRIDE", "gen4")
    assert resolve_target(None) == "trn3"
    assert resolve_target("trn1") == "trn1"
    with pytest.raises(ValueError, match="unknown target"):
        resolve_target("trn9")
    assert nki.jit(platform_target="trn1")(K.scaled_add.func).target == "trn1"
    a = rng.standard_normal((7, 5)).astype(np.float32)
    np.testing.assert_array_equal(tessel.simulate_kernel(K.scaled_add, a, a, target="trn1"), a + a)
