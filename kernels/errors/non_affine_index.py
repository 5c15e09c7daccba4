"""An index that is not affine in the loop variable (a product of two loop indices)."""
# args: a: float32[256, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray((256, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(2):
        for j in nl.affine_range(2):
            t = nl.load(a[i * j * 128:(i * j + 1) * 128, 0:64])  # error: unsupported: index expression `*` is not affine in the loop indices (NKI index expressions must be affine)
            nl.store(out[i * 128:(i + 1) * 128, 0:64], value=t)
    return out
