"""A dataclass config built without a required field: the generated __init__'s TypeError."""
# args: a: float32[128, 64]

from dataclasses import dataclass

from neuronxcc import nki
import neuronxcc.nki.language as nl


@dataclass
class Config:
    tile_rows: int
    scale: float = 1.0


@nki.jit
def k(a):
    config = Config(scale=2.0)  # error: TypeError: Config.__init__() missing 1 required positional argument: 'tile_rows'
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, nl.multiply(nl.load(a), config.scale))
    return out
