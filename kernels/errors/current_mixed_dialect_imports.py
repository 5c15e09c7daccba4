"""A file that imports both dialects (`from neuronxcc import nki` and `nki.isa`) is traced as the current one: its legacy names are refused, never run with the other dialect's meaning."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import nki.isa as nisa


@nki.jit  # error: unsupported: `neuronxcc.nki.jit` of the legacy NKI dialect in a file traced as the current dialect (it imports `nki`); a kernel file uses one dialect: the current one's `nki`, `nki.language`, `nki.isa`, or `--dialect legacy` with only `neuronxcc.nki` imports
def k(a):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=t, src=a)
    nisa.dma_copy(dst=out, src=t)
    return out
