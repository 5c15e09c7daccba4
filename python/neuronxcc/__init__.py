"""Tessel's stand-in for AWS's ``neuronxcc`` package: only ``neuronxcc.nki``, whose kernels run in
Tessel's simulator (``pip install`` the ``tessel`` package from a Tessel checkout)."""
