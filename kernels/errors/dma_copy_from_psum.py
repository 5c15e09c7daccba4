"""nisa.dma_copy out of PSUM: DMA cannot read PSUM; copy to SBUF first."""
# args: lhsT: bfloat16[128, 128], rhs: bfloat16[128, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def dma_copy_from_psum(lhsT, rhs):
    result = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    res = nisa.nc_matmul(lhsT_tile, rhs_tile)
    nisa.dma_copy(dst=result, src=res)  # error: Expected operand 'src' of 'dma_copy' to be in address space 'sbuf|hbm', but got a tile in 'psum' instead
    return result
