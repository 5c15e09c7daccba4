"""Tessel's ``neuronxcc.nki.compiler``: direct allocation (``sbuf``, ``psum``) and compiler
directives, used inside kernels that Tessel traces."""

from tessel import _api

sbuf = _api.Allocator(__name__, "sbuf")
psum = _api.Allocator(__name__, "psum")
skip_middle_end_transformations = _api.identity_decorator("skip_middle_end_transformations")
enable_stack_allocator = _api.identity_decorator("enable_stack_allocator")
_api.install_functions(globals(), __name__, "ncc", ["no_reorder", "multi_buffer"])
