"""Elementwise addition of two HBM tensors of any shape, tile by tile (current NKI dialect).

Rows go in tiles of up to 128 partitions, columns in tiles of up to 512; the last tile of each
dimension is ragged, sized with min().
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def tensor_add_kernel(a_input, b_input):
    rows, cols = a_input.shape
    assert a_input.shape == b_input.shape, f"shapes differ: {a_input.shape} and {b_input.shape}"
    result = nl.ndarray((rows, cols), dtype=a_input.dtype, buffer=nl.shared_hbm)
    tile_p = nl.tile_size.pmax
    tile_f = 512
    for r in nl.affine_range((rows + tile_p - 1) // tile_p):
        p = min(tile_p, rows - r * tile_p)
        for c in nl.affine_range((cols + tile_f - 1) // tile_f):
            f = min(tile_f, cols - c * tile_f)
            rows_ds = nl.ds(r * tile_p, p)
            cols_ds = nl.ds(c * tile_f, f)
            a_tile = nl.ndarray((tile_p, tile_f), dtype=a_input.dtype, buffer=nl.sbuf)
            b_tile = nl.ndarray((tile_p, tile_f), dtype=b_input.dtype, buffer=nl.sbuf)
            nisa.dma_copy(dst=a_tile[0:p, 0:f], src=a_input[rows_ds, cols_ds])
            nisa.dma_copy(b_tile[0:p, 0:f], b_input[rows_ds, cols_ds])
            sum_tile = nl.ndarray((tile_p, tile_f), dtype=a_input.dtype, buffer=nl.sbuf)
            nisa.tensor_tensor(sum_tile[0:p, 0:f], a_tile[0:p, 0:f], b_tile[0:p, 0:f], nl.add)
            nisa.dma_copy(dst=result[rows_ds, cols_ds], src=sum_tile[0:p, 0:f])
    return result
