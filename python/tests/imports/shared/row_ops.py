"""A helper module found only through ``sys.path`` (not beside the kernel, not in its package)."""

import neuronxcc.nki.language as nl


def shift(x, mask=None):
    return nl.add(x, 1.0, mask=mask)
