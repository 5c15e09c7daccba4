"""A bf16 per-partition scale for nisa.activation: the scale must be fp32."""
# args: a: float32[128, 512], s: bfloat16[128, 1]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def activation_scale_dtype(a, s):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    s_tile = nl.load(s)
    y = nisa.activation(op=nl.exp, data=x, scale=s_tile)  # error: invalid dtype bfloat16 for operand 'scale' of 'activation': scale must be an fp32 scalar or [P, 1] vector
    nl.store(out, value=y)
    return out
