"""Kernels in the current ``nki`` dialect (destination passing) for the bridge's tests."""

import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def add(a, b):
    """a + b for tensors of at most 128 rows."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
    y = nl.ndarray(b.shape, dtype=b.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=x, src=a)
    nisa.dma_copy(dst=y, src=b)
    nisa.tensor_tensor(dst=x, data1=x, data2=y, op=nl.add)
    nisa.dma_copy(dst=out, src=x)
    return out


@nki.jit
def double_in_place(a):
    """Doubles its HBM argument in place (AWS's simulator writes such changes back)."""
    x = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=x, src=a)
    nisa.tensor_scalar(dst=x, data=x, op0=nl.multiply, operand0=2.0)
    nisa.dma_copy(dst=a, src=x)


@nki.jit
def scale_halves(a):
    """Under kernel[n], program p scales its n-th of the rows by p + 1."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    p = nl.program_id(0)
    rows = a.shape[0] // nl.num_programs(0)
    x = nl.ndarray((rows, a.shape[1]), dtype=a.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=x, src=a[p * rows:(p + 1) * rows, :])
    nisa.tensor_scalar(dst=x, data=x, op0=nl.multiply, operand0=float(p + 1))
    nisa.dma_copy(dst=out[p * rows:(p + 1) * rows, :], src=x)
    return out
