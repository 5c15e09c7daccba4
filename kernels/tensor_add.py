"""Element-wise addition of two 2-D tensors of any shape, tiled 128 rows x 512 columns.

Computes c = a + b. Both inputs are HBM tensors of the same shape [rows, cols] and dtype
(float32, bfloat16 or float16); the result has that shape and dtype. Neither dimension has to be
a multiple of the tile size: the last row tile and the last column tile are ragged and every
load, add and store is masked to the part that lies inside the tensor.

Entry point: tensor_add_kernel(a_input, b_input) -> c_output (shared HBM), no launch grid.
"""
# reference: referenceAdd

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def tensor_add_kernel(a_input, b_input):
    assert a_input.shape == b_input.shape, "inputs must have the same shape"
    num_rows, num_cols = a_input.shape
    c_output = nl.ndarray((num_rows, num_cols), dtype=a_input.dtype, buffer=nl.shared_hbm)

    # One tile covers 128 partitions (rows) by 512 elements of free dimension (columns).
    tile_rows = nl.tile_size.pmax
    tile_cols = 512
    row_tiles = (num_rows + tile_rows - 1) // tile_rows
    col_tiles = (num_cols + tile_cols - 1) // tile_cols

    # A column vector of partition offsets and a row vector of free offsets; indexing a
    # tensor with both broadcasts to a [tile_rows, tile_cols] access pattern.
    i_row = nl.arange(tile_rows)[:, None]
    i_col = nl.arange(tile_cols)[None, :]

    for r in nl.affine_range(row_tiles):
        for c in nl.affine_range(col_tiles):
            rows = r * tile_rows + i_row
            cols = c * tile_cols + i_col
            # Only the elements inside the tensor take part; the rest of the tile is idle.
            inside = (rows < num_rows) & (cols < num_cols)

            a_tile = nl.load(a_input[rows, cols], mask=inside)
            b_tile = nl.load(b_input[rows, cols], mask=inside)
            c_tile = nl.add(a_tile, b_tile, mask=inside)
            nl.store(c_output[rows, cols], value=c_tile, mask=inside)

    return c_output


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    a = np.random.rand(300, 700).astype(np.float32)
    b = np.random.rand(300, 700).astype(np.float32)
    c = nki.simulate_kernel(tensor_add_kernel, a, b)
    assert np.allclose(c, a + b, rtol=1e-5, atol=1e-6)
    print("tensor_add_kernel matches NumPy")
