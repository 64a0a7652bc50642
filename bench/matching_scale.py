"""Matching 2,048 x 2,048 units over 50,000 images (issue 16): goal <= 30 s, memory flat in the images.

Uses the two files of bench/findings_scale.py (written if missing): the same ImageNet-like run with and
without a readout, whose 2,048-unit "features" layers are matched over the 50,000 reference images, as
`deephys compare` does (correlations streamed in blocks, then the one-to-one matching). The peak of
Python's allocations while matching 10,000 and 50,000 images shows that memory does not grow with them.

    .venv/bin/python bench/matching_scale.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from findings_scale import OUT, write  # noqa: E402

import deephys  # noqa: E402
from deephys import analysis  # noqa: E402
from deephys.compare import BLOCK_ROWS  # noqa: E402


def correlations(a: deephys.Dataset, b: deephys.Dataset, images: int) -> np.ndarray:
    accumulator = analysis.CorrelationAccumulator(2048, 2048)
    for start in range(0, images, BLOCK_ROWS):
        stop = min(images, start + BLOCK_ROWS)
        accumulator.add(a.activations("features", start, stop), b.activations("features", start, stop))
    return accumulator.result()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path_a, path_b = (
        write(OUT / "findings-50-readout.deephys", 50, True),
        write(OUT / "findings-50-plain.deephys", 50, False),
    )
    with deephys.open(path_a) as run_a, deephys.open(path_b) as run_b:
        a, b = run_a.datasets["ImageNet"], run_b.datasets["ImageNet"]
        peaks = {}
        for images in (10_000, len(a)):
            tracemalloc.start()
            start = time.perf_counter()
            corr = correlations(a, b, images)
            seconds = time.perf_counter() - start
            peaks[images] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(f"correlations over {images:,} images: {seconds:.1f} s, peak {peaks[images]:.0f} MiB")
        start = time.perf_counter()
        matching = analysis.one_to_one(corr)
        assign = time.perf_counter() - start
    print(
        f"one-to-one matching of 2,048 x 2,048: {assign:.1f} s "
        f"({matching.partner.size - matching.unique_a.size} matched)"
    )
    print(f"memory, 50,000 / 10,000 images: {peaks[len(a)] / peaks[10_000]:.2f}x (flat: it holds units x units)")


if __name__ == "__main__":
    main()
