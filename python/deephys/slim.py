"""Slim copies of .deephys files, for reports: every table, summary and activation, and only the images
the viewer shows first.

An image is kept when it is among any unit's top-k images (every layer, every dataset) or among the
first `images_per_list` most confident images of a class's correct, false-positive or false-negative
list (what the category view shows before any scrolling). Every other image is left out: its reference
in the table is all zero (docs/format.md), the reader raises LookupError for it and the viewer shows a
placeholder. The copy streams like `deephys merge`: encoded images are copied byte for byte, activations
read chunk by chunk, summaries recomputed by the writer (equal to the original ones when the activation
dtype is kept). Spatial maps are kept as they are for the layers whose dtype is kept; a layer re-stored in
another dtype drops them (its top images may change with the rounding, and their maps are not in the file).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import analysis
from .errors import UsageError
from .format import dtypes as dt
from .format.confidence import prediction_confidence
from .format.copying import copy_blocks
from .format.limits import ABSENT_INDEX
from .format.reader import Dataset, open_run
from .format.summaries import SummaryBuilder
from .format.writer import Writer
from .merge import map_layers, maps_grid, stored_maps, with_maps

DEFAULT_IMAGES_PER_LIST = 24


@dataclass(frozen=True)
class SlimResult:
    """The slim copy written, and per dataset the images kept out of those the source has."""

    path: Path
    kept: dict[str, int]
    images: dict[str, int]

    def describe(self) -> str:
        kept, total = sum(self.kept.values()), sum(self.images.values())
        return f"{kept} of {total} images kept"


def slim(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    dtype: str | None = None,
    images_per_list: int = DEFAULT_IMAGES_PER_LIST,
) -> SlimResult:
    """Write a slim copy of `source` to `output` (atomically); `dtype` (e.g. "float16") re-stores the
    activations of every layer, else each layer keeps its dtype."""
    if images_per_list < 0:
        raise UsageError("images_per_list must be >= 0")
    if dtype is not None:
        dt.check_name(dtype)
    src, out = Path(source), Path(output)
    if out.exists() and src.exists() and os.path.samefile(src, out):
        raise UsageError(f"{out} is the source file; write the slim copy elsewhere")
    kept: dict[str, int] = {}
    images: dict[str, int] = {}
    with open_run(src) as run:
        metadata = {**run.metadata, "slimmed_from": src.name}  # "created" stays the data's
        with Writer(out, model=run.model, metadata=metadata, readout=run.readout) as writer:
            for dataset in run.datasets.values():
                keep = images_to_keep(dataset, images_per_list, dtype=dtype) if dataset.has_images else set()
                writer.top_k = dataset.top_k
                writer.histogram_bins = dataset.histogram_bins
                _copy_dataset(writer, dataset, keep, dtype)
                kept[dataset.name] = sum(1 for i in keep if dataset.has_image(i))
                images[dataset.name] = len(dataset) if dataset.has_images else 0
    return SlimResult(out, kept, images)


def images_to_keep(
    dataset: Dataset, images_per_list: int = DEFAULT_IMAGES_PER_LIST, *, dtype: str | None = None
) -> set[int]:
    """Indices of the images of `dataset` a slim copy keeps (see the module's docstring).

    With a `dtype` other than the stored one, the top-k images and the confidences are those the copy
    will hold: computed from the activations rounded to `dtype`, as the writer will compute them.
    """
    model = dataset.run.model
    changed = dtype is not None and any(dataset.dtype(i) != dtype for i in range(len(model.layers)))
    tops: Iterable[np.ndarray]
    if changed:
        assert dtype is not None
        tops, confidences = _recomputed(dataset, dtype)
    else:
        tops = (dataset.summary(i).top_indices for i in range(len(model.layers)))
        confidences = dataset.confidences
    keep: set[int] = set()
    for top in tops:
        keep.update(int(i) for i in np.unique(top) if i != ABSENT_INDEX)
    labels, predictions = dataset.labels, dataset.predictions
    for c in range(len(dataset.run.classes)):
        for images in (
            analysis.confusion_cell_images(labels, predictions, confidences, c, c),
            analysis.false_positive_images(labels, predictions, confidences, c),
            analysis.false_negative_images(labels, predictions, confidences, c),
        ):
            keep.update(int(i) for i in images[:images_per_list])
    return keep


def _recomputed(dataset: Dataset, dtype: str) -> tuple[list[np.ndarray], np.ndarray]:
    """Top-k indices per layer and confidences of the activations stored as `dtype`; streaming."""
    model = dataset.run.model
    labels = dataset.labels
    classes = len(dataset.run.classes)
    tops = []
    confidences = np.zeros(len(dataset), np.float32)
    for index, layer in enumerate(model.layers):
        builder = SummaryBuilder(layer.units, classes, dataset.top_k, 1)
        for first, block in dataset.iter_activations(index):
            values = dt.exact(dt.store(block, dtype), dtype)  # as the writer will store them
            builder.add(values, labels[first : first + block.shape[0]])
            if layer.name == model.classifier:
                rows = slice(first, first + block.shape[0])
                confidences[rows] = prediction_confidence(np.asarray(values, np.float64), dataset.predictions[rows])
        tops.append(builder.partial().top_indices)
    return tops, confidences


def _copy_dataset(writer: Writer, dataset: Dataset, keep: set[int], dtype: str | None) -> None:
    model = dataset.run.model
    layer_dtypes = {layer.name: dtype or dataset.dtype(layer.name) for layer in model.layers}
    mapped = [name for name in map_layers(dataset) if layer_dtypes[name] == dataset.dtype(name)]
    if mapped:
        writer.map_size, writer.map_images = maps_grid([dataset], mapped)
    with writer.dataset(
        dataset.name,
        role=dataset.role,
        description=dataset.description,
        activation_dtype=layer_dtypes,
        total=len(dataset),
    ) as out:
        for batch in with_maps(dataset, copy_blocks(dataset, keep), stored_maps(dataset, mapped)):
            out.append(**batch)
        if len(dataset) == 0:
            out.append(
                labels=np.zeros(0, np.int64),
                activations={layer.name: np.zeros((0, layer.units), np.float32) for layer in model.layers},
            )
