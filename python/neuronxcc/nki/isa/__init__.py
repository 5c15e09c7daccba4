"""Tessel's ``neuronxcc.nki.isa``: the legacy ISA operations (placeholders that run inside kernels
Tessel traces) and the ISA constants (``engine``, ``reduce_cmd``, ``dge_mode``, ``oob_mode``,
``nc_version``)."""

from tessel import _api

_api.populate_isa(globals(), __name__, current=False)

from . import constants  # noqa: E402
