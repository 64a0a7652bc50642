"""The datasets of an export: names, roles, batches, sizes and optional display images."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import ExportError

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


def split_batch(batch: Any, dataset: str, index: int) -> tuple[Any, Any]:
    """`(inputs, labels)` of a batch: a tuple/list (first two items) or a dict with image and label keys."""
    if isinstance(batch, (tuple, list)) and len(batch) >= 2:
        return batch[0], batch[1]
    if isinstance(batch, Mapping):
        inputs = next((batch[k] for k in ("image", "images", "img", "x", "input", "inputs") if k in batch), None)
        labels = next((batch[k] for k in ("label", "labels", "target", "targets", "y") if k in batch), None)
        if inputs is not None and labels is not None:
            return inputs, labels
    kind = type(batch).__name__
    raise ExportError(
        f"dataset {dataset!r}, batch {index}: expected (inputs, labels), got a {kind}"
        + (f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else "")
        + ". Each batch must be a pair (inputs, labels) or a dict with 'image' and 'label' keys"
    )
