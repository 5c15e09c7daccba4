"""Tessel's ``nki.typing``: kernel-parameter annotations, inert in CPython."""

from tessel import _api

_api.install_typing(globals(), __name__)
_api.install_dtypes(globals(), __name__, _api.CURRENT_OPAQUE_DTYPES)
