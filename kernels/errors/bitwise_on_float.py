"""nl.bitwise_and of two float32 tiles: bitwise operators need integer tiles."""
# args: a: float32[128, 512], b: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def bitwise_on_float(a, b):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    y = nl.load(b)
    z = nl.bitwise_and(x, y)  # error: invalid dtype float32 for operand 'data1' of 'tensor_tensor': bitwise op bitwise_and needs integer operands
    nl.store(out, value=z)
    return out
