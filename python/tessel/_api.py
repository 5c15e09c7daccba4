"""The NKI API as CPython sees it: names that exist so kernel modules import, and host helpers.

Kernel bodies run in Tessel, never in CPython: an NKI operation such as ``nl.load`` is a
placeholder here that names itself (so it can be passed as an argument, ``op=nl.add``) and raises
when CPython calls it. Dtypes are numpy dtypes (bf16 and fp8 from ml_dtypes), ``tile_size`` holds
the target's constants, and ``static_cast`` converts host arrays.
"""

from __future__ import annotations

import enum
import sys
from typing import Any, Iterable

import numpy as np


class NkiName:
    """An NKI object that names itself by module and name, so that it can be passed to a kernel as
    an argument (``op=nl.add``, ``buffer=nl.sbuf``, ``dtype=nl.tfloat32``)."""

    __tessel_api__ = True

    def __init__(self, module: str, name: str):
        self.__module__ = module
        self.__name__ = name
        self.__qualname__ = name

    def __repr__(self) -> str:
        return self.__name__


class ApiFunction(NkiName):
    """An NKI operation: it runs inside a kernel that Tessel traces, not in CPython."""

    def __init__(self, module: str, name: str, alias: str):
        super().__init__(module, name)
        self._alias = alias

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            f"{self._alias}.{self.__name__}() runs inside an NKI kernel, which Tessel traces and runs; it "
            "cannot run in CPython. Call the kernel through simulate_kernel (neuronxcc.nki) or nki.simulate "
            "(nki), or set NKI_SIMULATOR=1"
        )

    def __getitem__(self, key: Any) -> Any:
        self()

    def __repr__(self) -> str:
        return f"<NKI operation {self._alias}.{self.__name__}>"

    def __reduce__(self) -> str:
        return self.__name__


class NkiDtype(NkiName):
    """An NKI dtype numpy has no counterpart for (``tfloat32``, packed ``float8_e4m3fn_x4``)."""

    __str__ = NkiName.__repr__


def install_functions(namespace: dict, module: str, alias: str, names: Iterable[str]) -> None:
    """Binds a placeholder for each NKI operation name in a stub module's namespace."""
    for name in names:
        namespace[name] = ApiFunction(module, name, alias)


#: numpy dtypes under their NKI names (both dialects), besides those of ml_dtypes.
DTYPES: dict[str, Any] = {
    "float32": np.float32, "float16": np.float16, "int8": np.int8, "int16": np.int16, "int32": np.int32,
    "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32, "bool_": np.bool_, "bool": np.bool_,
}

#: The NKI dtypes ml_dtypes provides, under the same names there. ml_dtypes is imported when one
#: is first used (or when it is imported anyway): importing it is most of a cold start.
ML_DTYPES = ("bfloat16", "float8_e4m3", "float8_e5m2", "float8_e4m3fn", "float8_e8m0fnu")

#: NKI dtypes without a numpy counterpart (legacy: tfloat32; current adds packed and MX types).
LEGACY_OPAQUE_DTYPES = ["tfloat32"]
CURRENT_OPAQUE_DTYPES = ["tfloat32", "float8_e4m3fn_x4", "float8_e5m2_x4", "float4_e2m1fn_x4"]

#: Stub namespaces whose ml_dtypes dtypes are not bound yet.
_waiting: list[dict] = []


def install_dtypes(namespace: dict, module: str, opaque: Iterable[str]) -> None:
    """Binds the dtypes in a stub module's namespace (those of ml_dtypes on first use)."""
    namespace.update(DTYPES)
    for name in opaque:
        namespace[name] = NkiDtype(module, name)
    _waiting.append(namespace)
    if "ml_dtypes" in sys.modules:
        install_ml_dtypes()
        return

    def __getattr__(name: str) -> Any:
        if name in ML_DTYPES:
            install_ml_dtypes()
            return namespace[name]
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    namespace["__getattr__"] = __getattr__


def install_ml_dtypes() -> None:
    """Imports ml_dtypes and binds its dtypes in every stub namespace still waiting for them."""
    if not _waiting:
        return
    import ml_dtypes

    while _waiting:
        namespace = _waiting.pop()
        for name in ML_DTYPES:
            namespace[name] = getattr(ml_dtypes, name)
        if getattr(namespace.get("__getattr__"), "__qualname__", "").startswith("install_dtypes."):
            del namespace["__getattr__"]


def static_cast(array: Any, dtype: Any) -> np.ndarray:
    """``nl.static_cast`` on the host: the array converted to ``dtype`` (round to nearest even)."""
    return np.asarray(array).astype(dtype)


class _TileSize:
    """``nl.tile_size``: hardware tile limits of the target (``NEURON_PLATFORM_TARGET_OVERRIDE``)."""

    _SBUF = {"trn1": 180_224, "trn2": 212_984, "trn3": 245_752}

    pmax = 128
    psum_fmax = 512
    psum_bank_fmax = 512
    psum_num_banks = 8
    gemm_stationary_fmax = 128
    gemm_moving_fmax = 512
    bn_stats_fmax = 512
    psum_min_align = 4
    sbuf_min_align = 1

    @property
    def total_available_sbuf_size(self) -> int:
        from ._simulate import resolve_target

        return self._SBUF[resolve_target(None)]

    def __repr__(self) -> str:
        return "nl.tile_size"


tile_size = _TileSize()


class Buffer(NkiName):
    """A memory space (``nl.sbuf``, ``nl.psum``, ``nl.hbm``, ``nl.shared_hbm``, ``nl.private_hbm``)."""


def install_buffers(namespace: dict, module: str) -> None:
    """Binds the memory spaces in a stub module's namespace."""
    for name in ("sbuf", "psum", "hbm", "shared_hbm", "private_hbm"):
        namespace[name] = Buffer(module, name)


# The NKI operations by module. Names follow AWS's API documentation.
LANGUAGE_COMMON = """
load store load_transpose2d copy broadcast_to ndarray zeros ones full empty_like zeros_like rand random_seed
shared_constant shared_identity_matrix add subtract multiply divide power maximum minimum abs negative sign trunc
floor ceil mod fmod exp log cos sin tan tanh arctan sqrt rsqrt reciprocal square sigmoid relu gelu gelu_dx
gelu_apprx_tanh gelu_apprx_sigmoid gelu_apprx_sigmoid_dx silu silu_dx erf erf_dx softplus mish softmax rms_norm
dropout sum max min mean prod var all matmul transpose equal not_equal greater greater_equal less less_equal
logical_and logical_or logical_xor logical_not bitwise_and bitwise_or bitwise_xor invert left_shift right_shift
expand_dims where gather_flattened ds affine_range sequential_range static_range program_id num_programs
program_ndim device_print abs_max abs_min identity
""".split()

LANGUAGE_LEGACY = """
atomic_rmw arange mgrid par_dim loop_reduce all_reduce spmd_dim nc finfo
""".split()

LANGUAGE_CURRENT = """
dynamic_range fori_loop while_loop no_reorder is_psum is_sbuf is_hbm is_on_chip prelu bypass average range
""".split()

ISA_COMMON = """
nc_matmul nc_transpose activation activation_reduce tensor_reduce tensor_partition_reduce tensor_tensor
tensor_tensor_scan scalar_tensor_tensor tensor_scalar tensor_scalar_reduce tensor_copy tensor_copy_predicated
reciprocal iota dropout affine_select range_select select_reduce sequence_bounds memset bn_stats bn_aggr
local_gather dma_copy dma_transpose max8 nc_find_index8 nc_match_replace8 nc_stream_shuffle get_nc_version
""".split()

ISA_LEGACY = """
tensor_copy_dynamic_src tensor_copy_dynamic_dst builtin_custom_op _tiled_offloaded_memcpy _tiled_offloaded_fma
""".split()

ISA_CURRENT = """
dma_compute sendrecv core_barrier nc_matmul_mx tensor_scalar_cumulative activate2 nc_n_gather rng set_rng_seed
rand_set_state rand_get_state rand2 exponential quantize_mx nonzero_with_count topk register_alloc register_move
register_load register_store get_nc_sub_version
""".split()


def _enum(module: str, name: str, members: dict[str, int], base: type = enum.IntEnum) -> type:
    e = base(name, members, module=module, qualname=name)
    return e


def install_isa_constants(namespace: dict, module: str, current: bool) -> None:
    """Binds the ISA enums (``engine``, ``reduce_cmd``, ``nc_version``, ...) and engine aliases."""
    engines = {"unknown": 0, "tensor": 1, "vector": 2, "scalar": 3, "gpsimd": 4}
    if current:
        engines["dma"] = 5
    namespace["engine"] = _enum(module, "engine", engines)
    for e in ("tensor", "vector", "scalar", "gpsimd", "unknown"):
        namespace[f"{e}_engine"] = namespace["engine"][e]
    commands = {"idle": 0, "reset": 1, "reduce": 2, "reset_reduce": 3}
    if current:
        commands["load_reduce"] = 4
    namespace["reduce_cmd"] = _enum(module, "reduce_cmd", commands)
    dge = {"unknown": 0, "swdge": 1, "hwdge": 2, "none": 3} if current else {"none": 0, "swdge": 1, "hwdge": 2, "unknown": 3}
    namespace["dge_mode"] = _enum(module, "dge_mode", dge)
    namespace["oob_mode"] = _enum(module, "oob_mode", {"error": 0, "skip": 1})
    namespace["nc_version"] = _enum(module, "nc_version", {"gen2": 2, "gen3": 3, "gen4": 4})
    if current:
        namespace["matmul_perf_mode"] = _enum(module, "matmul_perf_mode", {"none": 0, "double_row": 1})
        namespace["dma_engine"] = _enum(module, "dma_engine", {"dma": 0, "gpsimd_dma": 1})


class TensorAnnotation(NkiName):
    """``nt.tensor``, ``nt.mutable_tensor``, ``nt.scalar``: type annotations, inert in CPython
    (Tessel reads them from the kernel's source)."""

    def __init__(self, module: str, name: str, key: Any = None):
        super().__init__(module, name)
        self._key = key

    def __getitem__(self, key: Any) -> "TensorAnnotation":
        return TensorAnnotation(self.__module__, self.__name__, key)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{self.__name__} is a type annotation for kernel parameters; it cannot be called")

    def __repr__(self) -> str:
        return self.__name__ if self._key is None else f"{self.__name__}[{self._key!r}]"


def install_typing(namespace: dict, module: str) -> None:
    """Binds the kernel-parameter annotations of ``nki.typing``."""
    for name in ("tensor", "mutable_tensor", "scalar", "mutable"):
        namespace[name] = TensorAnnotation(module, name)


def identity_decorator(name: str):
    """A compiler directive decorator (``@skip_middle_end_transformations``) that CPython ignores;
    Tessel reads it from the source."""

    def directive(func: Any = None, **options: Any) -> Any:
        if func is None:
            return lambda f: f
        return func

    directive.__name__ = directive.__qualname__ = name
    return directive


class Allocator(NkiName):
    """``ncc.sbuf`` / ``ncc.psum``: direct allocation, used inside kernels only."""

    def __init__(self, module: str, name: str):
        super().__init__(module, name)
        for method in ("alloc", "mod_alloc", "auto_alloc"):
            setattr(self, method, ApiFunction(module, f"{name}.{method}", "ncc"))

    def __repr__(self) -> str:
        return f"ncc.{self.__name__}"


class NKIObject:
    """``nl.NKIObject``: the base class of kernel configuration objects (current dialect)."""


def populate_language(namespace: dict, module: str, current: bool) -> None:
    """Fills a stub ``language`` module: operations, dtypes, buffers, ``tile_size``, host helpers."""
    names = LANGUAGE_COMMON + (LANGUAGE_CURRENT if current else LANGUAGE_LEGACY)
    install_functions(namespace, module, "nl", names)
    install_dtypes(namespace, module, CURRENT_OPAQUE_DTYPES if current else LEGACY_OPAQUE_DTYPES)
    install_buffers(namespace, module)
    namespace["tile_size"] = tile_size
    namespace["tensor"] = TensorAnnotation(module, "tensor")
    if current:
        namespace["NKIObject"] = NKIObject
    else:
        namespace["static_cast"] = static_cast


def populate_isa(namespace: dict, module: str, current: bool) -> None:
    """Fills a stub ``isa`` module: operations and constants."""
    install_functions(namespace, module, "nisa", ISA_COMMON + (ISA_CURRENT if current else ISA_LEGACY))
    install_isa_constants(namespace, module, current)


def sizeinbytes(dtype: Any) -> int:
    """The size of one element of ``dtype`` in bytes (``nl.constants.sizeinbytes``)."""
    if isinstance(dtype, NkiDtype):
        return 4 if dtype.__name__ in ("tfloat32", "float8_e4m3fn_x4", "float8_e5m2_x4", "float4_e2m1fn_x4") else 1
    return np.dtype(dtype).itemsize
