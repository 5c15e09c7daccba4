"""Two transposes: of small matrices stored one per row, and of a whole matrix.

transpose2d_kernel(in_tensor, out_tensor, shape2d)
    in_tensor and out_tensor are HBM tensors of shape [n, rows * cols] (any dtype, the same for
    both; n need not be a multiple of 128). Row p of in_tensor holds a rows x cols matrix,
    flattened row-major; the kernel writes its transpose, a cols x rows matrix flattened
    row-major, to row p of out_tensor (the output parameter; nothing is returned). The
    transpose is a pure access-pattern trick: an SBUF-to-SBUF copy whose source walks the
    (rows, cols) grid and whose destination walks (cols, rows), with a 3-D index per tile.

transpose_matrix_kernel(in_tensor) -> out_tensor
    in_tensor is an HBM tensor of shape [m, n] with m and n multiples of 128 (float32 or
    bfloat16); the result is [n, m]. Every 128 x 128 block goes through the Tensor Engine
    (nisa.nc_transpose, SBUF -> PSUM) and is stored at the mirrored block position.
"""
# reference: referenceTranspose (batch = n, rows, cols for transpose2d_kernel;
#            batch = 1, rows = m, cols = n for transpose_matrix_kernel)

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def transpose2d_kernel(in_tensor, out_tensor, shape2d):
    num_rows, row_length = in_tensor.shape
    rows, cols = shape2d
    assert rows * cols == row_length, "shape2d must describe one row of in_tensor"
    assert out_tensor.shape == in_tensor.shape

    tile_p = nl.tile_size.pmax
    # 2-D indices for moving whole rows between HBM and SBUF ...
    i_p = nl.arange(tile_p)[:, None]
    i_f = nl.arange(row_length)[None, :]
    # ... and 3-D indices (partition, matrix row, matrix column) for the reordering copy.
    j_p, j_r, j_c = nl.mgrid[0:tile_p, 0:rows, 0:cols]

    for t in nl.affine_range((num_rows + tile_p - 1) // tile_p):
        inside = t * tile_p + i_p < num_rows
        src = nl.load(in_tensor[t * tile_p + i_p, i_f], mask=inside)

        dst = nl.ndarray((tile_p, row_length), dtype=in_tensor.dtype, buffer=nl.sbuf)
        # Element (r, c) of each matrix sits at r * cols + c in the source row and moves to
        # c * rows + r in the destination row.
        dst[j_p, j_c * rows + j_r] = nl.copy(src[j_p, j_r * cols + j_c],
                                             mask=(t * tile_p + j_p < num_rows))

        nl.store(out_tensor[t * tile_p + i_p, i_f], value=dst, mask=inside)


@nki.jit
def transpose_matrix_kernel(in_tensor):
    m, n = in_tensor.shape
    assert m % 128 == 0 and n % 128 == 0, "both dimensions must be multiples of 128"
    out_tensor = nl.ndarray((n, m), dtype=in_tensor.dtype, buffer=nl.shared_hbm)

    i_p, i_f = nl.mgrid[0:128, 0:128]
    for bi in nl.affine_range(m // 128):
        for bj in nl.affine_range(n // 128):
            block = nl.load(in_tensor[bi * 128 + i_p, bj * 128 + i_f])
            # Tensor Engine transpose: the result lands in PSUM ...
            block_t_psum = nisa.nc_transpose(block)
            # ... and goes back through SBUF to HBM, at the mirrored block position.
            block_t = nl.copy(block_t_psum, dtype=in_tensor.dtype)
            nl.store(out_tensor[bj * 128 + i_p, bi * 128 + i_f], value=block_t)

    return out_tensor


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    n, rows, cols = 200, 3, 4
    x = np.arange(n * rows * cols, dtype=np.float32).reshape(n, rows * cols)
    y = np.zeros_like(x)
    nki.simulate_kernel(transpose2d_kernel, x, y, (rows, cols))
    assert np.array_equal(y, x.reshape(n, rows, cols).transpose(0, 2, 1).reshape(n, rows * cols))

    a = np.random.rand(256, 384).astype(np.float32)
    assert np.array_equal(nki.simulate_kernel(transpose_matrix_kernel, a), a.T)
    print("transpose kernels match NumPy")
