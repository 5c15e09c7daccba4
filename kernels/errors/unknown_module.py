"""A module Tessel does not provide, used by the kernel: the error names it at the import."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
from plotting_helpers import show  # error: ModuleNotFoundError: No module named 'plotting_helpers' (Tessel provides NKI, trace-time numpy and Python's standard modules; add the directories of your own modules with --path)


@nki.jit
def k(a):
    show(a)
    return a
