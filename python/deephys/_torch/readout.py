"""The `nn.Linear` modules that may compute a PyTorch model's logits, for the file's readout (export/readout.py)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..export.readout import ROUNDING_UNIT, LinearHead
from .modules import OUTPUT_NAME

_UNITS = {torch.float16: "float16", torch.bfloat16: "bfloat16", torch.float64: "float64"}


def linear_heads(name: str, module: nn.Module, autocast: torch.dtype | None) -> list[LinearHead] | str:
    """The classifier layer `name` (the recorded `module`) if it is an `nn.Linear`, else the `nn.Linear`s it
    holds, last first; or why there is none."""
    if isinstance(module, nn.Linear):
        found = [(name, module)]
    else:
        found = [
            (sub if name == OUTPUT_NAME else f"{name}.{sub}", child)
            for sub, child in module.named_modules()
            if sub and isinstance(child, nn.Linear)
        ][::-1]
        if not found:
            return f"the classifier {name!r} is a {type(module).__name__}, which is not an nn.Linear and holds none"
    return [_head(label, linear, autocast) for label, linear in found]


def _head(name: str, linear: nn.Linear, autocast: torch.dtype | None) -> LinearHead:
    weight = linear.weight.detach()
    bias = linear.bias.detach() if linear.bias is not None else torch.zeros(weight.shape[0], dtype=weight.dtype)
    if autocast is not None:
        unit = ROUNDING_UNIT[_UNITS.get(autocast, "float32")]
    elif weight.dtype in _UNITS:
        unit = ROUNDING_UNIT[_UNITS[weight.dtype]]
    elif weight.device.type == "cuda" and torch.backends.cuda.matmul.allow_tf32:
        unit = ROUNDING_UNIT["tf32"]
    else:
        unit = ROUNDING_UNIT["float32"]
    return LinearHead(f"{name!r} (nn.Linear)", _host(weight), _host(bias), unit)


def _host(tensor: torch.Tensor) -> np.ndarray:
    tensor = tensor.to("cpu")
    return (tensor.double() if tensor.dtype == torch.float64 else tensor.float()).numpy()
