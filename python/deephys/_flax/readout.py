"""The linear modules that may compute a Flax model's logits (NNX `nnx.Linear`, Linen `Dense`), for the file's
readout (export/readout.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax
import numpy as np
from flax import nnx

from ..export.readout import ROUNDING_UNIT, LinearHead
from .capture import variable_value
from .modules import OUTPUT_NAME, Path, dotted, iter_modules

#: The precision of float32 matrix products by default, per JAX backend: TF32 on GPUs, bfloat16 passes on TPUs.
_BACKEND_UNITS = {"cpu": "float32", "gpu": "tf32", "cuda": "tf32", "rocm": "tf32", "tpu": "bfloat16"}


def nnx_linear_heads(model: nnx.Module, name: str, path: Path) -> list[LinearHead] | str:
    """The classifier layer `name` (at `path` in `model`) if it is an `nnx.Linear`, else the `nnx.Linear`s it
    holds, last first; or why there is none."""
    module = dict((tuple(p), m) for p, m in iter_modules(model))[tuple(path)]
    if isinstance(module, nnx.Linear):
        found = [(name, module)]
    else:
        found = [
            (dotted(sub) if name == OUTPUT_NAME else f"{name}.{dotted(sub)}", child)
            for sub, child in iter_modules(module)
            if sub and isinstance(child, nnx.Linear)
        ][::-1]
        if not found:
            return f"the classifier {name!r} is a {type(module).__name__}, which is not an nnx.Linear and holds none"
    heads = []
    for label, linear in found:
        kernel = np.asarray(variable_value(linear.kernel))
        bias = np.asarray(variable_value(linear.bias)) if linear.bias is not None else np.zeros(kernel.shape[1])
        dtypes = [kernel.dtype, getattr(linear, "dtype", None) or kernel.dtype]
        heads.append(LinearHead(f"{label!r} (nnx.Linear)", _host(kernel.T), _host(bias), _unit(dtypes)))
    return heads


def linen_linear_heads(variables: Mapping[str, Any], name: str) -> list[LinearHead] | str:
    """The Linen classifier layer `name` if its parameters are a `Dense`'s (a 2-D `kernel`, maybe a `bias`),
    else the `Dense`s inside it, last first; or why there is none."""
    node: Any = variables.get("params", {})
    for part in [] if name == OUTPUT_NAME else name.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping):
        return f"the classifier {name!r} has no parameters, so it is not a Dense layer"
    found = _dense(node, name if name != OUTPUT_NAME else "")[::-1]
    if not found:
        return f"the classifier {name!r} is not a Dense layer (no 2-D 'kernel' parameter) and holds none"
    heads = []
    for label, params in found:
        kernel = np.asarray(jax.device_get(params["kernel"]))
        bias = np.asarray(jax.device_get(params["bias"])) if "bias" in params else np.zeros(kernel.shape[1])
        heads.append(LinearHead(f"{label!r} (Dense)", _host(kernel.T), _host(bias), _unit([kernel.dtype])))
    return heads


def _dense(node: Mapping[str, Any], prefix: str) -> list[tuple[str, Mapping[str, Any]]]:
    """(path, parameters) of every Dense-like module at or under `node`, in the parameters' order."""
    kernel = node.get("kernel")
    if kernel is not None and np.ndim(kernel) == 2:
        return [(prefix, node)]
    found = []
    for key, value in node.items():
        if isinstance(value, Mapping):
            found.extend(_dense(value, f"{prefix}.{key}" if prefix else str(key)))
    return found


def _unit(dtypes: list[Any]) -> float:
    """The rounding unit of a product computed on the default backend in the narrowest of `dtypes`."""
    names = [_BACKEND_UNITS.get(jax.default_backend(), "float32"), *(np.dtype(d).name for d in dtypes)]
    return max(ROUNDING_UNIT.get(name, ROUNDING_UNIT["float32"]) for name in names)


def _host(array: np.ndarray) -> np.ndarray:
    return np.asarray(array, np.float64 if array.dtype == np.float64 else np.float32)
