"""Adaptive 2-D average pooling (PyTorch's AdaptiveAvgPool2d), channels on the partition axis.

Input: an HBM tensor [channels, height, width] (float32; channels <= 128). Output:
[channels, out_h, out_w], where output (i, j) is the mean of input rows
floor(i * height / out_h) .. ceil((i + 1) * height / out_h) - 1 and the matching columns:
windows of different sizes that may overlap.

The window bounds are numpy arrays computed at trace time (`np.arange` arithmetic, `.max()`,
indexing by a static loop counter), as production kernels compute them; every window is loaded
with its own static bounds and summed with nl.sum.

Entry point: adaptive_avgpool_kernel(in_tensor, output_size) -> out_tensor (shared HBM).
"""
# reference: referenceAdaptiveAvgPool2D

import numpy as np
from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def adaptive_avgpool_kernel(in_tensor, output_size):
    channels, height, width = in_tensor.shape
    out_h, out_w = (output_size, output_size) if isinstance(output_size, int) else output_size
    assert channels <= nl.tile_size.pmax
    assert 0 < out_h <= height and 0 < out_w <= width

    # Window bounds, one entry per output row (column), computed with numpy at trace time.
    h_start = (np.arange(out_h, dtype=np.int32) * height) // out_h
    h_end = (np.arange(1, out_h + 1, dtype=np.int32) * height + out_h - 1) // out_h
    w_start = (np.arange(out_w, dtype=np.int32) * width) // out_w
    w_end = (np.arange(1, out_w + 1, dtype=np.int32) * width + out_w - 1) // out_w
    max_h = int((h_end - h_start).max())
    max_w = int((w_end - w_start).max())
    acc_dtype = np.float32
    assert np.dtype(acc_dtype).itemsize * max_h * max_w <= 4 * height * width

    out_tensor = nl.ndarray((channels, out_h, out_w), dtype=in_tensor.dtype, buffer=nl.shared_hbm)
    i_c = nl.arange(channels)[:, None, None]
    for i in nl.static_range(out_h):
        for j in nl.static_range(out_w):
            h0, h1 = h_start[i], h_end[i]
            w0, w1 = w_start[j], w_end[j]
            i_h = nl.arange(h1 - h0)[None, :, None]
            i_w = nl.arange(w1 - w0)[None, None, :]
            window = nl.load(in_tensor[i_c, h0 + i_h, w0 + i_w])
            total = nl.sum(window, axis=[1, 2], dtype=acc_dtype)
            mean = nl.multiply(total, 1.0 / ((h1 - h0) * (w1 - w0)), dtype=in_tensor.dtype)
            nl.store(out_tensor[nl.arange(channels)[:, None], i, j], value=mean)
    return out_tensor
