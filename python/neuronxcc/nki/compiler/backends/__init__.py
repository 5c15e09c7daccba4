"""Tessel's stand-in for ``neuronxcc.nki.compiler.backends``."""
