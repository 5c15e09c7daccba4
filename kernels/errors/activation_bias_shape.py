"""A [128, 2] bias for nisa.activation: the bias is one value per partition, [P, 1]."""
# args: a: float32[128, 512], b: float32[128, 2]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def activation_bias_shape(a, b):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    b_tile = nl.load(b)
    y = nisa.activation(op=nl.exp, data=x, bias=b_tile)  # error: shape mismatch in parameters (bias[128, 2]) of 'activation'
    nl.store(out, value=y)
    return out
