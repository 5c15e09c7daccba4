"""tensor_tensor of a [128, 512] and a [1, 512] tile: operands need the same partitions (use broadcast_to)."""
# args: a: float32[128, 512], b: float32[1, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def partition_mismatch(a, b):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    y = nl.load(b)
    z = nisa.tensor_tensor(x, y, op=nl.add)  # error: number of partitions (dimension 0 size of a tile) mismatch in parameters (data1[128, 512], data2[1, 512], dst[128, 512]) of 'tensor_tensor'
    nl.store(out, value=z)
    return out
