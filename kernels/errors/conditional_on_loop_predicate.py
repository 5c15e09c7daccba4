"""A conditional expression tests a predicate of loop indices: ambiguous, so refused at the test.

`mask & m2 if mask else m2` means "if a causal mask was made" (`mask is not None`) to its author;
NKI's tracer sees a predicate object (true), while choosing per index would drop `mask` from the
instruction wherever it is false. Write `if mask is not None`, or an `if` statement to choose per index.
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
        nl.store(out[i_p, q * 128 + i_f], value=nl.exp(t), mask=(causal & ragged if causal else ragged))  # error: unsupported: `x if c else y` with c a predicate of loop indices is ambiguous: an `if` statement on it branches per loop index, but NKI's tracer evaluates a conditional expression on the predicate object, which is always true; write an `if` statement (or the comparison itself) to choose per index, or `c is not None` to test whether a predicate was made
    return out
