"""nl.sum over axis 0: reductions run along free axes; the partition axis needs tensor_partition_reduce or a matmul."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def reduce_partition_axis(a):
    out = nl.ndarray((1, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.load(a)
    s = nl.sum(x, axis=0, keepdims=True)  # error: invalid op axis=0 for 'tensor_reduce': reductions run along free axes; the partition axis 0 cannot be reduced (use nisa.tensor_partition_reduce or a matmul)
    nl.store(out, value=s)
    return out
