"""Spatial maps in the exporters (docs/format.md, "Maps"): reduced on the device, chosen on the host.

For each layer recorded with spatial pooling (conv maps) or token pooling (token maps, laid on their patch
grid by `token_grid`), the capture reduces every unit's map on its device, in the forward pass that
records the layer, to at most `map_size` x `map_size` cells with the format's exact area weights: two
float32 matrix products, (h', H) on the rows and (w', W) on the columns (`map_weights`). So the mean of a
reduced map is the mean of the full map, the unit's activation under mean pooling.

Only the maps the file can keep leave the device. The writer keeps, per unit, the maps of the first `m`
entries of its top list (`Writer(map_images=)`, at most `top_k`), ranked on the values as stored (after the
dtype cast: float16, bfloat16), the larger first, the earlier image on a tie, zeros and non-finite values
never. The device computes in float32 or under autocast, so its ranking can differ from the writer's where
the cast rounds values together. `MapCandidates` therefore ranks on the host, on the pooled values the
exporter hands the writer, cast to the stored dtype exactly as the writer casts them: an image of the batch
is a candidate for a unit if its stored value reaches both the unit's m-th best value so far and the
batch's own m-th best, ties included (the margin: a tie may fall either way of the writer's rule). The
writer gets the candidates' maps (`SparseMaps`) and keeps those of its final list; a top image whose map
was not given would be an error there, never a silent hole. After the first batches few images per unit
can still enter, so little crosses from the device: at most units x m maps per batch, far fewer later.
"""

from __future__ import annotations

import functools

import numpy as np

from ..format import dtypes
from ..format.maps import area_weights, reduced_shape, token_grid
from .pooling import LayerPooling

#: The poolings whose layers have maps: conv maps and token maps (a custom pooling function has none).
MAP_KINDS = ("conv", "tokens")


def has_maps(plan: LayerPooling) -> bool:
    """Whether a layer pooled by `plan` records the maps of its units' top images."""
    return plan.kind in MAP_KINDS


@functools.lru_cache(maxsize=64)
def map_weights(height: int, width: int, map_size: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The area weights (h', H) and (w', W), float32, that reduce an H x W map to at most map_size per side;
    None when the map is that small already (it is kept as it is)."""
    target = reduced_shape(height, width, map_size)
    if target == (height, width):
        return None
    rows = area_weights(height, target[0]).astype(np.float32)
    cols = area_weights(width, target[1]).astype(np.float32)
    rows.flags.writeable = cols.flags.writeable = False
    return rows, cols


def token_layout(tokens: int) -> tuple[int, int, int]:
    """(skip, height, width): the leading tokens left out (a CLS token) and the grid of the others."""
    return token_grid(tokens)


class MapCandidates:
    """For one layer of one dataset: which (image, unit) maps of each batch can enter the writer's kept maps.

    `images` is the writer's m (maps kept per unit), `dtype` the layer's stored dtype. Feed every batch's
    pooled values in order to `select`.
    """

    def __init__(self, units: int, images: int, dtype: str):
        self.images, self.dtype = images, dtype
        self.best = np.full((units, images), -np.inf)  # the m best ranked values so far, per unit (any order)
        self.grid: tuple[int, ...] | None = None  # the maps' cells (h, w), from the first batch that has some

    def select(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, units): the candidates of this batch of pooled values (N, units), as the writer will rank
        them; then counts the batch in."""
        stored = dtypes.exact(dtypes.store(np.asarray(values), self.dtype), self.dtype)
        with np.errstate(invalid="ignore"):
            eligible = np.isfinite(stored) & (stored != 0)
        ranked = np.where(eligible, stored, -np.inf).astype(np.float64, copy=False)
        n, m = ranked.shape[0], self.images
        if n == 0:
            empty = np.zeros(0, np.int64)
            return empty, empty
        floor = self.best.min(axis=1)  # the unit's m-th best so far (-inf while it has fewer)
        if n > m:
            floor = np.maximum(floor, np.partition(ranked, n - m, axis=0)[n - m])  # the batch's m-th best
        candidate = eligible & (ranked >= floor)
        merged = np.concatenate([self.best, ranked.T], axis=1)
        self.best = np.partition(merged, merged.shape[1] - m, axis=1)[:, -m:]
        rows, units = np.nonzero(candidate)
        return rows.astype(np.int64), units.astype(np.int64)
