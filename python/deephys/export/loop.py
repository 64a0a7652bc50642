"""The export loop: batches -> `Capture` -> `deephys.Writer` dataset streams, one progress bar per dataset.

Framework-neutral: the framework adapter supplies a `Capture` (see capture.py). The writer is created at
the first batch, once the layers' widths are known. Image encoding runs in the writer's thread pool, so
it overlaps the next forward pass.
"""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..errors import ExportError, Terminated
from ..format import dtypes as file_dtypes
from ..format.dataset_writer import DatasetWriter
from ..format.maps import SparseMaps
from ..format.readout import Readout
from ..format.writer import Writer
from ..model import Layer, Model, Producer
from .capture import Capture
from .classes import ClassSources, check_classifier
from .errors import NonFiniteActivationWarning, NoReadoutWarning, check_labels, check_units
from .interrupt import handle_interrupt, handle_termination
from .maps import MapCandidates
from .readout import ROUNDING_UNIT, LinearHead, model_readout
from .result import ExportResult, NonFiniteCount
from .sources import DatasetSource, split_batch
from .thumbnails import DisplayStream, Thumbnailer, Thumbnails

SplitBatch = Callable[[Any, str, int], tuple[Any, Any]]
#: The classifier layer and its width -> the linear modules that may compute its logits, the reason there are
#: none, or None where the framework cannot tell (see readout.py).
LinearHeads = Callable[[str, int], Sequence[LinearHead] | str | None]


@dataclass
class ExportOptions:
    """Everything about the file that is not the data: names, classes, writer settings, progress."""

    model_name: str = "model"
    classifier: str | None = None
    classifier_given: bool = False  # named by classifier=: the first batch's check of it is skipped
    classes: Sequence[str] | None = None
    class_sources: ClassSources | None = None  # the model's and the datasets' own class names (see classes.py)
    restrict_predictions: bool = False  # datasets with a label map are predicted among its classes only
    writer_options: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)
    progress: bool = True
    split: SplitBatch = split_batch
    linear_heads: LinearHeads | None = None  # the classifier's readout is stored when it checks (readout.py)


def run_export(
    path: str | os.PathLike[str],
    sources: Sequence[DatasetSource],
    capture: Capture,
    thumbnailer: Thumbnailer | None = None,
    options: ExportOptions | None = None,
) -> ExportResult:
    """Record every source into `path`; return what was written. Ctrl-C: see interrupt.py."""
    return _Export(Path(path), list(sources), capture, thumbnailer, options or ExportOptions()).run()


class _Export:
    def __init__(
        self,
        path: Path,
        sources: list[DatasetSource],
        capture: Capture,
        thumbnailer: Thumbnailer | None,
        options: ExportOptions,
    ):
        if not sources:
            raise ExportError("nothing to export: give at least one dataset")
        names = [s.name for s in sources]
        if len(set(names)) != len(names):
            raise ExportError(f"dataset names must be unique: {names}; give each dataset its own name")
        if any(s.display is not None for s in sources) and thumbnailer is None:
            raise ExportError(
                "display= datasets were given but thumbnails are off (thumbnails=False); drop display= or turn "
                "thumbnails on"
            )
        self.path, self.sources, self.capture = path, sources, capture
        self.thumbnailer, self.options = thumbnailer, options
        self.writer: Writer | None = None
        self.units: dict[str, int] = {}
        self.dtypes: dict[str, np.dtype] = {}  # of the first batch's activations, for empty datasets
        self.finished: dict[str, int] = {}
        self.nonfinite: dict[str, dict[str, NonFiniteCount]] = {}
        self.current: str | None = None
        self.rows = 0
        self.activation_dtype: Any = None  # the writer's activation_dtype= (the maps are ranked as it stores)

    def run(self) -> ExportResult:
        try:
            for source in self.sources:
                self._dataset(source)
            assert self.writer is not None
            self.writer.close()
        except Terminated:
            raise handle_termination(self.writer, self.path, self.current, self.rows) from None
        except KeyboardInterrupt:
            raise handle_interrupt(
                self.writer,
                self.path,
                self.finished,
                self.units,
                self.current,
                self.rows,
                [s.name for s in self.sources],
            ) from None
        except BaseException:
            if self.writer is not None:
                self.writer.abort()
            raise
        return ExportResult(self.path, dict(self.finished), dict(self.units), self.nonfinite)

    # ---- one dataset --------------------------------------------------------

    def _dataset(self, source: DatasetSource) -> None:
        from tqdm.auto import tqdm

        self.current, self.rows = source.name, 0
        display = (
            DisplayStream(source.display, self.thumbnailer, source.name)
            if source.display is not None and self.thumbnailer is not None
            else None
        )
        counts: dict[str, NonFiniteCount] = {}
        stream: DatasetWriter | None = None
        candidates: dict[str, MapCandidates] = {}  # per layer with maps, for this dataset
        bar = tqdm(
            total=source.total, desc=source.name, unit="img", disable=not self.options.progress, dynamic_ncols=True
        )
        try:
            for index, batch in enumerate(source.batches):
                inputs, raw_labels = self.options.split(batch, source.name, index)
                activations = self.capture(inputs)
                if self.writer is None:
                    self._open_writer(activations, inputs)
                if stream is None:
                    stream = self._writer().dataset(source.name, role=source.role, total=source.total)
                arrays = self._check_activations(activations, source.name, index)
                n = next(iter(arrays.values())).shape[0]
                labels = self.capture.to_numpy(raw_labels)
                if source.label_map is not None:
                    labels = source.label_map.apply(labels, source.name, index, self.rows)
                labels = check_labels(labels, len(self._writer().classes), source.name, index, self.rows)
                if labels.shape[0] != n:
                    raise ExportError(
                        f"dataset {source.name!r}, batch {index}: {labels.shape[0]} labels for "
                        f"{n} inputs; give one label per input"
                    )
                count_nonfinite(arrays, counts)
                images: Thumbnails | None = None
                if display is not None:
                    images = display.take(n)
                elif self.thumbnailer is not None:
                    images = self.thumbnailer.from_inputs(inputs)
                    if len(images) != n:
                        raise ExportError(
                            f"dataset {source.name!r}, batch {index}: {len(images)} thumbnails for {n} inputs; "
                            "thumbnails=fn must return one image per input"
                        )
                predictions = confidences = None
                if source.label_map is not None and self.options.restrict_predictions:
                    logits = np.asarray(arrays[self._writer().model.classifier], np.float64)
                    predictions, confidences = source.label_map.predict(logits)
                stream.append(
                    labels=labels,
                    activations=arrays,
                    images=images,
                    layout="NHWC",
                    predictions=predictions,
                    confidences=confidences,
                    maps=self._maps(arrays, candidates, source.name, index),
                )
                self.rows += n
                bar.update(n)
            if stream is None:
                stream = self._empty_dataset(source)
            stream.close()
        finally:
            bar.close()
        self.finished[source.name] = self.rows
        self.current = None
        if counts:
            self.nonfinite[source.name] = counts
            _warn_nonfinite(source.name, counts, self.rows)

    def _maps(
        self, arrays: Mapping[str, np.ndarray], candidates: dict[str, MapCandidates], dataset: str, index: int
    ) -> dict[str, SparseMaps] | None:
        """The maps of this batch that can enter the writer's kept maps (maps.py), fetched from the device."""
        layers = self.capture.map_layers()
        if not layers:
            return None
        writer = self._writer()
        for name in layers:
            if name not in candidates:
                dtype = file_dtypes.choose(self.activation_dtype, name, arrays[name])
                kept = min(writer.map_images, writer.top_k)
                candidates[name] = MapCandidates(self.units[name], kept, dtype)
        wanted = {name: candidates[name].select(arrays[name]) for name in layers}
        found = self.capture.batch_maps(wanted)
        n = next(iter(arrays.values())).shape[0]
        maps = {}
        for name, (rows, units) in wanted.items():
            values = np.asarray(found[name], np.float32)
            if values.ndim != 3 or values.shape[0] != rows.size:
                raise ExportError(
                    f"dataset {dataset!r}, batch {index}: the capture gave maps of shape {values.shape} for layer "
                    f"{name!r}; expected ({rows.size}, height, width)"
                )
            grid = candidates[name].grid = candidates[name].grid or values.shape[1:]
            if values.shape[1:] != grid:
                raise ExportError(
                    f"dataset {dataset!r}, batch {index}: the maps of layer {name!r} are {values.shape[1]} x "
                    f"{values.shape[2]} cells, {grid[0]} x {grid[1]} in earlier batches (the inputs changed size); "
                    "a dataset's maps need one grid: give its images one size, or pass spatial_maps=False"
                )
            maps[name] = SparseMaps((n, self.units[name]), rows, units, values)
        return maps

    def _empty_dataset(self, source: DatasetSource) -> DatasetWriter:
        batch = source.first_batch() if self.writer is None and source.first_batch is not None else None
        if batch is not None:  # an empty share of a dataset: only the layers' shapes and dtypes are kept
            inputs = self.options.split(batch, source.name, 0)[0]
            self._open_writer(self.capture(inputs), inputs)
        if self.writer is None:
            raise ExportError(
                f"dataset {source.name!r} is empty: the first dataset needs at least one batch so the "
                "layers' shapes are known (put a non-empty dataset first)"
            )
        stream = self.writer.dataset(source.name, role=source.role, total=0)
        stream.append(
            labels=np.zeros(0, np.int64),
            activations={name: np.zeros((0, units), self.dtypes[name]) for name, units in self.units.items()},
        )
        return stream

    # ---- model and writer ---------------------------------------------------

    def _writer(self) -> Writer:
        assert self.writer is not None
        return self.writer

    def _open_writer(self, activations: Mapping[str, np.ndarray], inputs: Any) -> None:
        model = self._first_batch_model(activations, inputs)
        writer_options = dict(self.options.writer_options)
        dtypes = {name: self.capture.stored_dtype(name) for name in self.units}
        chosen = writer_options.get("activation_dtype")
        if chosen is None and any(dtypes.values()):
            writer_options["activation_dtype"] = {name: d for name, d in dtypes.items() if d}
        metadata = {**dict(writer_options.pop("metadata", {}) or {}), **dict(self.options.metadata)}
        if writer_options.get("readout") is None:
            writer_options["readout"] = self._model_readout(model, activations)
        self.activation_dtype = writer_options.get("activation_dtype")
        self.writer = Writer(self.path, model=model, metadata=metadata, **writer_options)

    def _model_readout(self, model: Model, activations: Mapping[str, np.ndarray]) -> Readout | None:
        """The classifier's own linear readout, if the framework finds one that W a + b checks on this first
        batch; else None, and a `NoReadoutWarning` saying why (none where the framework cannot tell)."""
        if self.options.linear_heads is None:
            return None
        classifier = model.classifier
        heads = self.options.linear_heads(classifier, self.units[classifier])
        if heads is None:
            return None
        recorded = {name: np.asarray(value) for name, value in activations.items()}
        unit = ROUNDING_UNIT.get(self.capture.stored_dtype(classifier) or "float32", ROUNDING_UNIT["float32"])
        found = model_readout(heads, classifier, recorded, unit)
        if isinstance(found, Readout):
            return found
        warnings.warn(
            f"{self.path.name}: no readout of the classifier is stored: {found}. Without one, `deephys report` "
            "attributes the logits to units only with --fit-readout (a least-squares fit from the file)",
            NoReadoutWarning,
            stacklevel=_user_stacklevel(),
        )
        return None

    def _first_batch_model(self, activations: Mapping[str, np.ndarray], inputs: Any) -> Model:
        """The model the file describes, from what the first batch tells: each layer's width and dtype.

        The arguments that can only be checked against the first batch are checked here, for every
        framework: that the classifier layer gives the model's output (unless `classifier=` names it), and
        that the classes (given, the model's, each dataset's, through its label map) fit its width.
        """
        layers: list[Layer] = []
        for name, value in activations.items():
            shape = np.shape(value)
            if len(shape) != 2:
                raise ExportError(f"layer {name!r}: the capture returned shape {shape}; expected (N, units)")
            self.units[name] = int(shape[1])
            self.dtypes[name] = np.asarray(value).dtype
            layers.append(self.capture.layer(name, int(shape[1])))
        capture, options = self.capture, self.options
        classifier = options.classifier or layers[-1].name
        if not options.classifier_given:
            recorded = {name: np.asarray(value) for name, value in activations.items()}
            check_classifier(classifier, recorded, capture.model_output(), lambda: capture.module_outputs(inputs))
        producer = Producer("deephys", __version__, capture.framework, capture.framework_version)
        sources = options.class_sources or ClassSources(given=options.classes)
        maps = {s.name: s.label_map for s in self.sources if s.label_map is not None}
        classes = sources.resolve(self.units[classifier], classifier, maps)
        try:
            return Model(options.model_name, layers, options.classifier, classes, producer=producer)
        except ValueError as exc:
            raise ExportError(str(exc)) from None

    def _check_activations(
        self, activations: Mapping[str, np.ndarray], dataset: str, index: int
    ) -> dict[str, np.ndarray]:
        if list(activations) != list(self.units):
            raise ExportError(
                f"dataset {dataset!r}, batch {index}: the capture returned layers "
                f"{list(activations)}, expected {list(self.units)}"
            )
        arrays = {}
        n = None
        for name, value in activations.items():
            array = np.asarray(value)
            if array.ndim != 2:
                raise ExportError(
                    f"dataset {dataset!r}, batch {index}: layer {name!r} has shape "
                    f"{array.shape} after pooling; expected (N, units)"
                )
            check_units(name, array.shape[1], self.units[name], dataset, index)
            if n is not None and array.shape[0] != n:
                raise ExportError(
                    f"dataset {dataset!r}, batch {index}: layer {name!r} has {array.shape[0]} rows, "
                    f"other layers {n}; every layer must give one row per input"
                )
            n = array.shape[0]
            arrays[name] = array
        return arrays


def count_nonfinite(arrays: Mapping[str, np.ndarray], counts: dict[str, NonFiniteCount]) -> None:
    """Add the NaN and infinite values of one batch's `arrays` (layer -> (N, units)) to `counts`."""
    for name, array in arrays.items():
        if array.dtype.kind != "f" or np.isfinite(array.sum()):
            continue  # one reduction answers for the common, all-finite case
        finite = np.isfinite(array)
        if finite.all():
            continue  # the sum overflowed, the values did not
        nan = int(np.isnan(array).sum())
        count = NonFiniteCount(nan=nan, inf=int((~finite).sum()) - nan, images=int((~finite.all(axis=1)).sum()))
        counts[name] = counts.get(name, NonFiniteCount()) + count


def _warn_nonfinite(dataset: str, counts: Mapping[str, NonFiniteCount], images: int) -> None:
    parts = [
        f"{name!r}: {c.nan} NaN and {c.inf} inf values in {c.images} of {images} images" for name, c in counts.items()
    ]
    warnings.warn(
        f"dataset {dataset!r} has non-finite activations ({'; '.join(parts)}). They are kept as they are "
        "and left out of min/max, top images and histograms; check the inputs and the model's numerics "
        "(e.g. fp16 overflow)",
        NonFiniteActivationWarning,
        stacklevel=_user_stacklevel(),
    )


def _user_stacklevel() -> int:
    """The `stacklevel` that points a warning at the first frame outside deephys (the user's call)."""
    package = str(Path(__file__).resolve().parent.parent)
    here = inspect.currentframe()
    frame, level = here.f_back if here is not None else None, 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(package):
        frame, level = frame.f_back, level + 1
    return level
