"""a + b over the first n row tiles of [M, H] inputs, n read at run time (current NKI dialect).

The tile count goes from HBM into a register that bounds an nl.dynamic_range loop; an SBUF counter
moves the row block through .ap(scalar_offset=...). Rows past n * 128 are not written.
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def dynamic_add_kernel(a, b, n_tiles):
    m_dim, h_dim = a.shape
    out = nl.ndarray((m_dim, h_dim), dtype=a.dtype, buffer=nl.shared_hbm)
    count = nl.ndarray((1, 1), dtype=nl.int32, buffer=nl.sbuf)
    nisa.dma_copy(dst=count, src=n_tiles)
    reg = nisa.register_alloc()
    nisa.register_load(reg, count)
    row = nl.ndarray((1, 1), dtype=nl.int32, buffer=nl.sbuf)
    nisa.memset(row, 0)
    for _ in nl.dynamic_range(0, reg, 1):
        ta = nl.ndarray((128, h_dim), dtype=a.dtype, buffer=nl.sbuf)
        tb = nl.ndarray((128, h_dim), dtype=b.dtype, buffer=nl.sbuf)
        nisa.dma_copy(ta, a.ap(pattern=[[h_dim, 128], [1, h_dim]], scalar_offset=row, indirect_dim=0))
        nisa.dma_copy(tb, b.ap(pattern=[[h_dim, 128], [1, h_dim]], scalar_offset=row, indirect_dim=0))
        nisa.tensor_tensor(ta, ta, tb, nl.add)
        nisa.dma_copy(out.ap(pattern=[[h_dim, 128], [1, h_dim]], scalar_offset=row, indirect_dim=0), ta)
        nisa.tensor_scalar(row, row, nl.add, 128)
    return out
