"""Legacy-dialect kernels that warn, for the bridge's warning tests.

A comment ``# line: NAME`` marks the line a warning must name; the tests find it by that tag.
"""

import neuronxcc.nki as nki
import neuronxcc.nki.language as nl


@nki.jit
def half_rows_read(a):
    """Loads the first half of the rows into a tile, then stores the whole tile: the second half
    is a read of never-written memory."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    rows, cols = a.shape
    i_p, i_f = nl.mgrid[0:rows, 0:cols]
    t = nl.ndarray((rows, cols), dtype=a.dtype, buffer=nl.sbuf)
    t[i_p, i_f] = nl.load(a[i_p, i_f], mask=(i_p < rows // 2))
    nl.store(out, value=t)  # line: unwritten-read
    return out


@nki.jit
def top_rows_only(a):
    """Writes only the first 128 rows of its output (a 256-row input leaves half unwritten)."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)  # line: unwritten-output
    nl.store(out[0:128, :], value=nl.load(a[0:128, :]))
    return out


@nki.jit
def prints_while_tracing(a):
    """Prints at trace time and the tile's values at run time; writes a + 1."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    print("tracing prints_while_tracing for shape", a.shape)
    t = nl.add(nl.load(a), 1.0)
    nl.device_print("t =", t)
    nl.store(out, value=t)
    return out
