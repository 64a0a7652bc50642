"""Per-layer options shared by the exporters: which layers get ReLU, per-layer values such as `select=`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from ..errors import ExportError

T = TypeVar("T")


def relu_layers(relu: bool | str | Sequence[str], layers: Sequence[str], classifier: str) -> set[str]:
    """Layers to pass through ReLU: True means every recorded layer except the classifier."""
    if isinstance(relu, bool):
        return {name for name in layers if name != classifier} if relu else set()
    chosen = [relu] if isinstance(relu, str) else list(relu)
    unknown = [name for name in chosen if name not in layers]
    if unknown:
        raise ExportError(f"relu= names {', '.join(map(repr, unknown))}, which are not in layers={list(layers)}")
    return set(chosen)


def per_layer(value: T | Mapping[str, T] | None, layers: Sequence[str], option: str) -> dict[str, T]:
    """`option=` given for every layer (one value) or per layer (a mapping whose names must be recorded)."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        unknown = [name for name in value if name not in layers]
        if unknown:
            raise ExportError(
                f"{option}= names {', '.join(map(repr, unknown))}, which are not in layers={list(layers)}"
            )
        return dict(value)
    return {name: value for name in layers}
