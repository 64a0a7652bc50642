"""Pooling of feature maps to one value per unit, by name, framework-neutral.

Users choose per layer (or for all layers) among:

- conv maps, (N, C, H, W) in PyTorch or (N, H, W, C) in Flax: "mean" (default) or "max" over H and W;
- token maps (N, T, D): "mean" (default) or "first" (the CLS token) or "max" over T;
- vectors (N, D): recorded as they are.

The file records what was done (`deephys.Layer(pooling=...)`): "spatial_mean", "spatial_max",
"token_mean", "token_first", "token_max" or "none". A callable chosen by the user is "custom".
`PoolingPlan` decides per layer at the first batch and checks later batches against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..errors import ExportError

MapKind = Literal["vector", "conv", "tokens"]
PoolingChoice = str | Callable[[Any], Any]
CONV_POOLINGS = {"mean": "spatial_mean", "max": "spatial_max"}
TOKEN_POOLINGS = {"mean": "token_mean", "first": "token_first", "max": "token_max"}
_KIND_OF_RANK: dict[int, MapKind] = {2: "vector", 3: "tokens", 4: "conv"}


def map_kind(shape: tuple[int, ...], layer: str) -> MapKind:
    """What a layer output of `shape` (batch first) is; error for ranks other than 2, 3 and 4."""
    kind = _KIND_OF_RANK.get(len(shape))
    if kind is None:
        raise ExportError(
            f"layer {layer!r} outputs shape {tuple(shape)}; deephys records vectors (N, D), token maps "
            "(N, T, D) and conv maps (N, C, H, W). Pass pooling={" + repr(layer) + ": fn} with a function "
            "that maps the output to (N, units)"
        )
    return kind


def file_pooling(kind: MapKind, choice: str, layer: str) -> str:
    """The name the file records for pooling `kind` maps with the user's `choice`."""
    if kind == "vector":
        return "none"
    table = CONV_POOLINGS if kind == "conv" else TOKEN_POOLINGS
    if choice not in table:
        what = "conv maps" if kind == "conv" else "token maps"
        raise ExportError(
            f"layer {layer!r}: pooling {choice!r} does not apply to {what}; choose one of {', '.join(map(repr, table))}"
        )
    return table[choice]


@dataclass
class LayerPooling:
    """How one layer is reduced: the kind of its output, the user's choice and the file's name for it."""

    layer: str
    kind: MapKind | Literal["custom"]
    choice: PoolingChoice
    name: str  # file pooling name

    @property
    def function(self) -> Callable[[Any], Any] | None:
        return self.choice if callable(self.choice) else None


@dataclass
class PoolingPlan:
    """Per-layer pooling, fixed at the first batch and enforced afterwards.

    `choice` is one name for every layer or a mapping layer -> name or callable (missing layers: "mean").
    """

    choice: PoolingChoice | Mapping[str, PoolingChoice] = "mean"
    layers: dict[str, LayerPooling] = field(default_factory=dict)

    def for_layer(self, layer: str, shape: tuple[int, ...]) -> LayerPooling:
        """The pooling of `layer` for an output of `shape`; raises if the output's rank changed."""
        wanted = self.choice.get(layer, "mean") if isinstance(self.choice, Mapping) else self.choice
        known = self.layers.get(layer)
        if known is not None:
            if known.kind != "custom" and map_kind(shape, layer) != known.kind:
                raise ExportError(
                    f"layer {layer!r} output changed from a {known.kind} map to shape {tuple(shape)} "
                    "between batches; a recorded layer must keep its rank (or pass pooling={" + repr(layer) + ": fn} "
                    "with a function that maps every output to (N, units))"
                )
            return known
        if callable(wanted):
            plan = LayerPooling(layer, "custom", wanted, "custom")
        else:
            kind = map_kind(shape, layer)
            plan = LayerPooling(layer, kind, wanted, file_pooling(kind, str(wanted), layer))
        self.layers[layer] = plan
        return plan

    def check_choices(self, layers: list[str]) -> None:
        """Reject a mapping naming layers that are not recorded (a likely typo)."""
        if isinstance(self.choice, Mapping):
            extra = [name for name in self.choice if name not in layers]
            if extra:
                raise ExportError(f"pooling= names {', '.join(map(repr, extra))}, which are not in layers={layers}")
        elif not callable(self.choice) and self.choice not in {*CONV_POOLINGS, *TOKEN_POOLINGS}:
            raise ExportError(
                f"unknown pooling {self.choice!r} in pooling=; choose 'mean', 'max' or 'first', a function "
                "(N, ...) -> (N, units), or a mapping layer -> one of these"
            )


def spatial_axes(channels_last: bool) -> tuple[int, int]:
    return (1, 2) if channels_last else (2, 3)


def pool_numpy(x: np.ndarray, name: str, channels_last: bool = False) -> np.ndarray:
    """Reference implementation of the file's pooling names on NumPy (and NumPy-like) arrays."""
    if name == "none":
        return x
    if name in ("spatial_mean", "spatial_max"):
        axes = spatial_axes(channels_last)
        return x.mean(axis=axes) if name == "spatial_mean" else x.max(axis=axes)
    if name == "token_mean":
        return x.mean(axis=1)
    if name == "token_max":
        return x.max(axis=1)
    if name == "token_first":
        return x[:, 0]
    known = ", ".join(map(repr, ["none", *CONV_POOLINGS.values(), *TOKEN_POOLINGS.values()]))
    raise ExportError(
        f"pool_numpy(x, {name!r}): {name!r} is not a pooling name of the file format; give one of {known} "
        "(the names deephys.Layer(pooling=...) records, not the exporters' 'mean'/'max'/'first')"
    )


def describe(plan: LayerPooling) -> str:
    """Free-text pooling description for `deephys.Layer(pooling_description=...)`."""
    if plan.kind == "custom":
        fn = plan.choice
        return f"custom: {getattr(fn, '__qualname__', getattr(fn, '__name__', repr(fn)))}"
    return ""
