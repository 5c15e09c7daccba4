"""Tessel's ``neuronxcc.nki.typing``: kernel-parameter annotations (``tensor``, ``mutable_tensor``,
``scalar``), inert in CPython; Tessel reads them from the kernel's source."""

from tessel import _api

_api.install_typing(globals(), __name__)
_api.install_dtypes(globals(), __name__, _api.LEGACY_OPAQUE_DTYPES)
