"""2-D average pooling over non-overlapping square windows, channels on the partition axis.

Input: an HBM tensor [channels, height, width] (float32, bfloat16 or float16; any number of
channels, processed 128 at a time). Output: [channels, height // pool_size,
width // pool_size] in the same dtype, each element the mean of one pool_size x pool_size
window (trailing rows/columns that do not fill a window are ignored).

The pooling is done with a 5-D index built from nl.mgrid: dimensions (channel, output row,
output column, row within window, column within window), where the input row is
pool_size * output_row + window_row (and likewise for columns). nl.sum over the last two
axes then yields the window sums directly.

Entry point: avgpool2d_kernel(in_tensor, pool_size) -> out_tensor (shared HBM).
"""
# reference: referenceAvgPool2D

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def avgpool2d_kernel(in_tensor, pool_size):
    assert pool_size >= 1
    channels, height, width = in_tensor.shape
    out_h = height // pool_size
    out_w = width // pool_size
    out_tensor = nl.ndarray((channels, out_h, out_w), dtype=in_tensor.dtype,
                            buffer=nl.shared_hbm)

    tile_c = nl.tile_size.pmax
    # Whole-image indices for the loads ...
    i_c, i_h, i_w = nl.mgrid[0:tile_c, 0:height, 0:width]
    # ... the 5-D window view ...
    k_c, k_oh, k_ow, k_ph, k_pw = nl.mgrid[0:tile_c, 0:out_h, 0:out_w, 0:pool_size, 0:pool_size]
    # ... and output indices for the stores.
    o_c, o_h, o_w = nl.mgrid[0:tile_c, 0:out_h, 0:out_w]

    for t in nl.affine_range((channels + tile_c - 1) // tile_c):
        image = nl.load(in_tensor[t * tile_c + i_c, i_h, i_w],
                        mask=(t * tile_c + i_c < channels))

        windows = image[k_c, pool_size * k_oh + k_ph, pool_size * k_ow + k_pw]
        window_sums = nl.sum(windows, axis=[3, 4])
        averages = nl.multiply(window_sums, 1.0 / (pool_size * pool_size),
                               dtype=in_tensor.dtype)

        nl.store(out_tensor[t * tile_c + o_c, o_h, o_w], value=averages,
                 mask=(t * tile_c + o_c < channels))

    return out_tensor
