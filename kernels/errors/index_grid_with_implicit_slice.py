"""A 3-D tensor indexed with two index grids: the third dimension is an implicit `:`, which NKI rejects."""
# args: x: float32[2, 100, 64], y: float32[2, 100, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def index_grid_with_implicit_slice(x, y):
    x2 = x.reshape((200, 64))
    pi, fi = nl.mgrid[0:128, 0:64]
    t = nl.load(x2[pi, fi], mask=(pi < 200))
    nl.store(y[pi, fi], t, mask=(pi < 200))  # error: IndexError: Mixing basic tensor indexing and advanced tensor indexing is not supported: `y` has 3 dimensions and is indexed with 2 indices, one of them an index grid, so its last dimension is an implicit full slice `:` (index every dimension, or reshape `y` first)
