"""The exporters' choice of the maps that leave the device (export/maps.py), framework-free: the candidates
`MapCandidates` picks hold every map the writer keeps, whatever the stored dtype and its ties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import deephys
from deephys.errors import UsageError
from deephys.export.maps import MapCandidates, map_weights
from deephys.format.maps import SparseMaps, area_weights, reduce_maps

UNITS, GRID = 6, (3, 4)


def batches(seed: int, n: int = 120, size: int = 16) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(labels, values (n, units), maps (n, units, h, w)) batches; values on a coarse grid (many ties), with
    zeros, NaNs and values that overflow float16."""
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(3, 2, (n, UNITS)), 1).astype(np.float32)
    values[rng.random((n, UNITS)) < 0.1] = 0
    values[rng.random((n, UNITS)) < 0.02] = np.nan
    values[rng.random((n, UNITS)) < 0.02] = 70000.0  # inf once stored as float16: never a top image there
    values += (rng.random((n, UNITS)) < 0.3) * np.float32(1e-4)  # distinct in float32, tied in float16
    maps = rng.random((n, UNITS, *GRID)).astype(np.float32)
    labels = rng.integers(0, 2, n)
    return [(labels[i : i + size], values[i : i + size], maps[i : i + size]) for i in range(0, n, size)]


def write(path: Path, parts: list, dtype: str, sparse: bool) -> deephys.Run:
    model = deephys.Model("m", layers={"conv": UNITS, "logits": 2}, classifier="logits")
    with deephys.Writer(path, model=model, classes=["a", "b"], map_images=5, top_k=7, activation_dtype=dtype) as w:
        with w.dataset("ID") as dataset:
            candidates = MapCandidates(UNITS, 5, dtype)
            for labels, values, maps in parts:
                given: np.ndarray | SparseMaps = maps
                if sparse:
                    rows, units = candidates.select(values)
                    given = SparseMaps((len(labels), UNITS), rows, units, maps[rows, units])
                logits = np.stack([labels, 1 - labels], axis=1).astype(np.float32)
                dataset.append(labels=labels, activations={"conv": values, "logits": logits}, maps={"conv": given})
    return deephys.open(path)


@pytest.mark.filterwarnings("ignore:.*stored as inf:RuntimeWarning")  # the float16 overflow is on purpose
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_the_candidates_hold_every_map_the_writer_keeps(tmp_path: Path, dtype: str) -> None:
    parts = batches(seed=3)
    with write(tmp_path / "dense.deephys", parts, dtype, sparse=False) as dense:
        with write(tmp_path / "sparse.deephys", parts, dtype, sparse=True) as sparse:
            a, b = dense.datasets["ID"], sparse.datasets["ID"]
            np.testing.assert_array_equal(a.summary("conv").top_indices, b.summary("conv").top_indices)
            np.testing.assert_array_equal(a.all_top_maps("conv"), b.all_top_maps("conv"))


def test_few_maps_leave_the_device_after_the_first_batches() -> None:
    rng = np.random.default_rng(0)
    candidates = MapCandidates(64, 8, "float32")
    counts = [candidates.select(rng.random((128, 64), np.float32))[0].size for _ in range(40)]
    assert counts[0] == 64 * 8  # the first batch fills the lists
    assert sum(counts[-10:]) / 10 < 64 * 8 / 10  # later, about m * batch / images seen per unit


def test_a_kept_top_image_without_its_map_is_an_error(tmp_path: Path) -> None:
    model = deephys.Model("m", layers={"conv": 2, "logits": 2}, classifier="logits")
    values = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    with deephys.Writer(tmp_path / "r.deephys", model=model, classes=["a", "b"], map_images=2) as writer:
        with writer.dataset("ID") as dataset:
            partial = SparseMaps((2, 2), np.array([0]), np.array([0]), np.ones((1, 2, 2), np.float32))
            with pytest.raises(UsageError, match="never given"):
                dataset.append(labels=[0, 1], activations={"conv": values, "logits": values}, maps={"conv": partial})
            wrong = SparseMaps((3, 2), np.array([0]), np.array([0]), np.ones((1, 2, 2), np.float32))
            with pytest.raises(UsageError, match="expected shape"):
                dataset.append(labels=[0, 1], activations={"conv": values, "logits": values}, maps={"conv": wrong})
        writer.abort()


def test_the_device_reduction_uses_the_formats_area_weights() -> None:
    weights = map_weights(25, 7, 16)
    assert weights is not None
    rows, cols = weights
    assert rows.dtype == np.float32 and rows.shape == (16, 25) and cols.shape == (7, 7)
    np.testing.assert_allclose(rows, area_weights(25, 16), rtol=1e-6)
    maps = np.random.default_rng(0).random((2, 3, 25, 7))
    np.testing.assert_allclose(rows @ maps @ cols.T, reduce_maps(maps), rtol=1e-5)
    assert map_weights(12, 12, 16) is None  # small enough: kept as it is
