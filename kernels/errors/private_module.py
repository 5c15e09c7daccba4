"""A private module of AWS's compiler (`neuronxcc.nki._private*`): out of Tessel's scope, and said so."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    from neuronxcc.nki._private.private_api import qkv_kernel  # error: unsupported: module `neuronxcc.nki._private.private_api` is a private module of AWS's Neuron compiler, which Tessel does not provide
    return qkv_kernel(a)
