"""Errors and warnings of the exporters, worded like PyTorch's and click's: what, where, how to fix."""

from __future__ import annotations

import numpy as np

from ..errors import ExportError


class NonFiniteActivationWarning(UserWarning):
    """Some recorded activations are NaN or infinite (they are kept and counted)."""


class NoReadoutWarning(UserWarning):
    """The classifier is not a linear readout of a recorded layer, so the file stores none (the message
    says why); `deephys report --fit-readout` can fit one from the file."""


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
