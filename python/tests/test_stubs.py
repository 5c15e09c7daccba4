"""The drop-in modules import like AWS's and behave like them on the host."""

import importlib

import ml_dtypes
import numpy as np
import pytest


@pytest.mark.parametrize("module", [
    "neuronxcc.nki", "neuronxcc.nki.language", "neuronxcc.nki.isa", "neuronxcc.nki.typing", "neuronxcc.nki.compiler",
    "neuronxcc.nki.isa.constants", "neuronxcc.nki.language.constants", "neuronxcc.nki.compiler.backends.neuron.tensor",
    "nki", "nki.language", "nki.isa", "nki.isa.constants", "nki.typing", "nki.collectives", "nki.language.constants",
])
def test_modules_import(module):
    importlib.import_module(module)


def test_legacy_names_kernel_files_import():
    from neuronxcc.nki import baremetal, benchmark, profile, simulate_kernel, trace  # noqa: F401
    from neuronxcc.nki.isa.constants import oob_mode
    from neuronxcc.nki.language import par_dim, bfloat16  # noqa: F401
    import neuronxcc.nki.compiler as ncc

    assert oob_mode.skip.name == "skip"
    assert callable(ncc.sbuf.mod_alloc) and callable(ncc.psum.alloc)
    assert ncc.skip_middle_end_transformations(len) is len


def test_current_names_kernel_files_import():
    from nki.isa import core_barrier, dge_mode, engine, reduce_cmd  # noqa: F401
    from nki.isa.constants import matmul_perf_mode
    from nki.language import NKIObject, affine_range  # noqa: F401

    assert matmul_perf_mode.double_row.name == "double_row"


@pytest.mark.parametrize("nl_name", ["neuronxcc.nki.language", "nki.language"])
def test_dtypes_are_numpy_dtypes(nl_name):
    nl = importlib.import_module(nl_name)
    assert np.zeros(3, dtype=nl.bfloat16).dtype == np.dtype(ml_dtypes.bfloat16)
    assert np.dtype(nl.float8_e4m3).itemsize == 1
    assert nl.float32 is np.float32
    assert {nl.float8_e4m3: 240.0}[nl.float8_e4m3] == 240.0  # dtypes as dict keys


def test_static_cast_rounds_to_nearest_even():
    import neuronxcc.nki.language as nl

    # bf16 keeps 8 significant bits: 1 + 2^-8 is a tie between 1 and 1 + 2^-7 and goes to even (1).
    x = np.array([1 + 2.0**-8, 1 + 3 * 2.0**-8, 1 + 2.0**-8 + 2.0**-20], dtype=np.float64)
    y = nl.static_cast(x, nl.bfloat16).astype(np.float64)
    assert list(y) == [1.0, 1 + 2 * 2.0**-7, 1 + 2.0**-7]


def test_tile_size_constants():
    import neuronxcc.nki.language as nl

    assert (nl.tile_size.pmax, nl.tile_size.psum_fmax) == (128, 512)
    assert (nl.tile_size.gemm_stationary_fmax, nl.tile_size.gemm_moving_fmax) == (128, 512)


def test_total_sbuf_follows_the_target(monkeypatch):
    import neuronxcc.nki.language as nl

    monkeypatch.setenv("NEURON_PLATFORM_TARGET_OVERRIDE", "trn1")
    trn1 = nl.tile_size.total_available_sbuf_size
    monkeypatch.setenv("NEURON_PLATFORM_TARGET_OVERRIDE", "trn2")
    assert trn1 < nl.tile_size.total_available_sbuf_size


def test_typing_annotations_are_inert():
    import neuronxcc.nki.typing as nt

    assert repr(nt.tensor[128, 512]) == "tensor[(128, 512)]"
    assert nt.mutable_tensor is not nt.tensor


def test_sizeinbytes():
    from neuronxcc.nki.language.constants import sizeinbytes
    import neuronxcc.nki.language as nl

    assert [sizeinbytes(nl.float32), sizeinbytes(nl.bfloat16), sizeinbytes(nl.float8_e5m2)] == [4, 2, 1]
