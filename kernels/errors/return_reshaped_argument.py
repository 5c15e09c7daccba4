"""A kernel returns tensors it made: returning a reshaped argument is refused."""
# args: x: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def return_reshaped_argument(x):
    return x.reshape((512, 128))  # error: unsupported: returning a slice of a tensor, or a reshaped kernel argument (return the whole nl.ndarray)
