"""Errors and warnings of the exporters, worded like PyTorch's and click's: what, where, how to fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import ExportError, UnknownLayerError


class NonFiniteActivationWarning(UserWarning):
    """Some recorded activations are NaN or infinite (they are kept and counted)."""


def close_matches(name: str, available: Iterable[str], n: int = 5) -> list[str]:
    """Names of `available` that look like `name`: difflib matches first, then names containing it."""
    choices = list(available)
    found = difflib.get_close_matches(name, choices, n=n, cutoff=0.5)
    for choice in choices:
        if len(found) >= n:
            break
        if name and choice not in found and (name in choice or choice.endswith("." + name)):
            found.append(choice)
    return found


def unknown_layer(name: str, available: Sequence[str], what: str = "module") -> UnknownLayerError:
    """The error for a layer name that is not one of `available`, listing close matches."""
    matches = close_matches(name, available)
    if matches:
        hint = "did you mean " + ", ".join(repr(m) for m in matches) + "?"
    elif available:
        shown = ", ".join(repr(a) for a in list(available)[:20])
        more = f" (and {len(available) - 20} more)" if len(available) > 20 else ""
        hint = f"the model's {what}s are: {shown}{more}"
    else:
        hint = f"the model has no named {what}s"
    return UnknownLayerError(f"layer {name!r} is not a {what} of the model: {hint}")


def resolve_layer_names(requested: Sequence[str], available: Sequence[str], what: str = "module") -> list[str]:
    """Check that every requested name is available and that none repeats; return them in order."""
    if not requested:
        raise ExportError("layers=[] selects nothing: name at least the classifier layer, e.g. layers=['fc']")
    known = set(available)
    for name in requested:
        if name not in known:
            raise unknown_layer(name, available, what)
    repeated = sorted({n for n in requested if list(requested).count(n) > 1})
    if repeated:
        raise ExportError(f"layers lists {', '.join(map(repr, repeated))} more than once")
    return list(requested)


def layer_names(
    layers: Any,
    module_type: type,
    names_by_id: Mapping[int, str],
    available: Sequence[str],
    foreign_hint: str,
    accepted: str,
) -> list[str]:
    """The names of `layers` (names, or module objects looked up by identity in `names_by_id`), checked
    against `available` by `resolve_layer_names`. `foreign_hint` says what to pass instead of a module that
    is not part of the model; `accepted` names what `layers=` takes."""
    if isinstance(layers, (str, module_type)):
        layers = [layers]
    names: list[str] = []
    for layer in layers:
        if isinstance(layer, module_type):
            name = names_by_id.get(id(layer))
            if name is None:
                raise ExportError(
                    f"the module {type(layer).__name__} given in layers= is not part of the model; {foreign_hint}"
                )
            names.append(name)
        elif isinstance(layer, str):
            names.append(layer)
        else:
            raise ExportError(f"layers= takes {accepted}, not {type(layer).__name__}")
    return resolve_layer_names(names, available)


def check_labels(labels: np.ndarray, classes: int, dataset: str, batch: int, first_image: int) -> np.ndarray:
    """`labels` as int64 of shape (N,), or an error naming the dataset, batch and image."""
    labels = np.asarray(labels)
    where = f"dataset {dataset!r}, batch {batch}"
    if labels.ndim == 2 and labels.shape[1] > 1:
        raise ExportError(
            f"{where}: labels have shape {tuple(labels.shape)}; expected class indices of shape (N,). "
            "For one-hot or soft labels pass labels.argmax(1)"
        )
    labels = labels.reshape(-1) if labels.ndim == 2 else labels
    if labels.ndim != 1:
        raise ExportError(f"{where}: labels must have shape (N,), got {tuple(labels.shape)}")
    if (
        labels.size
        and not np.issubdtype(labels.dtype, np.integer)
        and (labels.dtype == np.bool_ or not np.all(np.mod(labels, 1) == 0))
    ):
        raise ExportError(f"{where}: labels must be integer class indices, got dtype {labels.dtype}")
    labels = labels.astype(np.int64, copy=False)
    bad = np.flatnonzero((labels < 0) | (labels >= classes))
    if bad.size:
        i = int(bad[0])
        raise ExportError(
            f"{where}: label {int(labels[i])} of image {i} in the batch (image {first_image + i} of the "
            f"dataset) is out of range: the model has {classes} classes, 0..{classes - 1}. "
            f"{bad.size} label(s) of this batch are out of range; check classes= and the dataset's labels"
        )
    return labels


def check_units(layer: str, units: int, expected: int, dataset: str, batch: int) -> None:
    """Error when a layer's width changes between batches."""
    if units != expected:
        raise ExportError(
            f"dataset {dataset!r}, batch {batch}: layer {layer!r} gave {units} units after pooling, "
            f"but {expected} in earlier batches. A recorded layer must have the same shape for every batch "
            "(conv maps may change height and width; channels, tokens' width and vector sizes may not)"
        )
