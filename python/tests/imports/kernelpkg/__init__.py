"""A package of kernels whose modules import each other (relative imports) and a module that only
``sys.path`` finds (``row_ops``, in ``../shared``)."""
