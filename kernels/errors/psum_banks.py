"""Nine [128, 512] fp32 PSUM tiles live at once; PSUM has eight 2 KiB banks."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def psum_banks(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    p0 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    p1 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    p2 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    p3 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    p4 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    p5 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    p6 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    p7 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    p8 = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)  # error: PSUM capacity exceeded: `p8` needs 2048 bytes per partition (1 bank) on 128 partitions, but 16384 of 16384 bytes per partition (8 of 8 banks) are held by live tensors [`p0` 2048 B × 128, `p1` 2048 B × 128, `p2` 2048 B × 128, `p3` 2048 B × 128, `p4` 2048 B × 128, `p5` 2048 B × 128, `p6` 2048 B × 128, `p7` 2048 B × 128]
    s = nl.load(a)
    s[...] = nl.add(s, p0)
    s[...] = nl.add(s, p1)
    s[...] = nl.add(s, p2)
    s[...] = nl.add(s, p3)
    s[...] = nl.add(s, p4)
    s[...] = nl.add(s, p5)
    s[...] = nl.add(s, p6)
    s[...] = nl.add(s, p7)
    s[...] = nl.add(s, p8)
    nl.store(out, value=s)
    return out
