"""Activation dtypes: NumPy <-> file, including bfloat16 (no native NumPy dtype)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import UsageError, WrongTypeError

NAMES = ("float32", "float16", "bfloat16", "float64")

_TO_PROTO: dict[str, pb.DType] = {
    "float32": pb.DTYPE_FLOAT32,
    "float16": pb.DTYPE_FLOAT16,
    "bfloat16": pb.DTYPE_BFLOAT16,
    "float64": pb.DTYPE_FLOAT64,
}
_FROM_PROTO: dict[int, str] = {int(v): k for k, v in _TO_PROTO.items()}
ITEMSIZE = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}
_STORAGE = {"float32": "<f4", "float16": "<f2", "bfloat16": "<u2", "float64": "<f8"}


def to_proto(name: str) -> pb.DType:
    return _TO_PROTO[name]


def from_proto(value: int) -> str | None:
    return _FROM_PROTO.get(value)


def name_of(array: np.ndarray) -> str:
    """The file dtype that stores `array` exactly (ml_dtypes/JAX bfloat16 included)."""
    if array.dtype.name == "bfloat16":
        return "bfloat16"
    if array.dtype in (np.float16, np.float32, np.float64):
        return array.dtype.name
    if np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        return "float32"
    raise WrongTypeError(f"activations of dtype {array.dtype} are not supported; use a float dtype")


def check_name(name: str) -> str:
    if name not in _TO_PROTO:
        raise UsageError(f"unknown activation dtype {name!r}; choose one of {', '.join(NAMES)}")
    return name


RANGE = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": 3.4028234663852886e38}
"""The largest finite value of each narrow file dtype: beyond it a value is stored as inf."""


def store(array: np.ndarray, name: str) -> np.ndarray:
    """`array` as file dtype `name` holds it, rounding to nearest even: a little-endian
    float16/float32/float64 array, or the uint16 bit patterns of bfloat16.

    Values beyond the range of `name` become inf, silently (the writer counts and reports them).
    The result is `array` itself (no copy) when it already has that dtype and is C-contiguous.
    """
    if name == "bfloat16" and array.dtype.name == "bfloat16":
        return np.ascontiguousarray(array).view("<u2")
    with np.errstate(over="ignore"):
        if name == "bfloat16":
            return float32_to_bfloat16_bits(np.asarray(array, np.float32))
        return np.ascontiguousarray(array, dtype=_STORAGE[name])


def choose(choice: str | Mapping[str, str] | None, layer: str, sample: np.ndarray) -> str:
    """The file dtype of `layer`: the one chosen for it (one for all, or a mapping per layer), else `sample`'s."""
    if isinstance(choice, Mapping):
        choice = choice.get(layer)
    return check_name(choice) if choice else name_of(sample)


def exact(stored: np.ndarray, name: str) -> np.ndarray:
    """The values of `stored` (from `store`) as float32, or float64 for float64: exact, for summaries."""
    if name == "float16":
        return np.take(_float16_table(), stored.view(np.uint16))
    if name == "bfloat16":
        return bfloat16_bits_to_float32(stored)
    return stored


def encode(array: np.ndarray, name: str) -> bytes:
    """Little-endian bytes of `array` in file dtype `name` (rounding to nearest even)."""
    return store(array, name).tobytes()


def decode(data: bytes | memoryview, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """Values of file dtype `name`; bfloat16 is widened to float32 (exactly)."""
    raw = np.frombuffer(data, dtype=_STORAGE[name])
    if name == "bfloat16":
        raw = bfloat16_bits_to_float32(raw)
    return raw.reshape(shape)


def float32_to_bfloat16_bits(values: np.ndarray) -> np.ndarray:
    bits = np.ascontiguousarray(values, np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    nan = np.isnan(values)
    out = rounded.astype(np.uint16)
    out[nan] = ((bits[nan] >> 16) | 0x40).astype(np.uint16)  # keep NaN a (quiet) NaN
    return out.astype("<u2")


def bfloat16_bits_to_float32(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


_FLOAT16_TABLE: np.ndarray | None = None


def _float16_table() -> np.ndarray:
    """float32 value of each of the 65,536 float16 bit patterns: a lookup is several times faster than a cast."""
    global _FLOAT16_TABLE
    if _FLOAT16_TABLE is None:
        _FLOAT16_TABLE = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
    return _FLOAT16_TABLE
