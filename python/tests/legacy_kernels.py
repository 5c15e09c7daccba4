"""Kernels in the legacy ``neuronxcc.nki`` dialect for the bridge's tests."""

from dataclasses import dataclass
from enum import Enum

import numpy as np

import neuronxcc.nki as nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl
import neuronxcc.nki.typing as nt


@nki.jit
def scaled_add(a, b, scale=1.0):
    """(a + b) * scale over row tiles of 128 partitions; the last tile is masked."""
    rows, cols = a.shape
    out = nl.ndarray((rows, cols), dtype=a.dtype, buffer=nl.shared_hbm)
    i_p = nl.arange(128)[:, None]
    i_f = nl.arange(cols)[None, :]
    for t in nl.affine_range((rows + 127) // 128):
        inside = t * 128 + i_p < rows
        x = nl.load(a[t * 128 + i_p, i_f], mask=inside)
        y = nl.load(b[t * 128 + i_p, i_f], mask=inside)
        nl.store(out[t * 128 + i_p, i_f], value=nl.multiply(nl.add(x, y, mask=inside), scale, mask=inside),
                 mask=inside)
    return out


@nki.jit
def exp_rows(a):
    """exp of a [rows <= 128, cols] tile, computed on the Scalar engine."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nisa.activation(op=nl.exp, data=nl.load(a)))
    return out


@nki.jit
def blocks_negated(a):
    """One 128-row block per program of a 1-D launch grid: out = -a."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    i = nl.program_id(0)
    x = nl.load(a[i * 128:(i + 1) * 128, :])
    nl.store(out[i * 128:(i + 1) * 128, :], value=nl.negative(x))
    return out


@nki.jit
def tiles_squared(a):
    """Program (i, j) of a 2-D grid squares its [128, 64] tile (tiles no program covers stay unwritten)."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    i = nl.program_id(0)
    j = nl.program_id(1)
    x = nl.load(a[i * 128:(i + 1) * 128, j * 64:(j + 1) * 64])
    nl.store(out[i * 128:(i + 1) * 128, j * 64:(j + 1) * 64], value=nl.multiply(x, x))
    return out


@nki.jit
def matmul_t(lhs_t, rhs):
    """lhs_t.T @ rhs for lhs_t [K <= 128, M <= 128], rhs [K, N <= 512], accumulated in fp32 PSUM."""
    k, m = lhs_t.shape
    _, n = rhs.shape
    out = nl.ndarray((m, n), dtype=nl.float32, buffer=nl.shared_hbm)
    res = nl.matmul(nl.load(lhs_t), nl.load(rhs), transpose_x=True)
    nl.store(out, value=nl.copy(res, dtype=nl.float32))
    return out


@nki.jit
def two_outputs(a):
    """(a + 1, a * 2) as two returned tensors."""
    plus = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    times = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    nl.store(plus, value=nl.add(x, 1.0))
    nl.store(times, value=nl.multiply(x, 2.0))
    return plus, times


@nki.jit
def scale_in_place(a: nt.mutable_tensor, factor):
    """Multiplies its argument by factor in HBM and returns it."""
    nl.store(a, value=nl.multiply(nl.load(a), factor))
    return a


@nki.jit
def add_one_into(a, out):
    """Writes a + 1 into the output argument `out` and returns nothing."""
    nl.store(out, value=nl.add(nl.load(a), 1.0))


@nki.jit
def at_most_64_rows(a):
    """Asserts on its argument's shape at trace time."""
    assert a.shape[0] <= 64, f"expected at most 64 rows, got {a.shape[0]}"
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.load(a))
    return out


@nki.jit
def exp_of_hbm(a):
    """Computes on an HBM tensor directly, which NKI rejects."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.exp(a))
    return out


@dataclass(frozen=True)
class Affine:
    """A configuration object passed as a kernel argument."""

    scale: float = 1.0
    shift: float = 0.0


class Activation(Enum):
    IDENTITY = 0
    EXP = 1


@nki.jit
def affine(a, config=Affine()):
    """a * config.scale + config.shift."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.add(nl.multiply(nl.load(a), config.scale), config.shift))
    return out


@nki.jit
def activated(a, activation):
    """a, or exp(a), as the enum member says."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    if activation == Activation.EXP:
        x = nl.exp(x)
    nl.store(out, value=x)
    return out


@nki.jit
def cast_to(a, dtype):
    """a converted to `dtype`."""
    out = nl.ndarray(a.shape, dtype=dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.copy(nl.load(a), dtype=dtype))
    return out


@nki.jit
def one_in_a_tuple(a):
    """Returns a one-element tuple."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.load(a))
    return (out,)


@nki.jit
def list_with_none(a):
    """Returns a list holding a tensor and None (an optional output left out)."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.load(a))
    return [out, None]
