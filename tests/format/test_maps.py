"""Where a unit fires: the maps of each unit's top images, reduced by exact area weights, kept while a
dataset streams in, stored as uint8 with an offset and scale, read back aligned with the top lists."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from format_helpers import time_limit  # noqa: F401 (autouse)
from make_malicious import parse, replace_record

import deephys
from deephys.format.maps import area_weights, reduce_maps, token_grid

CLASSES = ["a", "b"]
MODEL = deephys.Model("conv", layers={"conv": 3, "out": 2}, classifier="out")


@pytest.mark.parametrize(("size", "target"), [(24, 16), (7, 7), (17, 5), (64, 16), (3, 16)])
def test_area_reduction_keeps_the_mean(size: int, target: int) -> None:
    rng = np.random.default_rng(size)
    maps = rng.random((4, size, size + 3))
    reduced = reduce_maps(maps, target)
    assert reduced.shape == (4, min(size, target), min(size + 3, target))
    np.testing.assert_allclose(reduced.mean(axis=(1, 2)), maps.mean(axis=(1, 2)), rtol=1e-6)
    np.testing.assert_allclose(area_weights(size, min(size, target)).sum(axis=1), 1.0)


def test_token_grids() -> None:
    assert token_grid(196) == (0, 14, 14)
    assert token_grid(197) == (1, 14, 14)  # a CLS token, then 14 x 14 patches
    assert token_grid(51) == (0, 1, 51)  # no square: a strip


def _patch_maps(n: int, rng: np.random.Generator, side: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Unit u fires on a 4 x 4 patch at a position that depends on the unit; strength varies by image."""
    maps = rng.random((n, 3, side, side)) * 0.05
    strength = rng.random((n, 3)) + 0.5
    for u, (y, x) in enumerate([(2, 2), (10, 16), (18, 4)]):
        maps[:, u, y : y + 4, x : x + 4] += strength[:, u, None, None]
    return maps, maps.mean(axis=(2, 3))  # mean pooling: the activation is the map's mean


def write(path: Path, batches: int = 3, dtype: str | None = None, **options) -> tuple[Path, np.ndarray]:
    rng = np.random.default_rng(0)
    all_maps = []
    with deephys.Writer(path, model=MODEL, classes=CLASSES, activation_dtype=dtype, top_k=10, **options) as w:
        with w.dataset("d") as d:
            for _ in range(batches):
                maps, acts = _patch_maps(20, rng)
                all_maps.append(maps)
                d.append(
                    labels=rng.integers(0, 2, 20), activations={"conv": acts, "out": acts[:, :2]}, maps={"conv": maps}
                )
    return path, np.concatenate(all_maps)


@pytest.mark.parametrize("dtype", [None, "float16"])
def test_maps_follow_the_top_lists_and_peak_on_the_patch(tmp_path: Path, dtype: str | None) -> None:
    path, full = write(tmp_path / "m.deephys", dtype=dtype, map_images=4)
    with deephys.open(path) as run:
        dataset = run.datasets["d"]
        assert dataset.top_maps("out", 0) is None  # recorded without maps
        for unit, (y, x) in enumerate([(2, 2), (10, 16), (18, 4)]):
            top, _ = dataset.summary("conv").top_images(unit)  # ranked by the stored (maybe float16) values
            maps = dataset.top_maps("conv", unit)
            assert maps is not None and maps.shape == (4, 16, 16)
            expected = reduce_maps(full[top[:4], unit], 16)
            np.testing.assert_allclose(maps, expected, atol=expected.max() / 200)
            peak = np.unravel_index(maps[0].argmax(), maps[0].shape)
            assert abs(peak[0] - (y + 2) * 16 / 24) < 2 and abs(peak[1] - (x + 2) * 16 / 24) < 2
            # Mean pooling: each stored map averages to the activation it came from, within 1% of its maximum.
            acts = dataset.activations("conv")[top[:4], unit].astype(np.float64)
            assert np.all(np.abs(maps.mean(axis=(1, 2)) - acts) <= 0.01 * maps.max(axis=(1, 2)))
    assert deephys.validate(path).ok


def test_appends_keep_maps_and_add_dataset_takes_them(tmp_path: Path) -> None:
    path, _ = write(tmp_path / "m.deephys")
    rng = np.random.default_rng(5)
    maps, acts = _patch_maps(30, rng, side=8)
    with deephys.Writer(path, mode="a", in_place=True) as w:
        w.add_dataset(
            "more",
            role="ood",
            labels=rng.integers(0, 2, 30),
            activations={"conv": acts, "out": acts[:, :2]},
            maps={"conv": maps},
            batch_size=7,
        )
    with deephys.open(path) as run:
        assert run.datasets["d"].top_maps("conv", 1) is not None
        more = run.datasets["more"].top_maps("conv", 2)
        top, _ = run.datasets["more"].summary("conv").top_images(2)
        np.testing.assert_allclose(more, maps[top[: len(more)], 2], atol=maps.max() / 200)  # 8 x 8: not reduced
    assert deephys.validate(path).ok


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda acts, maps: {"maps": {"conv": maps[:, :2]}}, r"maps must be \(images, units, height, width\)"),
        (lambda acts, maps: {"maps": {"nope": maps}}, r"maps of \['nope'\]"),
    ],
)
def test_maps_that_disagree_are_refused_at_write(tmp_path: Path, make, message: str) -> None:
    rng = np.random.default_rng(1)
    maps, acts = _patch_maps(5, rng)
    path = tmp_path / "m.deephys"
    with pytest.raises(deephys.UsageError, match=message):
        with deephys.Writer(path, model=MODEL, classes=CLASSES) as w, w.dataset("d") as d:
            d.append(labels=[0] * 5, activations={"conv": acts, "out": acts[:, :2]}, **make(acts, maps))
    assert not path.exists()


def test_maps_must_come_with_every_batch_or_none(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    maps, acts = _patch_maps(5, rng)
    batch = {"labels": [0] * 5, "activations": {"conv": acts, "out": acts[:, :2]}}
    with pytest.raises(deephys.UsageError, match="give them in every batch"):
        with deephys.Writer(tmp_path / "a.deephys", model=MODEL, classes=CLASSES) as w, w.dataset("d") as d:
            d.append(**batch, maps={"conv": maps})
            d.append(**batch)
    with pytest.raises(deephys.UsageError, match="not in the first batch"):
        with deephys.Writer(tmp_path / "b.deephys", model=MODEL, classes=CLASSES) as w, w.dataset("d") as d:
            d.append(**batch)
            d.append(**batch, maps={"conv": maps})


def test_damaged_maps_leave_the_rest_of_the_file_readable(tmp_path: Path) -> None:
    path, _ = write(tmp_path / "m.deephys")
    data = path.read_bytes()
    ref = parse(data).footer.datasets[0].layers[0].maps.chunks[0].record
    damaged = tmp_path / "damaged.deephys"
    damaged.write_bytes(
        replace_record(data, ref, lambda record: setattr(record.maps, "values", record.maps.values[:-1]))
    )
    with deephys.open(damaged) as run:
        dataset = run.datasets["d"]
        dataset.summary("conv")
        dataset.activations("conv")
        with pytest.raises(deephys.FormatError, match="map chunk has the wrong number of bytes") as info:
            dataset.top_maps("conv", 0)
        assert info.value.code == "bad-record"
    assert not deephys.validate(damaged).ok
