"""Selecting and pooling a hooked module's output on its device."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from ..export.errors import ExportError
from ..export.pooling import LayerPooling

Selector = int | str | Callable[[Any], Any]
_HALF = (torch.float16, torch.bfloat16)


def describe_output(value: Any, depth: int = 0) -> str:
    """Short description of a module output, e.g. "tuple (Tensor[8, 17, 32], None)"."""
    if isinstance(value, torch.Tensor):
        return f"Tensor{list(value.shape)}"
    if depth > 1:
        return type(value).__name__
    if isinstance(value, (tuple, list)):
        inner = ", ".join(describe_output(v, depth + 1) for v in list(value)[:4])
        return f"{type(value).__name__} ({inner}{', ...' if len(value) > 4 else ''})"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k!r}: {describe_output(v, depth + 1)}" for k, v in list(value.items())[:4])
        return f"{type(value).__name__} {{{inner}}}"
    return type(value).__name__


def select_tensor(layer: str, output: Any, selector: Selector | None) -> torch.Tensor:
    """The tensor to record from a module output (the output itself, or the element `selector` picks)."""
    if selector is None:
        if isinstance(output, torch.Tensor):
            return output
        example = "0" if isinstance(output, (tuple, list)) else "'last_hidden_state'" if isinstance(
            output, Mapping) else "lambda out: out.logits"
        raise ExportError(
            f"layer {layer!r} returned a {describe_output(output)}, not a tensor. Pick what to record with "
            f"select={{{layer!r}: {example}}} (an index, a key, or a function of the output)"
        )
    if isinstance(output, torch.Tensor) and not callable(selector):
        return output  # an index or key picks from tuples and dicts; indexing a tensor would pick images
    try:
        value = selector(output) if callable(selector) else output[selector]
    except (IndexError, KeyError, TypeError) as exc:
        raise ExportError(
            f"layer {layer!r}: select={selector!r} does not apply to its output, a {describe_output(output)} "
            f"({type(exc).__name__}: {exc})"
        ) from None
    if not isinstance(value, torch.Tensor):
        raise ExportError(
            f"layer {layer!r}: select={selector!r} picked a {describe_output(value)}, not a tensor"
        )
    return value


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
    pooled = fn(value)
    if not isinstance(pooled, torch.Tensor) or pooled.ndim != 2 or pooled.shape[0] != value.shape[0]:
        shape = list(pooled.shape) if isinstance(pooled, torch.Tensor) else type(pooled).__name__
        raise ExportError(
            f"layer {plan.layer!r}: the pooling function returned {shape}; it must return a tensor of shape "
            f"(N, units) = ({value.shape[0]}, ...)"
        )
    return pooled
