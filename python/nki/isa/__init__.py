"""Tessel's ``nki.isa``: the current ISA operations (placeholders that run inside kernels Tessel
runs) and the ISA constants (``engine``, ``reduce_cmd``, ``dge_mode``, ``oob_mode``,
``matmul_perf_mode``, ``nc_version``, ``dma_engine``)."""

from tessel import _api

_api.populate_isa(globals(), __name__, current=True)

from . import constants  # noqa: E402
