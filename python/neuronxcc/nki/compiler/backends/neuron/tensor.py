"""Tessel's stand-in for ``neuronxcc.nki.compiler.backends.neuron.tensor`` (``local_tile``, a type
that kernels use in annotations and ``isinstance`` checks Tessel evaluates)."""

from tessel import _api

local_tile = _api.TensorAnnotation(__name__, "local_tile")
