"""`TorchAdapter`: what `deephys.torch.export` adds to the shared exporter (`deephys.export.exporter`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import torch
from torch import nn

from ..errors import ExportError
from ..export.exporter import FrameworkAdapter, Shard
from ..export.pooling import PoolingPlan
from ..export.readout import LinearHead
from . import data
from . import distributed as ranks
from .capture import TorchCapture, eval_mode, model_device
from .modules import resolve_layers
from .readout import linear_heads


class TorchAdapter(FrameworkAdapter[TorchCapture]):
    """A PyTorch model, its recorded modules, and where and how it runs."""

    exporter = "deephys.torch"

    def __init__(
        self,
        model: nn.Module,
        layers: Sequence[str | nn.Module],
        device: str | torch.device | None,
        autocast: torch.dtype | None,
        num_workers: int,
    ):
        if not isinstance(model, nn.Module):
            raise ExportError(f"model must be a torch.nn.Module, not {type(model).__name__}")
        self.model, self.modules = model, resolve_layers(model, layers)
        self.names = list(self.modules)
        self.device, self.autocast, self.num_workers = device, autocast, num_workers

    def layer_name(self, layer: Any) -> str:
        return next(iter(resolve_layers(self.model, [layer])))

    def shard(self, distributed: bool | None) -> Shard | None:
        return ranks.rank_and_world(distributed)

    def failed_ranks(self, failed: bool) -> list[int]:
        return ranks.failed_ranks(failed)

    def alive(self) -> contextlib.AbstractContextManager[object]:
        return ranks.alive()

    def capture(self, pooling: PoolingPlan, relu: set[str], select: dict[str, Any]) -> TorchCapture:
        device = torch.device(self.device) if self.device is not None else model_device(self.model)
        return TorchCapture(self.model, self.modules, pooling, relu, select, device, self.autocast)

    def batches(self, value: Any, batch_size: int, shard: Shard | None) -> Iterable[Any]:
        return data.to_batches(value, batch_size, self.num_workers, shard)

    def count_images(self, batches: Iterable[Any]) -> int | None:
        return data.count_images(batches)

    def first_batch(self, value: Any, batch_size: int, shard: Shard | None) -> Callable[[], Any] | None:
        return data.first_batch(value) if shard else None

    def writer_defaults(self, capture: TorchCapture) -> Mapping[str, Any]:
        # PyTorch already keeps every core busy: one encoding thread (thousands of thumbnails a second)
        # keeps up with CPU inference, and more would only preempt PyTorch's threads.
        return {"encode_threads": 1} if capture.device.type == "cpu" else {}

    def linear_heads(self, classifier: str, classes: int) -> list[LinearHead] | str:
        return linear_heads(classifier, self.modules[classifier], self.autocast)

    @contextlib.contextmanager
    def running(self, capture: TorchCapture) -> Iterator[None]:
        with eval_mode(self.model), capture:
            yield
