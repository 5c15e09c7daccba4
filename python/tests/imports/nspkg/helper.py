"""A sibling of ``nspkg.kern`` in a namespace package (no ``__init__.py``)."""

FACTOR = 3.0
