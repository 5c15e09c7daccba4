"""Element-wise addition split over a 2-D SPMD launch grid, one [128, 512] tile per program.

Computes c = a + b for HBM tensors a, b, c of shape [rows, cols] with rows a multiple of 128 and
cols a multiple of 512 (any float dtype, all three the same). Each program instance finds its
tile from nl.program_id(0) (row tile) and nl.program_id(1) (column tile) and writes it into
the output parameter c_output, which the caller allocates; the kernel returns nothing (the
older "output argument" style).

Entry point: tensor_add_spmd_kernel[rows // 128, cols // 512](a_input, b_input, c_output).
"""
# reference: referenceAdd

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def tensor_add_spmd_kernel(a_input, b_input, c_output):
    num_rows, num_cols = a_input.shape
    assert b_input.shape == a_input.shape and c_output.shape == a_input.shape
    assert num_rows % 128 == 0 and num_cols % 512 == 0, "shape must tile by [128, 512]"

    # This program's tile origin.
    row0 = nl.program_id(0) * 128
    col0 = nl.program_id(1) * 512

    i_row, i_col = nl.mgrid[0:128, 0:512]
    a_tile = nl.load(a_input[row0 + i_row, col0 + i_col])
    b_tile = nl.load(b_input[row0 + i_row, col0 + i_col])
    nl.store(c_output[row0 + i_row, col0 + i_col], value=a_tile + b_tile)


def tensor_add_spmd(a_input, b_input, c_output):
    """Host-side launcher: one program per [128, 512] tile."""
    grid_rows = a_input.shape[0] // 128
    grid_cols = a_input.shape[1] // 512
    tensor_add_spmd_kernel[grid_rows, grid_cols](a_input, b_input, c_output)


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    a = np.random.rand(256, 1024).astype(np.float32)
    b = np.random.rand(256, 1024).astype(np.float32)
    c = np.zeros_like(a)
    nki.simulate_kernel(tensor_add_spmd_kernel[2, 2], a, b, c)
    assert np.allclose(c, a + b)
    print("tensor_add_spmd_kernel matches NumPy")
