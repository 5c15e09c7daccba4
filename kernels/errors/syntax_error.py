"""A missing colon after the for header: the file does not parse."""
# args: a: float32[256, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def syntax_error(a):
    out = nl.ndarray((256, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(2)  # error: SyntaxError: expected ':'
        t = nl.load(a[i * 128:(i + 1) * 128, 0:512])
        nl.store(out[i * 128:(i + 1) * 128, 0:512], value=t)
    return out
