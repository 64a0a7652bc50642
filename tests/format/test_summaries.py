"""Per-layer summaries: the streaming `SummaryBuilder` equals the direct `compute_summary`,
which equals a plain-Python reading of docs/format.md."""

from __future__ import annotations

import math

import numpy as np
from format_helpers import time_limit  # noqa: F401 (autouse: no test may hang)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from summary_reference import compute_summary

from deephys.format.limits import ABSENT_INDEX
from deephys.format.summaries import HistogramBuilder, LayerSummary, SummaryBuilder

SPECIAL = [0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, -1.0, 2.5, 1e-30, 3e38]


def streamed(
    values: np.ndarray, labels: np.ndarray, classes: int, top_k: int, bins: int, splits: list[int]
) -> LayerSummary:
    """Feed `values` to a SummaryBuilder in chunks cut at `splits`, as the writer does."""
    builder = SummaryBuilder(values.shape[1], classes, top_k, bins)
    for part, part_labels in zip(np.split(values, splits), np.split(labels, splits)):
        builder.add(part, part_labels)
    summary = builder.partial()
    histogram = HistogramBuilder(np.nan_to_num(summary.min), np.nan_to_num(summary.max), bins)
    for part in np.split(values, splits):
        histogram.add(part)
    summary.histogram = histogram.result()
    return summary


def assert_summaries_equal(got: LayerSummary, want: LayerSummary) -> None:
    """Exact for counts, indices, top values, min, max and histogram; close for the means."""
    assert got.images == want.images
    for field in ("min", "max", "nan_count", "inf_count", "top_indices", "top_values", "class_counts", "histogram"):
        np.testing.assert_array_equal(getattr(got, field), getattr(want, field), err_msg=field)
        assert getattr(got, field).shape == getattr(want, field).shape, field
    np.testing.assert_allclose(got.mean, want.mean, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg="mean")
    np.testing.assert_allclose(
        got.class_means, want.class_means, rtol=1e-6, atol=1e-6, equal_nan=True, err_msg="class_means"
    )


@st.composite
def layer_data(draw):
    n = draw(st.integers(0, 40))
    units = draw(st.integers(1, 5))
    classes = draw(st.integers(1, 4))
    # Few distinct values, so that ties, zeros, NaN and inf are common.
    values = draw(hnp.arrays(np.float64, (n, units), elements=st.sampled_from(SPECIAL + [0.5, 7.0, -3.0])))
    labels = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)), np.int64)
    splits = sorted(draw(st.lists(st.integers(0, n), max_size=5)))
    top_k = draw(st.integers(1, 8))
    bins = draw(st.integers(1, 6))
    return values, labels, classes, top_k, bins, splits


@settings(max_examples=150, deadline=None)
@given(layer_data())
def test_streaming_equals_direct(case) -> None:
    values, labels, classes, top_k, bins, splits = case
    assert_summaries_equal(
        streamed(values, labels, classes, top_k, bins, splits), compute_summary(values, labels, classes, top_k, bins)
    )


@settings(max_examples=100, deadline=None)
@given(layer_data())
def test_direct_equals_the_spec(case) -> None:
    values, labels, classes, top_k, bins, _ = case
    assert_summaries_equal(
        compute_summary(values, labels, classes, top_k, bins), spec_summary(values, labels, classes, top_k, bins)
    )


def spec_summary(values: np.ndarray, labels: np.ndarray, classes: int, top_k: int, bins: int) -> LayerSummary:
    """docs/format.md "Summaries", one unit and one value at a time in plain Python."""
    n, units = values.shape
    out = {name: [] for name in ("min", "max", "mean", "nan", "inf", "idx", "top", "hist")}
    for u in range(units):
        column = [float(v) for v in values[:, u]]
        finite = [v for v in column if math.isfinite(v)]
        lo, hi = (min(finite), max(finite)) if finite else (math.nan, math.nan)
        out["min"].append(lo)
        out["max"].append(hi)
        out["mean"].append(sum(column) / n if n else math.nan)
        out["nan"].append(sum(math.isnan(v) for v in column))
        out["inf"].append(sum(math.isinf(v) for v in column))
        ranked = sorted((-v, i) for i, v in enumerate(column) if math.isfinite(v) and v != 0)[:top_k]
        padding = top_k - len(ranked)
        out["idx"].append([i for _, i in ranked] + [ABSENT_INDEX] * padding)
        out["top"].append([-v for v, _ in ranked] + [0.0] * padding)
        counts = [0] * bins
        for v in finite:
            b = 0 if hi == lo else min(bins - 1, math.floor((v - lo) / (hi - lo) * bins))
            counts[b] += 1
        out["hist"].append(counts)
    class_counts = [int(np.sum(labels == c)) for c in range(classes)]
    class_means = [
        [
            sum(float(values[i, u]) for i in range(n) if labels[i] == c) / class_counts[c]
            if class_counts[c]
            else math.nan
            for u in range(units)
        ]
        for c in range(classes)
    ]
    return LayerSummary(
        images=n,
        min=np.array(out["min"]),
        max=np.array(out["max"]),
        mean=np.array(out["mean"]),
        nan_count=np.array(out["nan"], np.uint32),
        inf_count=np.array(out["inf"], np.uint32),
        top_indices=np.array(out["idx"], np.uint32).reshape(units, top_k),
        top_values=np.array(out["top"]).reshape(units, top_k),
        class_means=np.array(class_means, np.float32).reshape(classes, units),
        class_counts=np.array(class_counts, np.uint32),
        histogram=np.array(out["hist"], np.uint32).reshape(units, bins),
    )


def test_ties_go_to_the_lower_image_index_across_chunks() -> None:
    values = np.array([[1.0], [5.0], [5.0], [2.0], [5.0], [5.0], [1.0]])
    labels = np.zeros(7, np.int64)
    for splits in ([], [1], [2], [3, 4], [1, 2, 3, 4, 5, 6]):
        summary = streamed(values, labels, 1, 3, 4, splits)
        assert summary.top_indices[0].tolist() == [1, 2, 4], splits
        assert summary.top_values[0].tolist() == [5.0, 5.0, 5.0]


def test_nan_inf_and_zero_are_never_top_images() -> None:
    values = np.array([[np.nan], [np.inf], [0.0], [-np.inf], [-0.0], [-2.0], [3.0]])
    summary = streamed(values, np.zeros(7, np.int64), 1, 5, 2, [3])
    assert summary.top_indices[0].tolist() == [6, 5, ABSENT_INDEX, ABSENT_INDEX, ABSENT_INDEX]
    assert summary.top_values[0].tolist() == [3.0, -2.0, 0.0, 0.0, 0.0]
    assert summary.nan_count.tolist() == [1] and summary.inf_count.tolist() == [2]
    assert (summary.min[0], summary.max[0]) == (-2.0, 3.0)
    assert np.isnan(summary.mean[0])  # NaN propagates into the plain mean
    assert summary.histogram.tolist() == [[3, 1]]  # finite values only: -2, 0, -0 | 3


def test_padding_when_a_unit_has_fewer_candidates_than_k() -> None:
    values = np.array([[0.0, 1.0], [0.0, 0.0]])
    summary = streamed(values, np.array([0, 0]), 1, 100, 8, [])
    assert summary.top_indices.shape == (2, 100)
    assert (summary.top_indices[0] == ABSENT_INDEX).all() and (summary.top_values[0] == 0).all()
    assert summary.top_indices[1, 0] == 0 and (summary.top_indices[1, 1:] == ABSENT_INDEX).all()
    assert summary.top_images(1)[0].tolist() == [0]
    assert summary.top_images(0)[0].size == 0


def test_unit_without_finite_values_and_empty_dataset() -> None:
    summary = streamed(np.array([[np.nan], [np.inf]]), np.array([0, 0]), 2, 3, 4, [1])
    assert np.isnan(summary.min[0]) and np.isnan(summary.max[0])
    assert summary.histogram.tolist() == [[0, 0, 0, 0]]
    assert np.isnan(summary.class_means[1, 0])  # class 1 has no images
    empty = streamed(np.zeros((0, 3)), np.zeros(0, np.int64), 2, 3, 4, [])
    assert empty.images == 0 and np.isnan(empty.mean).all() and np.isnan(empty.class_means).all()
    assert_summaries_equal(empty, compute_summary(np.zeros((0, 3)), np.zeros(0, np.int64), 2, 3, 4))


def test_constant_unit_puts_everything_in_bin_zero() -> None:
    summary = compute_summary(np.full((5, 1), 4.0), np.zeros(5, np.int64), 1, 2, 3)
    assert summary.histogram.tolist() == [[5, 0, 0]]


def test_maximum_lands_in_the_last_bin() -> None:
    summary = compute_summary(np.array([[0.0], [0.5], [1.0]]), np.zeros(3, np.int64), 1, 2, 2)
    assert summary.histogram.tolist() == [[1, 2]]


def test_large_layer_in_many_chunks_matches() -> None:
    rng = np.random.default_rng(0)
    values = np.maximum(rng.standard_normal((3000, 64)), 0).astype(np.float16).astype(np.float64)
    labels = rng.integers(0, 10, 3000)
    splits = sorted(rng.integers(0, 3000, 30).tolist())
    assert_summaries_equal(streamed(values, labels, 10, 100, 64, splits), compute_summary(values, labels, 10, 100, 64))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["float16", "float32", "float64"]), st.booleans())
def test_streaming_equals_direct_at_scale(seed: int, dtype: str, special: bool) -> None:
    """Blocks longer than top_k (the writer's fast paths), values as stored (float16/32, not widened),
    ReLU-like zeros, ties, and sometimes NaN/inf."""
    rng = np.random.default_rng(seed)
    n, units, classes, top_k, bins = int(rng.integers(150, 700)), 7, 4, int(rng.integers(1, 40)), 9
    values = np.maximum(rng.standard_normal((n, units)), 0) * rng.choice([1.0, 3.0], units)
    values[:, 0] = np.round(values[:, 0] * 2) / 2  # many ties
    values[:, 1] = -np.abs(values[:, 1])  # no positive value: the top comes from the negatives
    values[:, 2] = 0.0
    if special:
        values[rng.integers(0, n, 9), rng.integers(0, units, 9)] = rng.choice([np.nan, np.inf, -np.inf], 9)
    values = values.astype(dtype)
    labels = rng.integers(0, classes, n)
    splits = sorted(rng.integers(0, n, int(rng.integers(0, 4))).tolist())
    want = compute_summary(values.astype(np.float64), labels, classes, top_k, bins)
    assert_summaries_equal(streamed(values, labels, classes, top_k, bins, splits), want)
