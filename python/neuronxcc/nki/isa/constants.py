"""Tessel's ``neuronxcc.nki.isa.constants``."""

from . import dge_mode, engine, nc_version, oob_mode, reduce_cmd

__all__ = ["dge_mode", "engine", "nc_version", "oob_mode", "reduce_cmd"]
