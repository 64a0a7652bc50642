"""Spatial maps of units on their top images: area reduction, storage, and keeping them while streaming.

A unit's map on an image is its unpooled output (a conv map's H x W cells, or a token map laid on its
patch grid), reduced to at most `map_size` x `map_size` cells by exact fractional-area weights: each
output cell is the average of the input over its rectangle, input cells cut by the rectangle's edges
counted by the part inside. The mean of a reduced map therefore equals the mean of the full map, which
is the unit's activation under mean pooling. Stored as uint8 per cell with a float32 offset and scale
per map (docs/format.md, "Maps").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError
from .limits import ABSENT_INDEX

#: Largest grid a map is stored at (per side), and most maps kept per unit, by default.
DEFAULT_MAP_SIZE = 16
DEFAULT_MAP_IMAGES = 32
#: Largest grid a reader accepts (cells).
MAX_MAP_CELLS = 64 * 64


def area_weights(size: int, target: int) -> np.ndarray:
    """(target, size) weights: row i averages input cells over [i * size / target, (i + 1) * size / target)."""
    if target >= size:
        return np.eye(size)
    edges = np.arange(target + 1) * (size / target)
    weights = np.zeros((target, size))
    for i in range(target):
        lo, hi = edges[i], edges[i + 1]
        for j in range(math.floor(lo), min(size, math.ceil(hi))):
            weights[i, j] = min(hi, j + 1) - max(lo, j)
    result: np.ndarray = weights / (size / target)
    return result


def reduced_shape(height: int, width: int, map_size: int) -> tuple[int, int]:
    return min(height, map_size), min(width, map_size)


def reduce_maps(maps: np.ndarray, map_size: int = DEFAULT_MAP_SIZE) -> np.ndarray:
    """(..., H, W) maps reduced to at most map_size x map_size cells by exact area weights, float32."""
    height, width = maps.shape[-2:]
    target_h, target_w = reduced_shape(height, width, map_size)
    if (target_h, target_w) == (height, width):
        return np.asarray(maps, dtype=np.float32)
    rows, cols = area_weights(height, target_h), area_weights(width, target_w)
    reduced: np.ndarray = np.einsum("ih,...hw,jw->...ij", rows, np.asarray(maps, dtype=np.float64), cols)
    return reduced.astype(np.float32)


def token_grid(tokens: int) -> tuple[int, int, int]:
    """How a token map of `tokens` tokens lies on a grid: (skip, height, width) with `skip` leading tokens
    (a CLS token) left out: T = h * w or 1 + h * w for a square h; otherwise a 1 x T strip."""
    for skip in (0, 1):
        side = math.isqrt(tokens - skip)
        if side > 1 and side * side == tokens - skip:
            return skip, side, side
    return 0, 1, tokens


def quantize(maps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, h, w) float maps -> uint8 cells, float32 offsets and scales (value = offset + scale * q)."""
    flat = np.nan_to_num(np.asarray(maps, dtype=np.float64).reshape(maps.shape[0], -1), nan=0.0, posinf=0.0, neginf=0.0)
    lo = flat.min(axis=1) if flat.size else np.zeros(maps.shape[0])
    hi = flat.max(axis=1) if flat.size else np.zeros(maps.shape[0])
    scale = (hi - lo) / 255.0
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(scale[:, None] > 0, np.rint((flat - lo[:, None]) / scale[:, None]), 0.0)
    return q.astype(np.uint8).reshape(maps.shape), lo.astype(np.float32), scale.astype(np.float32)


def dequantize(values: np.ndarray, offsets: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """The float32 maps stored as uint8 `values` (n, h, w) with per-map `offsets` and `scales`."""
    result: np.ndarray = offsets[:, None, None] + scales[:, None, None] * values.astype(np.float32)
    return result.astype(np.float32)


@dataclass(frozen=True)
class SparseMaps:
    """Some of the maps of a batch of `shape[0]` images and `shape[1]` units: `values[k]` (h, w) is the map of
    unit `units[k]` on image `rows[k]` of the batch. The writer needs the map of every image that enters a
    unit's kept top entries with this batch (it raises naming the first one missing); exporters give only
    those that can (docs/format.md, "Maps")."""

    shape: tuple[int, int]
    rows: np.ndarray
    units: np.ndarray
    values: np.ndarray

    def check(self, images: int, units: int, where: str) -> None:
        rows, unit, values = np.asarray(self.rows), np.asarray(self.units), np.asarray(self.values)
        k = rows.shape[0] if rows.ndim == 1 else -1
        if (
            tuple(self.shape) != (images, units)
            or rows.ndim != 1
            or unit.shape != (k,)
            or values.ndim != 3
            or values.shape[0] != k
            or (k and not (0 <= rows.min() and rows.max() < images and 0 <= unit.min() and unit.max() < units))
        ):
            raise UsageError(
                f"{where}: sparse maps of shape {tuple(self.shape)} with {rows.shape} rows, {unit.shape} units and "
                f"values {values.shape}: expected shape ({images}, {units}), rows and units (k,) within it and "
                "values (k, height, width)"
            )

    def take(self, rows: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The maps of (rows[i], units[i]) (zeros where not given) and which were given."""
        keys = np.asarray(self.rows, np.int64) * self.shape[1] + np.asarray(self.units, np.int64)
        order = np.argsort(keys, kind="stable")
        wanted = np.asarray(rows, np.int64) * self.shape[1] + np.asarray(units, np.int64)
        at = np.minimum(np.searchsorted(keys[order], wanted), max(0, keys.size - 1))
        found = keys[order][at] == wanted if keys.size else np.zeros(wanted.shape, bool)
        values = np.zeros((wanted.size, *self.values.shape[1:]), np.float32)
        values[found] = self.values[order[at[found]]]
        return values, found


class MapKeeper:
    """The maps of each unit's current top images while a dataset streams in.

    After each batch, `update(top_indices, first, maps)` is given the summary's top lists (units, >= m)
    as they now are, the batch's first image index and its maps (n, units, h, w), or those of some images
    and units (`SparseMaps`, their values (k, h, w)). An image enters a
    unit's first m only in the batch that brings it (entries are only ever pushed down), so each kept map
    is either kept from before or taken from this batch.
    """

    def __init__(self, units: int, images: int, height: int, width: int):
        self.images, self.height, self.width = images, height, width
        self.indices = np.full((units, images), ABSENT_INDEX, np.int64)
        self.maps = np.zeros((units, images, height, width), np.float32)

    def update(self, top_indices: np.ndarray, first: int, maps: np.ndarray | SparseMaps) -> None:
        n = maps.shape[0]
        grid = maps.values.shape[1:] if isinstance(maps, SparseMaps) else maps.shape[2:]
        if (maps.shape[1], *grid) != (self.indices.shape[0], self.height, self.width):
            shape = (*maps.shape[:2], *grid)
            raise UsageError(
                f"maps of shape {shape} for {n} images: expected ({n}, {self.indices.shape[0]}, "
                f"{self.height}, {self.width}), as in the first batch"
            )
        new = np.array(top_indices[:, : self.images], dtype=np.int64)  # a copy: the lists change in place
        same = new[:, :, None] == self.indices[:, None, :]  # (units, m, m): where each new entry was kept
        kept = same.any(axis=2) & (new != ABSENT_INDEX)
        from_batch = (new >= first) & (new < first + n) & ~kept
        units, slots = np.nonzero(kept)
        previous = self.maps[units, same[units, slots].argmax(axis=1)]
        fresh_units, fresh_slots = np.nonzero(from_batch)
        maps_next = np.zeros_like(self.maps)
        maps_next[units, slots] = previous
        rows = new[fresh_units, fresh_slots] - first
        if isinstance(maps, SparseMaps):
            values, given = maps.take(rows, fresh_units)
            maps_next[fresh_units, fresh_slots] = values
            from_batch[fresh_units[~given], fresh_slots[~given]] = False  # missing: see below
        else:
            maps_next[fresh_units, fresh_slots] = maps[rows, fresh_units]
        missing = (new != ABSENT_INDEX) & ~kept & ~from_batch
        if missing.any():
            unit, slot = np.argwhere(missing)[0]
            raise UsageError(f"unit {unit}: the map of its top image {new[unit, slot]} was never given")
        self.maps, self.indices = maps_next, new
