"""Non-array arguments cross as Python expressions evaluated in the kernel's module."""

import enum
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import ml_dtypes
import numpy as np
import pytest

import legacy_kernels as K
import neuronxcc.nki.language as nl
from neuronxcc.nki import simulate_kernel
from tessel._expressions import ArgumentError, Speller


@dataclass(frozen=True)
class Inner:
    size: int = 4


@dataclass
class Config:
    inner: Inner = field(default_factory=Inner)
    name: str = "x"
    dims: tuple = (1, 2)
    ratio: float = 0.5
    derived: int = field(init=False, default=0)


class Mode(enum.Enum):
    FAST = "fast"
    EXACT = "exact"


class Point(NamedTuple):
    x: int
    y: float


def local_helper():
    return 1


class Hidden:
    pass


NAMESPACE = {"nl": nl, "np": np, "Inner": Inner, "Config": Config, "Mode": Mode, "Point": Point,
             "local_helper": local_helper, "__name__": "kernels"}


def spell(value):
    return Speller(NAMESPACE, "kernels").spell(value, "argument 'x'")


@pytest.mark.parametrize("value, text", [
    (None, "None"), (True, "True"), (np.bool_(False), "False"), (3, "3"), (np.int64(-2), "-2"),
    (1.5, "1.5"), (np.float32(0.25), "0.25"), (float("inf"), "float('inf')"), (-math.inf, "float('-inf')"),
    ("a'b", '"a\'b"'), ((1,), "(1,)"), ((), "()"), ([1, (2, 3)], "[1, (2, 3)]"), ({"k": [None]}, "{'k': [None]}"),
    (slice(1, None, 2), "slice(1, None, 2)"), (range(0, 8, 2), "range(0, 8, 2)"),
])
def test_plain_values(value, text):
    assert spell(value) == text


def test_nan_round_trips():
    assert spell(float("nan")) == "float('nan')"


def test_bf16_scalar_is_a_float():
    assert spell(np.array([1.5], ml_dtypes.bfloat16)[0]) == "1.5"


def test_dtypes_are_spelled_through_the_modules_namespace():
    assert spell(nl.bfloat16) == "nl.bfloat16"
    assert spell(np.float32) in ("nl.float32", "np.float32")
    assert spell(np.dtype(ml_dtypes.float8_e4m3)) == "nl.float8_e4m3"
    assert spell(nl.tfloat32) == "nl.tfloat32"


def test_configs_enums_and_named_tuples_are_rebuilt_with_the_modules_classes():
    assert spell(Mode.EXACT) == "Mode.EXACT"
    assert spell(Point(1, 2.0)) == "Point(x=1, y=2.0)"
    c = Config(dims=(3,))
    assert spell(c) == "Config(inner=Inner(size=4), name='x', dims=(3,), ratio=0.5)"


def test_operations_and_functions_are_named():
    assert spell(nl.add) == "nl.add"
    assert spell(local_helper) == "local_helper"
    assert spell(np.add) == "np.add"


def test_a_class_the_kernel_module_cannot_name_is_an_error():
    with pytest.raises(ArgumentError, match="Hidden.*not reachable from the kernel's module kernels"):
        spell(Hidden)


def test_arbitrary_objects_are_refused_with_what_is_supported():
    with pytest.raises(ArgumentError, match="cannot pass a value of type Hidden.*dataclass"):
        spell(Hidden())
    with pytest.raises(ArgumentError, match=r"argument 'x'\[1\]: an array inside a container"):
        spell((1, np.zeros(3)))


def test_literal_arguments_reach_the_kernel(rng):
    a = rng.standard_normal((7, 5)).astype(np.float32)
    np.testing.assert_array_equal(simulate_kernel(K.scaled_add, a, a, -2), (a + a) * -2)


def test_a_dataclass_config_reaches_the_kernel(rng):
    a = rng.standard_normal((7, 5)).astype(np.float32)
    out = simulate_kernel(K.affine, a, K.Affine(scale=2.0, shift=-1.0))
    np.testing.assert_array_equal(out, a * 2 - 1)


def test_a_default_config_is_the_kernels_own(rng):
    a = rng.standard_normal((7, 5)).astype(np.float32)
    np.testing.assert_array_equal(simulate_kernel(K.affine, a), a)


def test_an_enum_member_reaches_the_kernel(rng):
    a = rng.standard_normal((7, 5)).astype(np.float32)
    np.testing.assert_allclose(simulate_kernel(K.activated, a, K.Activation.EXP), np.exp(a), rtol=1e-5)
    np.testing.assert_array_equal(simulate_kernel(K.activated, a, K.Activation.IDENTITY), a)


def test_a_dtype_reaches_the_kernel(rng):
    a = rng.standard_normal((7, 5)).astype(np.float32)
    out = simulate_kernel(K.cast_to, a, nl.bfloat16)
    assert out.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(out, a.astype(ml_dtypes.bfloat16))
