"""Tessel's ``nki.language.constants``."""

from tessel._api import sizeinbytes

__all__ = ["sizeinbytes"]
