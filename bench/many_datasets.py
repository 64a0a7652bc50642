"""Opening a file of 4 datasets vs one of 100 (ImageNet-C has 75 shifts): what does each extra dataset cost?

Both files hold datasets of the same size (200 images, 3 layers of 512 units, 32x32 thumbnails); the larger
has 25 times as many. For each, in fresh processes (best of 5): the time to `deephys.open` it and describe
it as `deephys info` does, the bytes read to do so, and the peak RSS. Printed with the 100/4 ratios: the
open cost should grow with the index entries only (a few hundred bytes per dataset), not with the data.

    .venv/bin/python bench/many_datasets.py

Files go to bench/out/ (ignored by git).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

import deephys

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
IMAGES, UNITS, CLASSES = 200, 512, 10

MEASURE = r"""
import json, resource, sys, time
import deephys
from deephys.cli.info import describe

start = time.perf_counter()
with deephys.open(sys.argv[1]) as run:
    opened, open_bytes = time.perf_counter() - start, run.file.source.bytes_transferred
    describe(run)  # `deephys info` also sums each dataset's image sizes: it reads the per-image tables
    seconds = time.perf_counter() - start
    info_bytes = run.file.source.bytes_transferred
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
info = {"info_s": seconds, "info_bytes": info_bytes, "rss_kib": rss}
print(json.dumps({"open_s": opened, "open_bytes": open_bytes, **info}))
"""


def write(path: Path, datasets: int) -> Path:
    if path.exists():
        return path
    rng = np.random.default_rng(0)
    model = deephys.Model("bench", layers={"a": UNITS, "b": UNITS, "out": CLASSES}, classifier="out")
    with deephys.Writer(path, model=model, classes=[str(c) for c in range(CLASSES)], activation_dtype="float16") as w:
        for d in range(datasets):
            w.add_dataset(
                f"shift {d}",
                role="id" if d == 0 else "ood",
                labels=rng.integers(0, CLASSES, IMAGES),
                images=rng.integers(0, 256, (IMAGES, 32, 32, 3), dtype=np.uint8),
                activations={
                    "a": rng.random((IMAGES, UNITS), dtype=np.float32),
                    "b": rng.random((IMAGES, UNITS), dtype=np.float32),
                    "out": rng.standard_normal((IMAGES, CLASSES)).astype(np.float32),
                },
            )
    return path


def measure(path: Path, repeats: int = 5) -> dict[str, float]:
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(repeats)
    ]
    return {
        "size_mib": path.stat().st_size / 2**20,
        "open_s": min(r["open_s"] for r in runs),
        "open_bytes": runs[0]["open_bytes"],
        "info_s": min(r["info_s"] for r in runs),
        "info_bytes": runs[0]["info_bytes"],
        "rss_mib": min(r["rss_kib"] for r in runs) / 1024,
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    small = measure(write(OUT / "datasets-4.deephys", 4))
    large = measure(write(OUT / "datasets-100.deephys", 100))
    print(f"{'':>16} {'4 datasets':>12} {'100 datasets':>13} {'ratio':>7}")
    for key, unit in (
        ("size_mib", "MiB"),
        ("open_s", "s"),
        ("open_bytes", "B"),
        ("info_s", "s"),
        ("info_bytes", "B"),
        ("rss_mib", "MiB"),
    ):
        a, b = small[key], large[key]
        print(f"{key + ' (' + unit + ')':>16} {a:>12,.4g} {b:>13,.4g} {b / a:>6.2f}x")
    print("25x the datasets: opening reads the trailer, header and index (a few hundred bytes per dataset);")
    print("info also reads each dataset's per-image table, so it grows with the images, never with the activations")


if __name__ == "__main__":
    main()
