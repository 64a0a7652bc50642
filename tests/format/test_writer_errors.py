"""The writer refuses bad input with a ValueError (or TypeError) that says what to fix."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from format_helpers import time_limit  # noqa: F401 (autouse: no test may hang)

import deephys

MODEL = deephys.Model("m", layers={"fc": 4, "out": 3}, classifier="out")
CLASSES = ["a", "b", "c"]


def good(n: int = 5) -> dict:
    rng = np.random.default_rng(0)
    return dict(
        labels=np.arange(n) % 3,
        activations={"fc": rng.random((n, 4), dtype=np.float32), "out": rng.random((n, 3), dtype=np.float32)},
    )


def with_activations(**layers) -> dict:
    batch = good()
    batch["activations"] = {**batch["activations"], **layers}
    return {**batch, "activations": {k: v for k, v in batch["activations"].items() if v is not None}}


BAD_BATCHES = {
    "a layer missing": (with_activations(fc=None), r"missing \['fc'\]"),
    "an unknown layer": (with_activations(conv=np.zeros((5, 2))), r"unknown \['conv'\]"),
    "too few units": (with_activations(fc=np.zeros((5, 3))), r"'fc'.*shape \(5, 4\), got \(5, 3\)"),
    "too few rows": (with_activations(out=np.zeros((4, 3))), r"'out'.*shape \(5, 3\), got \(4, 3\)"),
    "a feature map": (with_activations(fc=np.zeros((5, 4, 2, 2))), r"pool feature maps"),
    "one-dimensional activations": (with_activations(fc=np.zeros(20)), r"shape \(5, 4\)"),
    "labels out of range": ({**good(), "labels": [0, 1, 2, 3, 0]}, r"label 3 of image 3 is out of range.*3 classes"),
    "negative labels": ({**good(), "labels": [0, -1, 2, 1, 0]}, r"label -1 of image 1 is out of range"),
    "fractional labels": ({**good(), "labels": [0, 1.5, 2, 1, 0]}, r"integer class indices"),
    "two-dimensional labels": ({**good(), "labels": np.zeros((5, 1), int)}, r"1-D"),
    "predictions out of range": ({**good(), "predictions": [0, 1, 2, 3, 0]}, r"predictions out of range 0..2"),
    "predictions of the wrong length": ({**good(), "predictions": [0, 1]}, r"predictions must have shape \(5,\)"),
    "metadata of the wrong length": ({**good(), "metadata": [{}]}, r"1 metadata entries for 5 images"),
    "too few images": ({**good(), "images": np.zeros((4, 8, 8, 3), np.uint8)}, r"4 images for 5 labels"),
    "ambiguous layout": (
        {**good(), "images": np.zeros((5, 3, 8, 3), np.uint8)},
        r"channels-first or channels-last.*layout='NCHW'",
    ),
    "no channel axis": ({**good(), "images": np.zeros((5, 8, 8, 5), np.uint8)}, r"no channel axis of size 1 or 3"),
    "four channels": (
        {**good(), "images": np.zeros((5, 8, 8, 4), np.uint8), "layout": "NHWC"},
        r"greyscale or RGB; got 4 channels",
    ),
    "five-dimensional images": ({**good(), "images": np.zeros((5, 1, 8, 8, 3))}, r"\(N, H, W\)"),
    "normalized float images": (
        {**good(), "images": np.full((5, 8, 8, 3), -1.9)},
        r"\[0, 1\].*normalized.*x \* std \+ mean",
    ),
    "float images in 0..255": ({**good(), "images": np.full((5, 8, 8, 3), 200.0)}, r"must lie in \[0, 1\]"),
    "NaN pixels": ({**good(), "images": np.full((5, 8, 8), np.nan)}, r"NaN or infinite pixels"),
    "integer pixels above 255": ({**good(), "images": np.full((5, 8, 8), 300, np.int32)}, r"\[0, 255\]"),
    "an unknown layout": ({**good(), "images": np.zeros((5, 8, 8, 3)), "layout": "HWC"}, r"layout must be"),
}


@pytest.mark.parametrize("case", BAD_BATCHES)
def test_bad_batch(tmp_path: Path, case: str) -> None:
    batch, message = BAD_BATCHES[case]
    path = tmp_path / "run.deephys"
    with pytest.raises(ValueError, match=message):
        with deephys.Writer(path, model=MODEL, classes=CLASSES) as w, w.dataset("d") as d:
            d.append(**batch)
    assert not path.exists()


def test_bad_batch_through_add_dataset(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="normalized"):
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL) as w:
            w.add_dataset("d", **good(), images=np.full((5, 3, 8, 8), 1.5))


def test_images_in_some_batches_only(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="every batch or with none"):
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL) as w, w.dataset("d") as d:
            d.append(**good(), images=np.zeros((5, 8, 8), np.uint8))
            d.append(**good())


def test_layout_resolves_ambiguity(tmp_path: Path) -> None:
    path = tmp_path / "r.deephys"
    images = np.arange(5 * 3 * 4 * 3, dtype=np.uint8).reshape(5, 3, 4, 3)
    with deephys.Writer(path, model=MODEL) as w:
        w.add_dataset("nhwc", **good(), images=images, layout="NHWC")
        w.add_dataset("nchw", **good(), images=images, layout="NCHW")
    with deephys.open(path) as run:
        assert run.datasets["nhwc"].image(0).shape == (3, 4, 3)
        np.testing.assert_array_equal(run.datasets["nhwc"].image(1), images[1])
        assert run.datasets["nchw"].image(0).shape == (4, 3, 3)
        np.testing.assert_array_equal(run.datasets["nchw"].image(1), np.moveaxis(images[1], 0, -1))


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p: deephys.Writer(p, model=MODEL, classes=["a", "b"]), ValueError, r"2 class names.*'out' has 3 units"),
        (lambda p: deephys.Writer(p), TypeError, r"needs a model"),
        (lambda p: deephys.Writer(p, model=MODEL, mode="x"), ValueError, r"mode must be 'w' or 'a'"),
        (lambda p: deephys.Writer(p, model=MODEL, top_k=0), ValueError, r"must be positive"),
        (lambda p: deephys.Writer(p / "missing" / "r.deephys", model=MODEL), FileNotFoundError, r"does not exist"),
        (lambda p: deephys.Model("m", layers={}), ValueError, r"at least one layer"),
        (lambda p: deephys.Model("m", layers={"a": 0}), ValueError, r"at least one unit"),
        (lambda p: deephys.Model("m", layers={"a": 2}, classifier="b"), ValueError, r"classifier 'b' is not one of"),
        (lambda p: deephys.Model("m", layers=[("a", 2), ("a", 3)]), ValueError, r"duplicate layer names: a"),
        (lambda p: deephys.Model("m", layers=[deephys.Layer("a", 2, pooling="avg")]), ValueError, r"unknown pooling"),
        (lambda p: deephys.Model("m", layers=[deephys.Layer("a", 2, unit_labels=["x"])]), ValueError, r"1 unit labels"),
        (lambda p: deephys.Model("m", layers={"": 2}), ValueError, r"non-empty"),
    ],
)
def test_bad_setup(tmp_path: Path, make, error, message) -> None:
    with pytest.raises(error, match=message):
        make(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(name=""), r"non-empty string"),
        (dict(name="dup"), r"already has a dataset named 'dup'"),
        (dict(name="x", role="test"), r"role must be 'id' or 'ood'"),
        (dict(name="x", activation_dtype="int8"), r"unknown activation dtype 'int8'"),
    ],
)
def test_bad_dataset(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL) as w:
            w.add_dataset("dup", **good())
            w.add_dataset(**good(), **kwargs)


def test_unsupported_activation_dtype(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="use a float dtype"):
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL) as w:
            w.add_dataset("d", labels=[0], activations={"fc": np.zeros((1, 4), complex), "out": np.zeros((1, 3))})


def test_one_open_dataset_at_a_time(tmp_path: Path) -> None:
    with deephys.Writer(tmp_path / "r.deephys", model=MODEL) as w:
        first = w.dataset("a")
        first.append(**good())
        with pytest.raises(RuntimeError, match="'a' is still open"):
            w.dataset("b")
        first.close()
        w.add_dataset("b", **good())
    with pytest.raises(RuntimeError, match="closed"):
        w.add_dataset("c", **good())
    with pytest.raises(RuntimeError, match="closed"):
        first.append(**good())


def test_dataset_without_any_batch(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="append at least one"):
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL) as w, w.dataset("a"):
            pass


def test_append_with_another_model_or_classes(tmp_path: Path) -> None:
    path = tmp_path / "r.deephys"
    with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
        w.add_dataset("a", **good())
    with deephys.open(path) as run:
        footer_offset = run.trailer.footer_offset
    before = path.read_bytes()
    other = deephys.Model("m", layers={"fc": 5, "out": 3}, classifier="out")
    with pytest.raises(ValueError, match="model given differs"):
        deephys.Writer(path, model=other, mode="a")
    with pytest.raises(ValueError, match="classes given differ"):
        deephys.Writer(path, classes=["x", "y", "z"], mode="a")
    with deephys.Writer(path, model=MODEL, classes=CLASSES, mode="a") as w:  # the same model is fine
        w.add_dataset("b", **good())
    assert path.read_bytes()[:footer_offset] == before[:footer_offset]
    with deephys.open(path) as run:
        assert list(run.datasets) == ["a", "b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.deephys"]


def test_append_to_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "r.deephys"
    path.write_bytes(b"not a deephys file at all" * 10)
    with pytest.raises(deephys.FormatError):
        deephys.Writer(path, mode="a")
    assert path.read_bytes() == b"not a deephys file at all" * 10


@pytest.mark.parametrize("dtype, big", [("float16", 7e4), ("bfloat16", 3.4e38), ("float32", 1e300)])
def test_values_beyond_the_stored_range_warn_once(tmp_path: Path, dtype: str, big: float) -> None:
    import warnings

    source = np.float64 if dtype == "float32" else np.float32
    batch = good(6)
    fc = batch["activations"]["fc"].astype(source)
    fc[1, 2], fc[4, 0], fc[5, 3] = big, -big, np.inf  # two finite values overflow; inf stays inf, unreported
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL, classes=CLASSES, activation_dtype=dtype) as w:
            with w.dataset("big") as d:  # two batches: one warning for the dataset and layer
                d.append(labels=batch["labels"][:3], activations={"fc": fc[:3], "out": batch["activations"]["out"][:3]})
                d.append(labels=batch["labels"][3:], activations={"fc": fc[3:], "out": batch["activations"]["out"][3:]})
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages  # no NumPy "overflow encountered in cast" besides
    assert "dataset 'big', layer 'fc': 2 finite value(s)" in messages[0]
    assert f"beyond the {dtype} range" in messages[0] and "activation_dtype='float32'" in messages[0]
    assert caught[0].filename == __file__  # points at the user's code
    with deephys.open(tmp_path / "r.deephys") as run:
        stored = run.datasets["big"].activations("fc")
    assert stored[1, 2] == np.inf and stored[4, 0] == -np.inf and stored[5, 3] == np.inf
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL, classes=CLASSES, activation_dtype=dtype) as w:
            w.add_dataset("again", labels=batch["labels"], activations={**batch["activations"], "fc": fc})
    assert len(caught) == 1 and caught[0].filename == __file__


def test_values_within_range_do_not_warn(tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL, classes=CLASSES, activation_dtype="float16") as w:
            w.add_dataset("fine", **good())


@pytest.mark.parametrize(
    ("array", "value", "listed"),
    [
        ("images", np.zeros((4, 8, 8, 3), np.uint8), "images has 4"),
        ("activations", {"fc": np.zeros((7, 4), np.float32)}, "activations['fc'] has 7"),
        ("predictions", np.zeros(6, np.int64), "predictions has 6"),
        ("metadata", [{}] * 3, "metadata has 3"),
    ],
)
def test_add_dataset_refuses_arrays_of_other_lengths(tmp_path: Path, array: str, value, listed: str) -> None:
    data = good()
    if array == "activations":
        data["activations"] = {**data["activations"], **value}
    else:
        data[array] = value
    path = tmp_path / "run.deephys"
    with pytest.raises(deephys.UsageError, match=rf"dataset 'd': labels has 5 rows but {re.escape(listed)}"):
        with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
            w.add_dataset("d", **data)
    assert not path.exists()


def test_non_finite_logits_warn_once_and_store_undefined_confidences(tmp_path: Path) -> None:
    import warnings

    data = good()
    data["activations"]["out"][1] = [np.nan, 1.0, 0.0]
    data["activations"]["out"][3] = [np.inf, 1.0, 0.0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with deephys.Writer(tmp_path / "r.deephys", model=MODEL, classes=CLASSES) as w:
            w.add_dataset("d", **data, batch_size=2)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "2 image(s) have NaN or infinite outputs in the classifier layer 'out'" in messages[0]
    assert caught[0].filename == __file__
    with deephys.open(tmp_path / "r.deephys") as run:
        confidences = run.datasets["d"].confidences
    assert np.isnan(confidences[[1, 3]]).all() and np.isfinite(np.delete(confidences, [1, 3])).all()
