"""Two 128 KiB-per-partition tiles live at once do not fit in trn2's 208 KiB of SBUF per partition."""
# args: a: float32[128, 32768], b: float32[128, 32768]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def sbuf_capacity(a, b):
    out = nl.ndarray((128, 32768), dtype=a.dtype, buffer=nl.shared_hbm)
    t1 = nl.load(a)
    t2 = nl.load(b)  # error: SBUF capacity exceeded: `t2` needs 131072 bytes per partition on 128 partitions, but 131072 of 212984 bytes per partition are held by live tensors [`t1` 131072 B × 128]
    t1[...] = nl.add(t1, t2)
    nl.store(out, value=t1)
    return out
