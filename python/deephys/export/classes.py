"""The classes of an export: the file's class names, each dataset's labels as the model's class indices
(`label_map=`), and the checks that keep a dataset of other classes from being scored silently wrong.

The file's classes are the model's: one per output of the classifier. A dataset whose labels are not the
model's class indices (ImageNet-R's 200 classes, a 10-class subset, under a 1000-way ImageNet model) is
given a label map, dataset label -> model class index; its labels are stored as model classes, and with
`restrict_predictions=True` it is predicted among the classes its map reaches only (as ImageNet-R and
ImageNet-A are evaluated). The file's metadata records both (`export_metadata`, docs/format.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ExportError
from ..format.confidence import prediction_confidence

#: The file metadata keys (docs/format.md, *Exporter metadata*).
LABEL_MAP_KEY = "label_map"
PREDICTIONS_KEY = "predictions"
RESTRICTED = "restricted to mapped classes"
ALL_CLASSES = "all classes"
_DEFAULT_HF_LABEL = re.compile(r"LABEL_\d+")


@dataclass(frozen=True)
class LabelMap:
    """One dataset's labels -> the model's class indices (`table[dataset label] = model class`)."""

    table: dict[int, int]
    dense: bool  # given as a list: one model class per dataset class, in the dataset's order

    @property
    def classes(self) -> np.ndarray:
        """The model classes this dataset's labels reach, sorted."""
        return np.unique(np.fromiter(self.table.values(), np.int64, len(self.table)))

    def apply(self, labels: np.ndarray, dataset: str, batch: int, first_image: int) -> np.ndarray:
        """`labels` (dataset labels, (N,)) as model class indices, or an error naming the first unmapped one."""
        labels = np.asarray(labels)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels.reshape(-1)
        if labels.ndim != 1:
            return labels  # check_labels explains the shape expected
        if labels.size and not np.issubdtype(labels.dtype, np.integer):
            if labels.dtype == np.bool_ or not np.all(np.mod(labels, 1) == 0):
                raise ExportError(
                    f"dataset {dataset!r}, batch {batch}: labels must be integer class indices, got dtype "
                    f"{labels.dtype}"
                )
            labels = labels.astype(np.int64)
        keys = np.fromiter(self.table, np.int64, len(self.table))
        lookup = np.full(int(keys.max()) + 2 if keys.size else 1, -1, np.int64)
        lookup[keys] = np.fromiter(self.table.values(), np.int64, len(self.table))
        index = np.where((labels >= 0) & (labels < lookup.size - 1), labels, lookup.size - 1)
        mapped = lookup[index.astype(np.int64)]
        missing = np.flatnonzero(mapped < 0)
        if missing.size:
            i = int(missing[0])
            raise ExportError(
                f"dataset {dataset!r}, batch {batch}: label {labels[i].item()!r} of image {i} in the batch (image "
                f"{first_image + i} of the dataset) is not in its label_map, which maps the dataset labels "
                f"{_describe_keys(keys)}; give every dataset label a model class"
            )
        return mapped

    def predict(self, logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predictions among this map's classes only and their softmax probability over those classes."""
        allowed = self.classes
        restricted = np.full(logits.shape, -np.inf)
        restricted[:, allowed] = logits[:, allowed]
        chosen = np.where(np.isnan(restricted), -np.inf, restricted)
        predictions = np.argmax(chosen, axis=1) if len(logits) else np.zeros(0, np.int64)
        return predictions, prediction_confidence(restricted, predictions)

    def to_json(self) -> dict[str, int]:
        return {str(label): model for label, model in sorted(self.table.items())}


def label_maps(label_map: Any, datasets: Sequence[str]) -> dict[str, LabelMap]:
    """`label_map=` as one `LabelMap` per dataset that has one.

    One map for every dataset (a list of model class indices, one per dataset class, or a mapping dataset
    label -> model class index), or a mapping dataset name -> such a map (or None: the labels are the
    model's classes already).
    """
    if label_map is None:
        return {}
    if isinstance(label_map, Mapping) and label_map and all(isinstance(key, str) for key in label_map):
        unknown = [name for name in label_map if name not in datasets]
        if unknown:
            raise ExportError(
                f"label_map= names {', '.join(map(repr, unknown))}, which are not in datasets={list(datasets)}; "
                "key it by dataset name, or give one map (a list or a mapping of labels) for every dataset"
            )
        return {
            name: one_label_map(value, f"label_map[{name!r}]") for name, value in label_map.items() if value is not None
        }
    shared = one_label_map(label_map, "label_map=")
    return dict.fromkeys(datasets, shared)


def one_label_map(value: Any, where: str) -> LabelMap:
    """A `LabelMap` from a list of model class indices (dataset class i -> value[i]) or a mapping."""
    example = "[the model's class index of each dataset class, in order], or {dataset label: model class}"
    if isinstance(value, Mapping):
        pairs = list(value.items())
        dense = False
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise ExportError(f"{where} takes {example} (one for all datasets, or per dataset name), not {value!r}")
    else:
        values = np.asarray(value)
        if values.ndim != 1:
            raise ExportError(f"{where} is an array of shape {values.shape}; give {example}")
        pairs = list(enumerate(values.tolist()))
        dense = True
    if not pairs:
        raise ExportError(f"{where} is empty; give {example}")
    table: dict[int, int] = {}
    for label, model in pairs:
        if not _is_index(label) or not _is_index(model):
            raise ExportError(
                f"{where} maps {label!r} to {model!r}: dataset labels and model classes are non-negative "
                f"integers; give {example}"
            )
        table[int(label)] = int(model)
    return LabelMap(table, dense)


def _is_index(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and int(value) >= 0


def _describe_keys(keys: np.ndarray) -> str:
    keys = np.sort(keys)
    if keys.size and keys[-1] - keys[0] + 1 == keys.size:
        return f"{keys[0]}..{keys[-1]}"
    shown = ", ".join(map(str, keys[:10].tolist()))
    return f"{shown}{', ...' if keys.size > 10 else ''} ({keys.size} labels)"


def dataset_classes(value: Any) -> list[str] | None:
    """The class names a dataset carries (torchvision's `.classes`), looked for through `.dataset`
    (a DataLoader, a Subset); None when it has none."""
    for _ in range(4):
        classes = getattr(value, "classes", None)
        if isinstance(classes, Sequence) and not isinstance(classes, str) and classes:
            return [str(c) for c in classes]
        value = getattr(value, "dataset", None)
        if value is None:
            return None
    return None


def model_classes(model: Any) -> list[str] | None:
    """The class names a model carries: Hugging Face's `config.id2label` (unless they are its default
    "LABEL_0", "LABEL_1"...), as a list by class index; None when it has none."""
    id2label = getattr(getattr(model, "config", None), "id2label", None)
    if not isinstance(id2label, Mapping) or not id2label:
        return None
    try:
        by_index = {int(index): str(name) for index, name in id2label.items()}
    except (TypeError, ValueError):
        return None
    if sorted(by_index) != list(range(len(by_index))):
        return None
    names = [by_index[i] for i in range(len(by_index))]
    return None if all(_DEFAULT_HF_LABEL.fullmatch(name) for name in names) else names


@dataclass(frozen=True)
class ClassSources:
    """Where class names come from: `classes=`, the model (`model_classes`), each dataset (`dataset_classes`)."""

    given: Sequence[str] | None = None
    model: Sequence[str] | None = None
    datasets: Mapping[str, Sequence[str] | None] | None = None

    def resolve(self, width: int, classifier: str, maps: Mapping[str, LabelMap]) -> list[str] | None:
        """The file's class names for a classifier of `width` outputs (None: "0", "1", ...), after checking
        that every dataset's classes fit it; raises `ExportError` naming both sides otherwise."""
        outputs = f"the classifier {classifier!r} has {width} outputs"
        if self.given is not None and len(self.given) != width:
            raise ExportError(
                f"classes= has {len(self.given)} names but {outputs}: give one name per output (the model's "
                "classes); a dataset of fewer classes is mapped onto them with label_map="
            )
        names = list(self.given) if self.given is not None else None
        if names is None and self.model is not None and len(self.model) == width:
            names = list(self.model)
        datasets = dict(self.datasets or {})
        for dataset, own in datasets.items():
            label_map = maps.get(dataset)
            if label_map is not None:
                self._check_map(dataset, own, label_map, width, outputs)
            elif own is not None and len(own) != width:
                raise ExportError(self._mismatch(dataset, own, width, outputs, names))
        first = next(iter(datasets), None)
        if names is None and first is not None and first not in maps:
            own = datasets[first]
            if own is not None and len(own) == width:
                names = list(own)
        return names

    @staticmethod
    def _check_map(dataset: str, own: Sequence[str] | None, label_map: LabelMap, width: int, outputs: str) -> None:
        beyond = {label: model for label, model in label_map.table.items() if model >= width}
        if beyond:
            label, model = next(iter(beyond.items()))
            raise ExportError(
                f"the label_map of dataset {dataset!r} maps its label {label} to class {model}, but {outputs} "
                f"(classes 0..{width - 1}); map each dataset label to the index of a model output"
            )
        if own is not None and label_map.dense and len(label_map.table) != len(own):
            raise ExportError(
                f"the label_map of dataset {dataset!r} has {len(label_map.table)} entries but the dataset has "
                f"{len(own)} classes (its .classes); give the model's class index of each of its classes, in order"
            )

    @staticmethod
    def _mismatch(dataset: str, own: Sequence[str], width: int, outputs: str, names: list[str] | None) -> str:
        hint = ""
        if names is not None:
            found = {name: i for i, name in reversed(list(enumerate(names)))}
            if all(name in found for name in own):
                indices = [found[name] for name in own]
                shown = repr(indices) if len(indices) <= 12 else f"[{', '.join(map(str, indices[:12]))}, ...]"
                hint = (
                    f" Its class names are all among the model's: label_map={{{dataset!r}: {shown}}} maps them "
                    "(e.g. [model_classes.index(c) for c in dataset.classes])."
                )
        return (
            f"dataset {dataset!r} has {len(own)} classes (its .classes) but {outputs}, so its labels "
            f"0..{len(own) - 1} would be scored as the model's classes 0..{len(own) - 1}. Pass "
            f"label_map={{{dataset!r}: [...]}} with the model's class index of each of its {len(own)} classes, in "
            f"order (restrict_predictions=True also predicts among those classes only).{hint}"
        )


def export_metadata(maps: Mapping[str, LabelMap], restrict: bool) -> dict[str, str]:
    """The file metadata saying how labels were mapped and predictions made (docs/format.md)."""
    if not maps:
        return {}
    return {
        LABEL_MAP_KEY: json.dumps({name: label_map.to_json() for name, label_map in maps.items()}),
        PREDICTIONS_KEY: json.dumps(dict.fromkeys(maps, RESTRICTED if restrict else ALL_CLASSES)),
    }


def check_classifier(
    classifier: str,
    recorded: Mapping[str, np.ndarray],
    output: np.ndarray | None,
    module_outputs: Callable[[], Mapping[str, np.ndarray]],
) -> None:
    """At the first batch: the classifier layer (the last of `layers=`) must give the model's output, or its
    predictions are not the model's. Raises `ExportError` naming the layer that does give it.

    "Gives" means the same shape and the same argmax on every image, so a model that returns its logits
    scaled or through a softmax still passes. Not checked when the model's output is not one (N, classes)
    array (`output` None).
    """
    if output is None or output.ndim != 2 or not np.isfinite(output).all():
        return
    if _same_predictions(recorded[classifier], output):
        return
    found = [name for name, value in recorded.items() if _same_predictions(value, output)]
    if not found:
        found = [name for name, value in module_outputs().items() if _same_predictions(value, output)]
    width = recorded[classifier].shape[1] if recorded[classifier].ndim == 2 else "?"
    seen = (
        f"the classifier is taken to be {classifier!r} (the last of layers=), but its output ({width} units) is "
        f"not the model's output ({output.shape[1]} classes), so the file's predictions, accuracy and confusion "
        "would not be the model's"
    )
    if found:
        fix = f"The model's output is {found[0]!r}'s: put {found[0]!r} last in layers=, or pass classifier={found[0]!r}"
    else:
        fix = (
            f"Record the module that computes the model's output (N, {output.shape[1]}) last in layers= (or "
            "'output', the model itself)"
        )
    raise ExportError(f"{seen}. {fix}. If {classifier!r} is the classifier on purpose, say so with classifier=.")


def _same_predictions(values: np.ndarray, output: np.ndarray) -> bool:
    values = np.asarray(values)
    if values.shape != output.shape or not np.isfinite(values).all():
        return False
    return bool(np.array_equal(np.argmax(values, axis=1), np.argmax(output, axis=1)))
