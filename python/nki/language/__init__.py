"""Tessel's ``nki.language``: the current NKI language as CPython sees it.

Operations run inside kernels that Tessel runs; here they are named placeholders. Dtypes are numpy
dtypes (``bfloat16`` and fp8 from ml_dtypes; packed MX types are opaque names), ``tile_size``
holds the hardware limits, ``NKIObject`` is the base class of kernel configuration objects.
"""

from tessel import _api

_api.populate_language(globals(), __name__, current=True)

from . import constants  # noqa: E402
