"""The C ABI refuses bad requests with errors, never a crash."""


import numpy as np
import pytest

import legacy_kernels as K
from tessel._library import RunBuffers, address, library
from tessel._simulate import kernel_source


def _request(**changes):
    source = kernel_source(K.scaled_add)
    request = {"file": source.file, "function": "scaled_add", "target": "trn2",
               "keywords": {n: {"kind": "tensor", "shape": [7, 5], "dtype": "float32"} for n in ("a", "b")}}
    request.update(changes)
    return request


def test_info_names_the_abi_and_targets():
    info = library().info
    assert info["abi"] >= 1 and set(info["targets"]) == {"trn1", "trn2", "trn3"}


@pytest.mark.parametrize("changes, message", [
    ({"target": "trn9"}, "unknown target 'trn9'"),
    ({"grid": [0]}, "grid dimensions must be positive"),
    ({"function": "nope"}, "no function named 'nope'"),
    ({"file": "/nonexistent/k.py"}, "cannot read kernel file"),
    ({"keywords": {"a": {"kind": "tensor", "shape": [7, 5], "dtype": "float64"}}}, "no dtype 'float64'"),
    ({"keywords": {"a": {"kind": "table"}}}, "unknown argument kind 'table'"),
    ({"dialect": "ancient"}, "unknown NKI dialect 'ancient'"),
])
def test_bad_prepare_requests_are_errors(changes, message):
    response = library().prepare(_request(**changes))
    assert not response["ok"]
    assert message in response["error"]["message"]


def test_malformed_json_is_an_error():
    lib = library()
    pointer = lib._lib.tessel_bridge_prepare(b"{not json")
    response = lib._take(pointer)
    assert not response["ok"] and "malformed prepare request" in response["error"]["message"]


def test_bad_runs_are_errors():
    lib = library()
    prepared = lib.prepare(_request())
    assert prepared["ok"], prepared
    handle = prepared["handle"]
    a = np.zeros((7, 5), np.float32)
    out = np.zeros((7, 5), np.float32)
    small = np.zeros(3, np.float32)
    cases = [
        (handle + 1000, [a, a], [out], "no prepared kernel"),
        (handle, [a], [out], "takes 2 parameter and 1 output buffers"),
        (handle, [a, small], [out], "holds 3 elements"),
        (handle, [a, a], [small], "holds 3 elements"),
    ]
    for h, params, outs, message in cases:
        response = lib.run(h, _buffers(params, outs))
        assert not response["ok"] and message in response["error"]["message"], (message, response)
    null = _buffers([a, a], [out])
    null.parameters[1] = None
    response = lib.run(handle, null)
    assert not response["ok"] and "null" in response["error"]["message"]
    np.testing.assert_array_equal(a, 0)
    b = np.arange(35, dtype=np.float32).reshape(7, 5)
    assert lib.run(handle, _buffers([b, b], [out])) is None  # a quiet run returns no response
    np.testing.assert_array_equal(out, b + b)
    lib.release(handle)
    lib.release(handle)  # twice is harmless
    assert not lib.estimate(handle, {})["ok"]


def _buffers(params, outs):
    """The run buffers of these arrays."""
    buffers = RunBuffers([p.size for p in params], [o.size for o in outs])
    for i, p in enumerate(params):
        buffers.parameters[i] = address(p)
    for i, o in enumerate(outs):
        buffers.outputs[i] = address(o)
    return buffers
