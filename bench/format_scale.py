"""Scale bench of the .deephys writer and reader (issue 2).

Writes 5,000 and 50,000 images x 3 layers x 2,048 units (stored float16) with
64x64 PNG thumbnails, each size in a fresh process, and prints the writer's
peak memory for both (tracemalloc peak and RSS high-water growth; neither may
grow with the number of images), then the wall time of `deephys info` on the
large file (best of 3, a new Python process each) and of opening it in-process.

    PYTHONPATH=python python bench/format_scale.py            # both sizes
    PYTHONPATH=python python bench/format_scale.py --sizes 2000 20000

Files go to bench/out/ (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
UNITS = 2048
LAYERS = ("block3", "block4", "logits")  # the classifier is `logits`: 2,048 classes
SIDE = 64
BATCH = 500
NOISE_SIGMA = 2.0  # sensor noise of the synthetic pictures, in levels of 0..255


def synthetic_images(rng: np.random.Generator, n: int, side: int = SIDE) -> np.ndarray:
    """(n, side, side, 3) uint8 pictures: a smooth two-colour gradient at a random angle, a soft
    disc and a rectangle of other colours, and light sensor noise (not white noise)."""
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) / (side - 1)
    angle = rng.uniform(0, 2 * np.pi, (n, 1, 1))
    t = np.cos(angle) * x + np.sin(angle) * y
    t = (t - t.min(axis=(1, 2), keepdims=True)) / np.ptp(t, axis=(1, 2), keepdims=True)
    c0, c1 = rng.uniform(0, 255, (2, n, 1, 1, 3)).astype(np.float32)
    image = c0 + (c1 - c0) * t[..., None]
    cx, cy = rng.uniform(0.2, 0.8, (2, n, 1, 1))
    radius = rng.uniform(0.1, 0.3, (n, 1, 1))
    disc = np.clip((radius - np.hypot(x - cx, y - cy)) * side / 2, 0, 1)[..., None]  # 2-pixel soft edge
    image = image * (1 - disc) + rng.uniform(0, 255, (n, 1, 1, 3)) * disc
    x0, y0 = rng.uniform(0, 0.6, (2, n, 1, 1))
    w, h = rng.uniform(0.15, 0.4, (2, n, 1, 1))
    rect = ((x >= x0) & (x <= x0 + w) & (y >= y0) & (y <= y0 + h))[..., None]
    image = np.where(rect, rng.uniform(0, 255, (n, 1, 1, 3)), image)
    image += rng.normal(0, NOISE_SIGMA, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def synthetic_activations(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Post-ReLU-like float32 activations: sparse, non-negative, unit-specific scales; logits signed."""
    out = {}
    for layer in LAYERS:
        scale = rng.gamma(2.0, 0.5, UNITS).astype(np.float32)
        values = rng.standard_normal((n, UNITS), dtype=np.float32) * scale - 0.3 * scale
        out[layer] = values if layer == "logits" else np.maximum(values, 0)
    return out


def rss_high_water() -> int:
    """Peak resident set size of this process so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def write_file(n: int, path: Path) -> dict:
    """Child process: write `n` images, report time and memory as JSON."""
    import deephys

    rng = np.random.default_rng(n)
    model = deephys.Model("synthetic-resnet", layers={layer: UNITS for layer in LAYERS}, classifier="logits")
    classes = [f"class {i}" for i in range(UNITS)]
    # Warm up what every run needs (imports, one batch of inputs) before taking the baseline.
    first = (synthetic_images(rng, BATCH), synthetic_activations(rng, BATCH))
    baseline_rss = rss_high_water()
    tracemalloc.start()
    start = time.perf_counter()
    with deephys.Writer(path, model=model, classes=classes, activation_dtype="float16") as w:
        with w.dataset("synthetic", role="id", total=n) as d:
            for lo in range(0, n, BATCH):
                rows = min(BATCH, n - lo)
                images, activations = (
                    first if lo == 0 else (synthetic_images(rng, rows), synthetic_activations(rng, rows))
                )
                d.append(
                    images=images[:rows],
                    labels=rng.integers(0, UNITS, rows),
                    activations={k: v[:rows] for k, v in activations.items()},
                )
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "images": n,
        "seconds": seconds,
        "tracemalloc_peak": peak,
        "rss_growth": rss_high_water() - baseline_rss,
        "bytes": path.stat().st_size,
    }


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def time_info(path: Path, repeats: int = 3) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python"), os.environ.get("PYTHONPATH", "")])}
    best, output = float("inf"), ""
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "deephys.cli", "info", str(path)], env=env, capture_output=True, text=True
        )
        best = min(best, time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"deephys info failed:\n{done.stderr}")
        output = done.stdout
    return best, output


def time_open(path: Path, repeats: int = 5) -> dict[str, float]:
    import deephys

    timings = {"open (trailer, header, footer)": [], "+ labels of every dataset": [], "+ one layer summary": []}
    for _ in range(repeats):
        start = time.perf_counter()
        with deephys.open(path) as run:
            timings["open (trailer, header, footer)"].append(time.perf_counter() - start)
            for dataset in run.datasets.values():
                dataset.labels  # noqa: B018 - reads the per-image table
            timings["+ labels of every dataset"].append(time.perf_counter() - start)
            next(iter(run.datasets.values())).summary("block4")
            timings["+ one layer summary"].append(time.perf_counter() - start)
    return {name: min(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[5_000, 50_000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.child:
        print(json.dumps(write_file(args.child, OUT / f"scale-{args.child}.deephys")))
        return

    print(
        f"writing {' and '.join(f'{n:,}' for n in args.sizes)} images x {len(LAYERS)} layers x {UNITS:,} units "
        f"(float32 in, float16 stored), {SIDE}x{SIDE} RGB PNG thumbnails (gradients + disc + rectangle + light "
        f"noise), batches of {BATCH}, one process per size, {os.cpu_count()} CPUs"
    )
    results = []
    for n in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"\n{'images':>8}  {'write s':>8}  {'img/s':>7}  {'file':>12}  {'tracemalloc peak':>17}  {'RSS growth':>12}")
    for r in results:
        print(
            f"{r['images']:>8,}  {r['seconds']:>8.1f}  {r['images'] / r['seconds']:>7,.0f}  {mib(r['bytes']):>12}  "
            f"{mib(r['tracemalloc_peak']):>17}  {mib(r['rss_growth']):>12}"
        )
    small, large = results
    print(
        f"\nmemory ratio large/small ({large['images'] // small['images']}x the images): "
        f"tracemalloc peak {large['tracemalloc_peak'] / small['tracemalloc_peak']:.2f}x, "
        f"RSS growth {large['rss_growth'] / max(small['rss_growth'], 1):.2f}x"
    )

    path = OUT / f"scale-{large['images']}.deephys"
    seconds, output = time_info(path)
    print(
        f"\n`deephys info` on the {mib(large['bytes'])} file: {seconds:.3f} s (best of 3, new Python process "
        "each, interpreter start and imports included)"
    )
    for name, value in time_open(path).items():
        print(f"  in-process {name}: {value * 1000:.1f} ms (best of 5)")
    print("\n" + output.rstrip())


if __name__ == "__main__":
    main()
