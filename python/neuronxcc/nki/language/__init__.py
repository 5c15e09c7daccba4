"""Tessel's ``neuronxcc.nki.language``: the legacy NKI language as CPython sees it.

Operations (``load``, ``add``, ``matmul``, ...) run inside kernels that Tessel traces; here they are
named placeholders. Dtypes are numpy dtypes (``bfloat16`` and fp8 from ml_dtypes), ``tile_size``
holds the hardware limits and ``static_cast`` converts host arrays.
"""

from tessel import _api

_api.populate_language(globals(), __name__, current=False)

from . import constants  # noqa: E402
