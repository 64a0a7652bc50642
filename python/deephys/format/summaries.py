"""Per-layer summaries (docs/format.md, "Summaries"), built while streaming.

`SummaryBuilder` sees the activations chunk by chunk and keeps memory that does
not grow with the number of images. The tests check it against a direct batch
definition built on `deephys.analysis` (tests/format/summary_reference.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .limits import ABSENT_INDEX


def summary_data_bytes(units: int, classes: int, top_k: int, bins: int, itemsize: int) -> int:
    """The bytes of the fields of a layer's summary record (docs/format.md, "Summaries"): its size, less
    the few bytes of field tags, lengths and counts."""
    per_unit = 3 * 8 + 2 * 4 + top_k * (4 + itemsize) + 4 * bins + 4 * classes
    return units * per_unit + 4 * classes


def summary_record_bytes(units: int, classes: int, top_k: int, bins: int, itemsize: int) -> int:
    """How large the summary record of a layer is, a little over."""
    return summary_data_bytes(units, classes, top_k, bins, itemsize) + 1024


@dataclass
class LayerSummary:
    """Statistics of one layer over one dataset (arrays indexed by unit, class)."""

    images: int
    min: np.ndarray  # (U,) float64, over finite values
    max: np.ndarray  # (U,) float64
    mean: np.ndarray  # (U,) float64, NaN/inf propagate
    nan_count: np.ndarray  # (U,) uint32
    inf_count: np.ndarray  # (U,) uint32
    top_indices: np.ndarray  # (U, k) uint32, ABSENT_INDEX padded
    top_values: np.ndarray  # (U, k) float64 (exact values of the stored dtype)
    class_means: np.ndarray  # (C, U) float32
    class_counts: np.ndarray  # (C,) uint32
    histogram: np.ndarray  # (U, bins) uint32

    @property
    def units(self) -> int:
        return int(self.min.shape[0])

    @property
    def top_k(self) -> int:
        return int(self.top_indices.shape[1])

    def top_images(self, unit: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of the unit's top images, without padding."""
        keep = self.top_indices[unit] != ABSENT_INDEX
        return self.top_indices[unit][keep].astype(np.int64), self.top_values[unit][keep]


class SummaryBuilder:
    """Streaming summary of one layer. Feed rows in image order with `add`."""

    def __init__(self, units: int, classes: int, top_k: int, bins: int):
        self.units, self.classes, self.top_k, self.bins = units, classes, top_k, bins
        self.rows = 0
        self._min = np.full(units, np.inf)
        self._max = np.full(units, -np.inf)
        self._sum = np.zeros(units)
        self._nan = np.zeros(units, np.int64)
        self._inf = np.zeros(units, np.int64)
        self._class_sum = np.zeros((classes, units))
        self._class_count = np.zeros(classes, np.int64)
        # Candidates per unit, sorted by value desc then index asc; -inf = empty.
        self._top_values = np.full((units, top_k), -np.inf)
        self._top_indices = np.full((units, top_k), ABSENT_INDEX, np.int64)

    def add(self, values: np.ndarray, labels: np.ndarray) -> None:
        """`values`: (rows, units) floats exactly as stored (float16/32/64: worked on as they are, float16 as
        float32, only small results widened to float64); `labels`: (rows,) ints."""
        rows = values.shape[0]
        if rows == 0:
            return
        values = _native(values)
        # min/max propagate NaN and reach any inf: finite extremes mean every value is finite.
        all_finite = values.size == 0 or bool(np.isfinite(values.min()) and np.isfinite(values.max()))
        if all_finite:
            self._min = np.minimum(self._min, values.min(axis=0))
            self._max = np.maximum(self._max, values.max(axis=0))
        else:
            finite = np.isfinite(values)
            nan = np.isnan(values)
            self._nan += nan.sum(axis=0)
            self._inf += (~finite & ~nan).sum(axis=0)
            self._min = np.minimum(self._min, np.where(finite, values, np.inf).min(axis=0))
            self._max = np.maximum(self._max, np.where(finite, values, -np.inf).max(axis=0))
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf = NaN, as the spec's plain mean says
            # Each unit's column is summed row after row in float64 (the cast is exact).
            self._sum += values.sum(axis=0, dtype=np.float64)
            self._add_classes(values, labels)
        self._add_top(values, all_finite)
        self.rows += rows

    def _add_classes(self, values: np.ndarray, labels: np.ndarray) -> None:
        # Each class's rows summed in index order, in float64.
        counts = np.bincount(labels, minlength=self.classes)[: self.classes]
        present = np.flatnonzero(counts)
        if present.size <= 32:
            for c in present:
                self._class_sum[c] += np.add.reduce(values[labels == c], axis=0, dtype=np.float64)
        else:
            order = np.argsort(labels, kind="stable")
            sorted_labels = labels[order]
            starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
            self._class_sum[sorted_labels[starts]] += np.add.reduceat(values[order], starts, axis=0, dtype=np.float64)
        self._class_count += counts

    def _add_top(self, values: np.ndarray, all_finite: bool) -> None:
        k, rows = self.top_k, values.shape[0]
        threshold = self._top_values[:, -1]
        if values.dtype != np.float64 and not np.array_equal(threshold.astype(values.dtype), threshold):
            values = values.astype(np.float64)  # compare with the candidates so far exactly
        column = np.array(values.T, order="C")  # (units, rows): each unit's values contiguous
        if all_finite:
            eligible = column != 0
        else:  # NaN and +-inf never enter: make them -inf, below every candidate
            eligible = np.isfinite(column)
            np.copyto(column, -np.inf, where=~eligible)
            eligible &= column != 0
        # Only a value strictly above the current k-th candidate can enter: on a
        # tie the earlier (lower) image index already there wins.
        candidate = column > threshold.astype(column.dtype)[:, None]
        candidate &= eligible
        if rows > k:
            # Nor can a value below this block's k-th largest eligible value. Zeros are not eligible, so
            # the k-th largest of all values bounds it only where it is positive (then all k are eligible).
            kth = np.sort(column, axis=1)[:, rows - k]
            bounded = kth > 0
            if bounded.any():
                candidate &= column >= np.where(bounded, kth, -np.inf)[:, None]
        counts = candidate.sum(axis=1)
        units = np.flatnonzero(counts)
        if units.size == 0:
            return
        # The candidates of each unit, in index order, left-aligned in (units, width) arrays.
        counts = counts[units]
        flat = np.flatnonzero(candidate[units])
        unit_of, row_of = np.divmod(flat, rows)
        slot = np.arange(flat.size) - np.repeat(np.cumsum(counts) - counts, counts)
        width = int(counts.max())
        new_values = np.full((units.size, width), -np.inf)
        new_values[unit_of, slot] = column[units[unit_of], row_of]
        new_indices = np.full((units.size, width), ABSENT_INDEX, np.int64)
        new_indices[unit_of, slot] = self.rows + row_of
        merged_values = np.concatenate([self._top_values[units], new_values], axis=1)
        merged_indices = np.concatenate([self._top_indices[units], new_indices], axis=1)
        # Existing candidates precede the new rows and have lower indices, and
        # each side is in index order among equal values: a stable sort on
        # -value yields (value desc, index asc).
        order = np.argsort(-merged_values, axis=1, kind="stable")[:, :k]
        top_values = np.take_along_axis(merged_values, order, axis=1)
        top_indices = np.take_along_axis(merged_indices, order, axis=1)
        self._top_values[units] = top_values
        self._top_indices[units] = np.where(np.isneginf(top_values), ABSENT_INDEX, top_indices)

    @property
    def top_indices(self) -> np.ndarray:
        """The current top lists, (units, top_k) image indices (ABSENT_INDEX padded); read only."""
        view: np.ndarray = self._top_indices.view()
        view.flags.writeable = False
        return view

    def partial(self) -> LayerSummary:
        """Everything but the histogram, which needs `min`/`max` first (see `HistogramBuilder`)."""
        empty_unit = ~np.isfinite(self._min)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = self._sum / self.rows if self.rows else np.full(self.units, np.nan)
            class_means = (self._class_sum / self._class_count[:, None]).astype(np.float32)
        class_means[self._class_count == 0] = np.nan
        top_values = np.where(np.isneginf(self._top_values), 0.0, self._top_values)
        return LayerSummary(
            images=self.rows,
            min=np.where(empty_unit, np.nan, self._min),
            max=np.where(empty_unit, np.nan, self._max),
            mean=mean,
            nan_count=self._nan.astype(np.uint32),
            inf_count=self._inf.astype(np.uint32),
            top_indices=self._top_indices.astype(np.uint32),
            top_values=top_values,
            class_means=class_means,
            class_counts=self._class_count.astype(np.uint32),
            histogram=np.zeros((self.units, self.bins), np.uint32),
        )


class HistogramBuilder:
    """Per-unit histograms over known [lo, hi] ranges, fed chunk by chunk.

    A value v goes to bin min(floor(((v - lo) / (hi - lo)) * bins), bins - 1),
    evaluated in that order (as `deephys.analysis.histogram`); everything is in
    bin 0 when hi == lo; if hi - lo overflows, the formula uses halved numbers.
    """

    def __init__(self, lo: np.ndarray, hi: np.ndarray, bins: int):
        self.bins = bins
        with np.errstate(over="ignore", invalid="ignore"):
            halve = ~np.isfinite(hi - lo)
        self.halve = halve & np.isfinite(lo) & np.isfinite(hi)
        self.lo = np.where(self.halve, lo / 2, lo)
        with np.errstate(over="ignore", invalid="ignore"):
            self.span = np.where(self.halve, hi / 2 - lo / 2, hi - lo)
        self.flat_span = ~(self.span > 0)
        self.counts = np.zeros(lo.shape[0] * bins, np.int64)
        self._offsets = np.arange(lo.shape[0]) * bins

    def add(self, values: np.ndarray) -> None:
        """`values`: (rows, units) floats as stored (float16/32/64)."""
        if values.size == 0:
            return
        values = _native(values)
        all_finite = bool(np.isfinite(values.min()) and np.isfinite(values.max()))
        v = values.astype(np.float64)  # exact; a new array, worked on in place below
        if not all_finite:
            finite = np.isfinite(v)
            v[~finite] = 0.0
        if self.halve.any():
            v = np.where(self.halve[None, :], v / 2, v)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            # floor(((v - lo) / span) * bins), in that order
            np.subtract(v, self.lo, out=v)
            np.divide(v, self.span, out=v)
            np.multiply(v, self.bins, out=v)
            np.floor(v, out=v)
        if self.flat_span.any():
            v[:, self.flat_span] = 0
        if not all_finite or self.halve.any():
            np.nan_to_num(v, copy=False, nan=0.0, posinf=self.bins, neginf=0.0)
        np.clip(v, 0, self.bins - 1, out=v)  # below 0 only for values outside [lo, hi]: none in a valid summary
        flat = v.astype(np.int64)
        flat += self._offsets
        self.counts += np.bincount(flat[finite] if not all_finite else flat.ravel(), minlength=self.counts.size)

    def result(self) -> np.ndarray:
        return self.counts.reshape(-1, self.bins).astype(np.uint32)


def _native(values: np.ndarray) -> np.ndarray:
    """float16 (and ml_dtypes' bfloat16) as float32, exactly: NumPy computes slowly on 16-bit floats."""
    values = np.asarray(values)
    if values.dtype in (np.float32, np.float64):
        return values
    if values.dtype == np.float16 or values.dtype.name == "bfloat16":
        return values.astype(np.float32)
    return values.astype(np.float64)
