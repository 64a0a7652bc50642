"""Selecting and pooling a hooked module's output on its device."""

from __future__ import annotations

from typing import Any

import torch

from ..export.maps import map_weights, token_layout
from ..export.outputs import ArrayKind, Selector
from ..export.pooling import LayerPooling

_HALF = (torch.float16, torch.bfloat16)


TENSOR = ArrayKind(torch.Tensor, "Tensor", "a tensor", "last_hidden_state")


def select_tensor(layer: str, output: Any, selector: Selector | None) -> torch.Tensor:
    """The tensor to record from a module output (the output itself, or the element `selector` picks)."""
    return TENSOR.select(layer, output, selector)


def pool(value: torch.Tensor, plan: LayerPooling) -> torch.Tensor:
    """(N, units) from a module output; means of half-precision maps are computed in float32."""
    if not value.is_floating_point():
        value = value.float()
    mean_dtype = torch.float32 if value.dtype in _HALF else None
    name = plan.name
    if name == "none":
        return value
    if name == "spatial_mean":
        return value.mean(dim=(2, 3), dtype=mean_dtype)
    if name == "spatial_max":
        return value.amax(dim=(2, 3))
    if name == "token_mean":
        return value.mean(dim=1, dtype=mean_dtype)
    if name == "token_max":
        return value.amax(dim=1)
    if name == "token_first":
        return value[:, 0]
    fn = plan.function
    assert fn is not None
    return TENSOR.check_pooled(plan.layer, fn(value), value.shape[0])


def reduced_maps(value: torch.Tensor, plan: LayerPooling, map_size: int) -> torch.Tensor:
    """(N, units, h, w) float32: the maps of a conv map (N, C, H, W) or a token map (N, T, D, laid on its
    patch grid), each reduced to at most map_size x map_size cells by exact area weights (export/maps.py)."""
    if plan.kind == "tokens":
        skip, height, width = token_layout(value.shape[1])
        value = value[:, skip:].transpose(1, 2).reshape(value.shape[0], value.shape[2], height, width)
    value = value.float()
    weights = map_weights(value.shape[2], value.shape[3], map_size)
    if weights is None:
        return value
    rows, cols = (torch.tensor(w, device=value.device) for w in weights)
    with torch.autocast(value.device.type, enabled=False):  # float32, also in a forward under autocast
        return rows @ (value @ cols.T)  # (h', H) @ (N, C, H, W) @ (W, w')
