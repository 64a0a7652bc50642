"""The datasets of an export: names, roles, batches, sizes and optional display images."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import ExportError
from .classes import LabelMap

Role = Literal["id", "ood"]


@dataclass(frozen=True)
class DatasetSource:
    """One dataset to record: `batches` yields `(inputs, labels)`; `total` is its number of images if known.

    `first_batch`, for a share of a dataset (one rank's, in a multi-process export), gives the whole
    dataset's first batch (or None): when the share is empty, the layers' shapes are learned from it
    (nothing of it is written), so the shard still holds the model and a valid empty dataset.
    """

    name: str
    batches: Iterable[Any]
    role: Role = "ood"
    total: int | None = None
    display: Iterable[Any] | None = None
    first_batch: Callable[[], Any] | None = None
    label_map: LabelMap | None = None  # the dataset's labels -> the model's classes (see classes.py)


def make_sources(
    datasets: Mapping[str, Any],
    roles: Mapping[str, str] | Sequence[str] | None = None,
    display: Mapping[str, Any] | None = None,
    batches_of: Callable[[Any], Iterable[Any]] = lambda d: d,
    total_of: Callable[[Any], int | None] = lambda d: None,
    display_of: Callable[[Any], Iterable[Any]] | None = None,
) -> list[DatasetSource]:
    """Sources in the order of `datasets`: the first is "id", the others "ood" unless `roles` says otherwise.

    `batches_of` turns a user value (DataLoader, Dataset, iterable) into batches, `total_of` counts its
    images, `display_of` turns a display value into batches.
    """
    if not isinstance(datasets, Mapping) or not datasets:
        raise ExportError(
            'datasets= must be a non-empty mapping name -> data, e.g. datasets={"CIFAR-10": id_loader, '
            '"CIFAR-10.2": ood_loader}; the first one is the in-distribution set'
        )
    names = list(datasets)
    for name in names:
        if not isinstance(name, str) or not name:
            raise ExportError(
                f"dataset names must be non-empty strings, not {name!r}: name each dataset, e.g. datasets="
                '{"CIFAR-10": id_loader}'
            )
    role_of = _roles(names, roles)
    display = dict(display or {})
    unknown = [name for name in display if name not in datasets]
    if unknown:
        raise ExportError(f"display= names {', '.join(map(repr, unknown))}, which are not in datasets={names}")
    to_display = display_of or batches_of
    return [
        DatasetSource(
            name=name,
            batches=batches_of(data),
            role=role_of[name],
            total=total_of(data),
            display=to_display(display[name]) if name in display else None,
        )
        for name, data in datasets.items()
    ]


def _roles(names: list[str], roles: Mapping[str, str] | Sequence[str] | None) -> dict[str, Role]:
    result: dict[str, Role] = {name: ("id" if i == 0 else "ood") for i, name in enumerate(names)}
    if roles is None:
        return result
    if isinstance(roles, Mapping):
        given = dict(roles)
        unknown = [name for name in given if name not in result]
        if unknown:
            raise ExportError(f"roles= names {', '.join(map(repr, unknown))}, which are not in datasets={names}")
    else:
        if isinstance(roles, str) or len(roles) != len(names):
            counted = "a string" if isinstance(roles, str) else f"{len(roles)} roles"
            raise ExportError(
                f"roles= gives {counted} for {len(names)} datasets {names}: give one role ('id' or 'ood') per "
                "dataset, in order, or map names to roles"
            )
        given = dict(zip(names, roles, strict=True))
    for name, role in given.items():
        if role not in ("id", "ood"):
            raise ExportError(f"dataset {name!r}: role must be 'id' or 'ood', not {role!r}")
        result[name] = role  # type: ignore[assignment]
    return result


#: The keys of a dict batch that hold the inputs and the labels (Hugging Face's first: its collators and
#: `datasets` transforms give {"pixel_values": ..., "labels": ...}).
INPUT_KEYS = ("pixel_values", "image", "images", "img", "x", "input", "inputs")
LABEL_KEYS = ("labels", "label", "target", "targets", "y")


def split_batch(batch: Any, dataset: str, index: int) -> tuple[Any, Any]:
    """`(inputs, labels)` of a batch: a tuple/list (first two items) or a dict with input and label keys.

    A dict's inputs are its `INPUT_KEYS` entry; when it holds more than that and the labels (a Hugging Face
    batch with a `pixel_mask`...), the inputs are every entry but the labels, passed to the model by name.
    """
    if isinstance(batch, (tuple, list)) and len(batch) >= 2:
        return batch[0], batch[1]
    if isinstance(batch, Mapping):
        input_key = next((k for k in INPUT_KEYS if k in batch), None)
        label_key = next((k for k in LABEL_KEYS if k in batch), None)
        if input_key is not None and label_key is not None:
            rest = {k: v for k, v in batch.items() if k not in LABEL_KEYS}
            return (batch[input_key] if len(rest) == 1 else rest), batch[label_key]
        keys = ", ".join(map(repr, list(batch)[:12])) or "none"
        raise ExportError(
            f"dataset {dataset!r}, batch {index}: a dict batch needs an input key (one of "
            f"{', '.join(map(repr, INPUT_KEYS))}) and a label key (one of {', '.join(map(repr, LABEL_KEYS))}); "
            f"this one has the keys {keys}. Rename them (e.g. in the dataset's transform or collate_fn), or "
            "give (inputs, labels) pairs"
        )
    kind = type(batch).__name__
    raise ExportError(
        f"dataset {dataset!r}, batch {index}: expected (inputs, labels), got a {kind}"
        + (f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else "")
        + ". Each batch must be a pair (inputs, labels) or a dict with 'pixel_values' (or 'image') and 'labels' "
        "(or 'label') keys"
    )


def image_inputs(inputs: Any) -> Any:
    """The images among a batch's inputs: the inputs, or the `INPUT_KEYS` entry of a dict of inputs."""
    if isinstance(inputs, Mapping):
        return next((inputs[k] for k in INPUT_KEYS if k in inputs), inputs)
    return inputs
