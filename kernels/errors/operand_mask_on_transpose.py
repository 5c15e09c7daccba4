"""A tile[mask] on nc_transpose's input: the transpose cannot carry a mask over its input's grid."""
# args: x: float32[4, 6]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def operand_mask_on_transpose(x):
    out = nl.ndarray((6, 4), dtype=x.dtype, buffer=nl.shared_hbm)
    i_p, i_f = nl.mgrid[0:4, 0:6]
    t = nl.load(x)
    u = nisa.nc_transpose(t[i_p, i_f][i_f < 3])  # error: unsupported: an operand mask (tile[mask]) that excludes elements of `t`, read as 'data' of 'nc_transpose': its operands are not laid out like its iteration space, so the mask cannot select what it computes (Tessel models operand masks there only when they depend on loop indices alone)
    nl.store(out, u)
    return out
