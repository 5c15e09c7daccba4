"""A conditional expression tests a predicate of loop indices: ambiguous, so refused at the test.

`mask & m2 if mask else m2` means "if a causal mask was made" (`mask is not None`) to its author.
NKI does not document the truth value of a loop-index predicate: read as the predicate object it
keeps `mask`; chosen per index it drops `mask` wherever it is false. Write `mask is not None`, or an
`if` statement to choose per index.
"""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=nl.load(a))
    i_p, i_f = nl.mgrid[0:128, 0:128]
    for q in nl.affine_range(4):
        causal = q >= 1
        ragged = i_f < 100
        t = nl.load(a[i_p, q * 128 + i_f])
        nl.store(out[i_p, q * 128 + i_f], value=nl.exp(t), mask=(causal & ragged if causal else ragged))  # error: unsupported: `x if c else y` with c a predicate of loop indices is ambiguous: NKI does not document the truth value of a loop-index predicate (an nl.affine_range or nl.sequential_range body is traced once), and the two readings give different kernels: the predicate object (the first branch in every iteration) or a choice per index (which drops c wherever it is false); write `c is not None` to test whether a predicate was made, or write an `if` statement (or the comparison itself) to choose per index
    return out
