"""The one body of `deephys.torch.export` and `deephys.flax.export`: `export_model(adapter, settings)`.

Each framework's `export()` keeps its own signature and docstring (users read them per framework) and
does two things: it builds its `FrameworkAdapter` from the arguments only that framework has (the model,
`layers=`, PyTorch's `device=`, Flax's `variables=`...), which checks the model and resolves the layer
names in the framework's terms; and it hands every other argument, the same in every framework, to
`export_model` as `ExportSettings`:

    def export(model, datasets, layers, classes=None, path="run.deephys", *, device=None, ...):
        return export_model(TorchAdapter(model, layers, device, ...), ExportSettings.of(locals()))

`export_model` checks the shared arguments (classifier, pooling, relu, select), chooses between one file
and one shard per rank (`write_shards`), turns the datasets into `DatasetSource`s, makes the thumbnailer,
the writer options and the file's metadata, and runs `run_export` inside the adapter's `running`
context. A new shared argument goes into `ExportSettings`, its checks into `ModelExport` (or, for those
that need the first batch, into `run_export`'s first-batch step, fed by `ExportOptions`), once for every
framework.
"""

from __future__ import annotations

import contextlib
import math
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..errors import ExportError
from ..format.maps import DEFAULT_MAP_IMAGES, DEFAULT_MAP_SIZE, MAX_MAP_CELLS
from ..interrupts import sigterm_as_interrupt
from .capture import Capture
from .classes import ClassSources, dataset_classes, export_metadata, label_maps, model_classes
from .loop import ExportOptions, run_export
from .options import per_layer, relu_layers
from .pooling import PoolingPlan
from .readout import LinearHead
from .result import ExportResult
from .sharding import write_shards
from .sources import DatasetSource, make_sources
from .thumbnails import Thumbnailer

C = TypeVar("C", bound=Capture)
Shard = tuple[int, int]  # (rank, world size)


@dataclass(frozen=True)
class ExportSettings:
    """The arguments of `export()` that mean the same in every framework (see its docstrings), with the
    same defaults (tests/export/test_exporter.py checks that each framework's signature agrees)."""

    datasets: Mapping[str, Any]
    classes: Sequence[str] | None = None
    path: str | os.PathLike[str] = "run.deephys"
    classifier: Any = None  # a name, or a module of the framework
    label_map: Any = None  # one map for every dataset, or dataset name -> map (see classes.label_maps)
    restrict_predictions: bool = False
    roles: Mapping[str, str] | Sequence[str] | None = None
    pooling: Any = "mean"  # a name, a framework function, or a mapping layer -> either
    relu: bool | Sequence[str] = False
    select: Any = None
    thumbnails: bool | Callable[[Any], Any] = True
    thumbnail_size: int = 64
    mean: Sequence[float] | None = None
    std: Sequence[float] | None = None
    display: Mapping[str, Any] | None = None
    batch_size: int = 128
    activation_dtype: str | Mapping[str, str] | None = None
    spatial_maps: bool = True
    map_size: int = DEFAULT_MAP_SIZE
    map_images: int = DEFAULT_MAP_IMAGES
    model_name: str | None = None
    distributed: bool | None = None
    merge: bool = False
    progress: bool = True
    writer_options: Mapping[str, Any] | None = None

    @classmethod
    def of(cls, arguments: Mapping[str, Any]) -> ExportSettings:
        """The settings among `arguments` (an `export()`'s `locals()`), picked by name."""
        return cls(**{field.name: arguments[field.name] for field in fields(cls)})


class FrameworkAdapter(ABC, Generic[C]):
    """What one framework does for `export_model`; made by its `export()` from the model and `layers=`.

    The constructor checks the model and resolves `layers=` into `names` (the recorded layers, in order).
    """

    exporter: str  # the file's metadata "exporter", e.g. "deephys.torch"
    inputs: str = "inputs"  # what a `thumbnails=` function takes, in its error message
    model: Any
    names: list[str]

    @abstractmethod
    def layer_name(self, layer: Any) -> str:
        """The name of a single layer argument (`classifier=`): a name or a module of the model."""

    @abstractmethod
    def shard(self, distributed: bool | None) -> Shard | None:
        """(rank, world size) when this export writes one shard per rank (see `distributed=`), else None."""

    @abstractmethod
    def failed_ranks(self, failed: bool) -> list[int]:
        """Collective: this rank's failure flag in, the ranks that failed out (see `write_shards`)."""

    @abstractmethod
    def capture(self, pooling: PoolingPlan, relu: set[str], select: dict[str, Any]) -> C:
        """The `Capture` recording `names` with these per-layer options."""

    @abstractmethod
    def batches(self, value: Any, batch_size: int, shard: Shard | None) -> Iterable[Any]:
        """The `(inputs, labels)` batches of one dataset given by the user (this rank's share)."""

    def display_batches(self, value: Any, batch_size: int, shard: Shard | None) -> Iterable[Any]:
        """The batches of one `display=` dataset."""
        return self.batches(value, batch_size, shard)

    @abstractmethod
    def count_images(self, batches: Iterable[Any]) -> int | None:
        """How many images `batches` holds, when that is known without reading them."""

    def first_batch(self, value: Any, batch_size: int, shard: Shard | None) -> Callable[[], Any] | None:
        """For a share of a dataset: the whole dataset's first batch (see `DatasetSource.first_batch`)."""
        return None

    def classes_of(self, value: Any) -> Sequence[str] | None:
        """Class names a dataset carries (torchvision's `.classes`): its labels are checked against the
        classifier's width with them, and the first dataset's name the file's classes if they fit it."""
        return dataset_classes(value)

    def writer_defaults(self, capture: C) -> Mapping[str, Any]:
        """`deephys.Writer` options that suit the framework, unless the user gives them."""
        return {}

    def linear_heads(self, classifier: str, classes: int) -> Sequence[LinearHead] | str | None:
        """The linear modules that may compute the logits of the recorded layer `classifier` (`classes` wide),
        last first: the layer itself if it is one, else those it holds; a sentence saying why there are none;
        or None where the framework cannot tell (no readout is stored, silently). The first batch checks
        them (readout.py) and the file stores the one that gives the logits as its readout."""
        return None

    def metadata(self) -> Mapping[str, str]:
        """More of the file's metadata, after "exporter"."""
        return {}

    def running(self, capture: C) -> AbstractContextManager[object]:
        """The context the export runs in (e.g. eval mode and hooks)."""
        return contextlib.nullcontext()

    def alive(self) -> AbstractContextManager[object]:
        """For a sharded export: the context this rank writes and merges in, telling the other ranks that
        it is alive (see `failed_ranks`, which must not wait forever for a rank that was killed)."""
        return contextlib.nullcontext()


def export_model(adapter: FrameworkAdapter[C], settings: ExportSettings) -> ExportResult:
    """Export `adapter.model` as `settings` say: one file, or one shard per rank (merged with `merge=True`)."""
    return ModelExport(adapter, settings).run()


class ModelExport(Generic[C]):
    """One call of an `export()`: the shared arguments are checked on construction, before any data is read."""

    def __init__(self, adapter: FrameworkAdapter[C], settings: ExportSettings):
        names = adapter.names
        self.adapter, self.settings = adapter, settings
        self.classifier = classifier_name(adapter, settings.classifier, names)
        self.pooling = PoolingPlan(settings.pooling)
        self.pooling.check_choices(names)
        self.relu = relu_layers(settings.relu, names, self.classifier)
        self.select = per_layer(settings.select, names, "select")
        datasets = list(settings.datasets) if isinstance(settings.datasets, Mapping) else []
        self.label_maps = label_maps(settings.label_map, datasets)
        if settings.restrict_predictions and not self.label_maps:
            raise ExportError(
                "restrict_predictions=True predicts a dataset among the model classes its label_map= reaches, but "
                "no label_map= was given; map the datasets whose classes are a subset of the model's (e.g. "
                "label_map={'ImageNet-R': [...]}), or drop restrict_predictions"
            )
        self.shard = adapter.shard(settings.distributed)
        check_maps(settings)

    def run(self) -> ExportResult:
        """The export; SIGTERM aborts it like Ctrl-C (in the main thread, after any earlier handler)."""
        with sigterm_as_interrupt():
            if self.shard is None:
                return self.write(Path(self.settings.path))
            merge, failed_ranks = self.settings.merge, self.adapter.failed_ranks
            with self.adapter.alive():
                return write_shards(self.settings.path, *self.shard, self.write, merge=merge, failed_ranks=failed_ranks)

    def write(self, path: Path) -> ExportResult:
        """Record every dataset into `path` (the file, or this rank's shard)."""
        settings, shard = self.settings, self.shard
        sources = make_sources(
            settings.datasets,
            roles=settings.roles,
            display=settings.display,
            batches_of=lambda value: self.adapter.batches(value, settings.batch_size, shard),
            display_of=lambda value: self.adapter.display_batches(value, settings.batch_size, shard),
        )
        capture = self.adapter.capture(self.pooling, self.relu, self.select)
        sources = self.prepared(sources, capture)
        thumbnailer = self.thumbnailer(capture)
        options = self.options(capture)
        if settings.spatial_maps:
            capture.map_size = int(options.writer_options.get("map_size", DEFAULT_MAP_SIZE))
        with self.adapter.running(capture):
            return run_export(path, sources, capture, thumbnailer, options)

    def prepared(self, sources: list[DatasetSource], capture: C) -> list[DatasetSource]:
        """The sources with their sizes, the capture's prefetching and (for a share) the first batch."""
        adapter, settings = self.adapter, self.settings
        return [
            replace(
                source,
                total=adapter.count_images(source.batches),
                batches=capture.prefetch(source.batches),
                first_batch=adapter.first_batch(value, settings.batch_size, self.shard),  # for an empty share
                label_map=self.label_maps.get(source.name),
            )
            for source, value in zip(sources, settings.datasets.values(), strict=True)
        ]

    def thumbnailer(self, capture: C) -> Thumbnailer | None:
        thumbnails = self.settings.thumbnails
        if thumbnails is False or thumbnails is None:
            return None
        fn = None if thumbnails is True else thumbnails
        if fn is not None and not callable(fn):
            raise ExportError(
                f"thumbnails= takes True, False or a function {self.adapter.inputs} -> images, not {thumbnails!r}"
            )
        settings = self.settings
        return Thumbnailer(
            capture.to_numpy,
            layout=capture.layout,
            size=settings.thumbnail_size,
            mean=settings.mean,
            std=settings.std,
            fn=fn,
            fast_path=capture.thumbnails,
        )

    def options(self, capture: C) -> ExportOptions:
        adapter, settings, shard = self.adapter, self.settings, self.shard
        return ExportOptions(
            model_name=settings.model_name or type(adapter.model).__name__,
            classifier=self.classifier,
            classifier_given=settings.classifier is not None,
            classes=settings.classes,
            class_sources=ClassSources(
                given=settings.classes,
                model=model_classes(adapter.model),
                datasets={name: adapter.classes_of(value) for name, value in settings.datasets.items()},
            ),
            restrict_predictions=settings.restrict_predictions,
            writer_options=self.writer_options(capture),
            metadata={
                "exporter": adapter.exporter,
                **adapter.metadata(),
                **export_metadata(self.label_maps, settings.restrict_predictions),
                **({"shard": f"{shard[0]}/{shard[1]}"} if shard else {}),
            },
            progress=settings.progress and (shard is None or shard[0] == 0),
            linear_heads=adapter.linear_heads,
        )

    def writer_options(self, capture: C) -> dict[str, Any]:
        options = dict(self.settings.writer_options or {})
        if self.settings.activation_dtype:
            options["activation_dtype"] = self.settings.activation_dtype
        options.setdefault("map_size", self.settings.map_size)
        options.setdefault("map_images", self.settings.map_images)
        for key, value in self.adapter.writer_defaults(capture).items():
            options.setdefault(key, value)
        return options


def check_maps(settings: ExportSettings) -> None:
    """`spatial_maps=`, `map_size=` and `map_images=` within what the format keeps."""
    if not isinstance(settings.spatial_maps, bool):
        raise ExportError(f"spatial_maps= takes True or False, not {settings.spatial_maps!r}")
    largest = math.isqrt(MAX_MAP_CELLS)
    size, images = settings.map_size, settings.map_images
    if not (isinstance(size, int) and 1 <= size <= largest):
        raise ExportError(
            f"map_size={size!r}: the maps' grid is at most {largest} cells a side; give an int in 1..{largest} "
            f"(default {DEFAULT_MAP_SIZE}), or spatial_maps=False for none"
        )
    if not (isinstance(images, int) and images >= 1):
        raise ExportError(
            f"map_images={images!r}: give how many top images of each unit keep their maps, an int >= 1 "
            f"(default {DEFAULT_MAP_IMAGES}, at most the writer's top_k), or spatial_maps=False for none"
        )


def classifier_name(adapter: FrameworkAdapter[Any], classifier: Any, names: list[str]) -> str:
    """The classifier layer: `classifier=` (a name or module) if given, which must be recorded, else the last."""
    if classifier is None:
        return names[-1]
    name = adapter.layer_name(classifier)
    if name not in names:
        raise ExportError(f"classifier={name!r} is not one of the recorded layers {names}; add it to layers=")
    return name
