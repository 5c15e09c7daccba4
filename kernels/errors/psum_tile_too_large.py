"""A [128, 1024] fp32 PSUM tile needs two 2 KiB banks per partition; a PSUM tile fits in one."""
# args: a: float32[128, 1024]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def psum_tile_too_large(a):
    out = nl.ndarray((128, 1024), dtype=a.dtype, buffer=nl.shared_hbm)
    acc = nl.zeros((128, 1024), dtype=nl.float32, buffer=nl.psum)  # error: PSUM tile `acc` needs 4096 bytes per partition, more than one PSUM bank (2048 bytes, 512 fp32 elements)
    t = nl.load(a)
    acc[...] = nl.add(acc, t)
    nl.store(out, value=acc)
    return out
