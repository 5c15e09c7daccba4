"""2-D average pooling with a square window and equal stride (current NKI dialect).

in_tensor is [channels, height, width] with any number of channels (tiles of 128 partitions, the
last one ragged); height and width are multiples of pool_size. Each channel tile is loaded
whole; a 5-D access pattern over it walks the pooling windows, which one tensor_reduce sums.
Entry point: avgpool2d_kernel(in_tensor, pool_size) -> [channels, height / pool_size, width / pool_size].
# reference: referenceAvgPool2D
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def avgpool2d_kernel(in_tensor, pool_size):
    channels, height, width = in_tensor.shape
    assert height % pool_size == 0 and width % pool_size == 0, "the pool size must divide the image"
    out_h, out_w = height // pool_size, width // pool_size
    pmax = nl.tile_size.pmax
    out = nl.ndarray((channels, out_h, out_w), dtype=in_tensor.dtype, buffer=nl.shared_hbm)

    for c in nl.affine_range((channels + pmax - 1) // pmax):
        pc = min(pmax, channels - c * pmax)
        image = nl.ndarray((pmax, height, width), dtype=in_tensor.dtype, buffer=nl.sbuf)
        nisa.dma_copy(dst=image[0:pc], src=in_tensor[c * pmax:c * pmax + pc])

        # windows[q, i, j, a, b] = image[q, pool_size * i + a, pool_size * j + b]
        windows = image.ap(
            [[height * width, pc], [pool_size * width, out_h], [pool_size, out_w], [width, pool_size], [1, pool_size]],
            offset=0)
        sums = nl.ndarray((pmax, out_h, out_w), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_reduce(dst=sums[0:pc], op=nl.add, data=windows, axis=(3, 4))
        means = nl.ndarray((pmax, out_h, out_w), dtype=in_tensor.dtype, buffer=nl.sbuf)
        nisa.tensor_scalar(dst=means[0:pc], data=sums[0:pc], op0=nl.multiply, operand0=1.0 / (pool_size * pool_size))
        nisa.dma_copy(dst=out[c * pmax:c * pmax + pc], src=means[0:pc])
    return out
