"""`FlaxAdapter`: what `deephys.flax.export` adds to the shared exporter (`deephys.export.exporter`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from flax import linen, nnx

from ..errors import ExportError
from ..export.exporter import FrameworkAdapter, Shard
from ..export.pooling import PoolingPlan
from ..export.readout import LinearHead
from . import data
from . import distributed as processes
from .capture import FlaxCapture, linen_forward, linen_probe, nnx_forward, nnx_probe
from .modules import linen_names, resolve_nnx_layers
from .readout import linen_linear_heads, nnx_linear_heads


class FlaxAdapter(FrameworkAdapter[FlaxCapture]):
    """A Flax NNX or Linen model, its recorded modules and its pure forward pass."""

    exporter = "deephys.flax"
    inputs = "images"

    def __init__(
        self,
        model: nnx.Module | linen.Module,
        layers: Sequence[str | nnx.Module],
        variables: Mapping[str, Any] | None,
        call_kwargs: Mapping[str, Any] | None,
    ):
        kwargs = dict(call_kwargs or {})
        if isinstance(model, nnx.Module):
            if variables is not None:
                raise ExportError("variables= is for Linen models; an NNX model holds its own variables")
            recorded = resolve_nnx_layers(model, layers)
            self.names = list(recorded)
            self.raw, self.state = nnx_forward(model, recorded, kwargs)
            self.probe = lambda inputs: nnx_probe(model, kwargs)(inputs)  # made only when needed
            self.heads = lambda name: nnx_linear_heads(model, name, recorded[name])
        elif isinstance(model, linen.Module):
            module, bound = linen_parts(model, variables)
            self.names = linen_names(layers)  # checked against the model at the first batch
            self.raw, self.state = linen_forward(module, bound, self.names, kwargs)
            self.probe = linen_probe(module, bound, kwargs)
            self.heads = lambda name: linen_linear_heads(bound, name)
        else:
            raise ExportError(f"model must be a Flax nnx.Module or linen.Module, not {type(model).__name__}")
        self.model = model

    def layer_name(self, layer: Any) -> str:
        if isinstance(layer, nnx.Module):
            return next(iter(resolve_nnx_layers(self.model, [layer])))
        return layer  # a name, checked against the recorded ones

    def shard(self, distributed: bool | None) -> Shard | None:
        return processes.process_and_count(distributed)

    def failed_ranks(self, failed: bool) -> list[int]:
        return processes.failed_processes(failed)

    def capture(self, pooling: PoolingPlan, relu: set[str], select: dict[str, Any]) -> FlaxCapture:
        return FlaxCapture(self.raw, self.state, self.names, pooling, relu, select, self.probe)

    def batches(self, value: Any, batch_size: int, shard: Shard | None) -> Iterable[Any]:
        return data.to_batches(value, batch_size)

    def display_batches(self, value: Any, batch_size: int, shard: Shard | None) -> Iterable[Any]:
        return data.display_batches(value, batch_size)

    def count_images(self, batches: Iterable[Any]) -> int | None:
        return data.count_images(batches)

    def first_batch(self, value: Any, batch_size: int, shard: Shard | None) -> Callable[[], Any] | None:
        return data.first_batch(value, batch_size)

    def linear_heads(self, classifier: str, classes: int) -> list[LinearHead] | str:
        return self.heads(classifier)

    def metadata(self) -> Mapping[str, str]:
        return {"flax_api": "nnx" if isinstance(self.model, nnx.Module) else "linen"}


def linen_parts(model: linen.Module, variables: Mapping[str, Any] | None) -> tuple[linen.Module, Mapping[str, Any]]:
    """The unbound module and its variables, from a bound module or a module and `variables=`."""
    if model.scope is not None:  # bound: module.bind(variables)
        if variables is not None:
            raise ExportError("the Linen model is bound to its variables already; do not pass variables= too")
        module, bound = model.unbind()
        return module, bound
    if variables is None:
        raise ExportError(
            "a Linen model needs its variables: export(model, ..., variables=variables) with the "
            "variables of model.init (e.g. {'params': ..., 'batch_stats': ...}), or pass model.bind(variables)"
        )
    if not isinstance(variables, Mapping):
        raise ExportError(f"variables= must be a mapping such as {{'params': ...}}, not {type(variables).__name__}")
    return model, variables
