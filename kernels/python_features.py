"""A row-wise activation written the way production kernels use Python at trace time.

out = act(x * scale) per element of x [rows, cols] (cols <= 512, any rows), with the activation,
scale and row tiling taken from a frozen dataclass config (an IntEnum field and a NamedTuple
field with a default factory), row tiles produced by a generator (ragged last tile), a cached
helper and functools/math at trace time. Entry point: python_features_kernel(x, config=None).
"""
# reference: referenceScaledActivation

import functools
import math
from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple

from neuronxcc import nki
import neuronxcc.nki.language as nl


class Act(IntEnum):
    IDENTITY = 0
    EXP = 1
    RELU = 2


class Tiling(NamedTuple):
    rows: int = 128
    cols: int = 512


@dataclass(frozen=True)
class Config:
    act: Act = Act.RELU
    scale: float = 2.0
    tiling: Tiling = field(default_factory=Tiling)

    def apply(self, t):
        scaled = nl.multiply(t, self.scale)
        if self.act == Act.EXP:
            return nl.exp(scaled)
        if self.act is Act.RELU:
            return nl.relu(scaled)
        return scaled


@functools.lru_cache(maxsize=None)
def tile_count(n, size):
    return math.ceil(n / size)


def row_tiles(n, size):
    """Yields (start, rows) for each row tile; the last one is ragged."""
    for i in nl.static_range(tile_count(n, size)):
        start = i * size
        yield start, min(size, n - start)


@nki.jit
def python_features_kernel(x, config=None):
    config = config or Config()
    rows, cols = x.shape
    tiling = config.tiling
    assert cols <= tiling.cols, f"{cols=} exceeds the tile width {tiling.cols}"
    out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
    i_f = nl.arange(cols)[None, :]
    for start, size in row_tiles(rows, tiling.rows):
        i_p = nl.arange(size)[:, None]
        t = nl.load(x[start + i_p, i_f])
        nl.store(out[start + i_p, i_f], value=config.apply(t))
    return out
