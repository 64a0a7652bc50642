"""Checks and file edits shared by the converter tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import cbor2
import numpy as np
from click.testing import CliRunner, Result

import deephys
from deephys.cli.convert import convert as convert_command
from deephys.format.validate import validate

_UINT = {4: np.uint32, 8: np.uint64}


def run_convert(*args: str | Path) -> Result:
    return CliRunner().invoke(convert_command, [str(a) for a in args], catch_exceptions=False)


def edit_cbor(
    source: Path,
    target: Path,
    mutate: Callable[[Any], object] | None = None,
    transform: Callable[[Any], Any] | None = None,
) -> Path:
    """Decode a real original file with cbor2, change it in place (`mutate`, whose result is
    ignored) or replace it (`transform`), and encode it again."""
    with open(source, "rb") as f:
        data = cbor2.load(f)
    if mutate is not None:
        mutate(data)
    if transform is not None:
        data = transform(data)
    with open(target, "wb") as f:
        cbor2.dump(data, f)
    return target


def bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values).view(_UINT[values.dtype.itemsize])


def expected_activations(given: np.ndarray, dtype: str) -> np.ndarray:
    """What the original exporter stored: each value packed with struct as float32/float64 (IEEE rounding)."""
    return np.asarray(given).astype(dtype)


def expected_pixels(images: np.ndarray) -> np.ndarray:
    """The original's pixels: (image * 255) truncated to uint8, channel-major -> (N, H, W, 3)."""
    return np.moveaxis((images * 255).astype(np.uint8), 1, -1)


def check_dataset(dataset: deephys.Dataset, inputs: Any, dtype: str, layers: tuple[tuple[str, int], ...]) -> None:
    """Every number of a converted dataset against what was given to the original exporter."""
    n = len(inputs.groundtruth)
    assert len(dataset) == n
    for name, units in layers:
        assert dataset.dtype(name) == dtype
        got = dataset.activations(name)
        want = expected_activations(inputs.activations[name], dtype)
        assert got.dtype == np.dtype(dtype) and got.shape == (n, units)
        np.testing.assert_array_equal(bits(got), bits(want), err_msg=f"layer {name} is not bit-identical")
    np.testing.assert_array_equal(dataset.labels, inputs.groundtruth)
    logits = expected_activations(inputs.activations["out"], dtype)
    np.testing.assert_array_equal(dataset.predictions, np.argmax(logits, axis=1))
    pixels = expected_pixels(inputs.images)
    for i in range(n):
        np.testing.assert_array_equal(dataset.image(i), pixels[i], err_msg=f"image {i}")


def check_valid(path: Path) -> None:
    report = validate(path)
    assert report.ok, report.problems
