"""Two programs of a launch on two cores write different values to one shared_hbm output with no rendezvous between."""
# args: a: float32[128, 64]
# grid: [2]

import nki
import nki.language as nl
import nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    pid = nl.program_id(0)
    t = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=t, src=a)
    s = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.sbuf)
    nisa.tensor_scalar(dst=s, data=t, op0=nl.add, operand0=float(pid))
    nisa.dma_copy(dst=out[0:128, 0:64], src=s)  # error: Unexpected output dependencies: `out[0, 0]` is written with different values (1.0 and 2.0) by 'dma_copy' (line 18) in program 0 and by 'dma_copy' (line 18) in program 1 of the launch on 2 cores, with no rendezvous (nisa.sendrecv, nisa.core_barrier) between the two writes; make the programs write disjoint regions of HBM, or order the writes with nisa.core_barrier
    return out
