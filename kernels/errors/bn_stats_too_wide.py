"""bn_stats over 1024 free elements; one call takes at most 512."""
# args: x: float32[128, 1024]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def bn_stats_too_wide(x):
    out = nl.ndarray((128, 6), dtype=nl.float32, buffer=nl.shared_hbm)
    x_tile = nl.load(x)
    stats = nisa.bn_stats(x_tile)  # error: free size 1024 of data in 'bn_stats' exceeds architecture limitation of 512
    nl.store(out, value=stats)
    return out
