"""`nisa.activation_reduce` without its keyword-only `reduce_op` and `reduce_res`."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a)
    u = nisa.activation_reduce(nl.exp, t)  # error: TypeError: nisa.activation_reduce() missing 2 required keyword-only arguments: 'reduce_op' and 'reduce_res'
    nl.store(out, u)
    return out
