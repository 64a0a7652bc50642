"""Findings at ImageNet scale (issue 13): 10 OOD datasets, 1,000 classes, a stored 2,048-unit readout,
50 images per class. Goal: `deephys.findings` in <= 5 s; the first view's time and bytes do not change
with a readout in the file.

Writes two files to bench/out/ (once; they are reused): the same data with and without the readout, as
float16 activations of a 2,048-unit feature layer and the 1,000 logits, no thumbnails. Then, in fresh
processes: the time of `deephys.findings` (best of 3), and for both files the time and bytes of what a
first view reads (open, then every dataset's summaries), with their ratio.

    .venv/bin/python bench/findings_scale.py                 # the issue's size
    .venv/bin/python bench/findings_scale.py --per-class 5   # a quick run
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import deephys

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
UNITS, CLASSES, SHIFTS, BATCH = 2048, 1000, 10, 5000

FINDINGS = r"""
import json, sys, time
import deephys
start = time.perf_counter()
result = deephys.findings(sys.argv[1])
cells = sum(len(d["confusions"]) for d in result["datasets"])
print(json.dumps({"seconds": time.perf_counter() - start, "cells": cells}))
"""

FIRST_VIEW = r"""
import json, sys, time
import deephys
start = time.perf_counter()
with deephys.open(sys.argv[1]) as run:
    for dataset in run.datasets.values():
        for layer in run.model.layer_names:
            dataset.summary(layer)
    print(json.dumps({"seconds": time.perf_counter() - start, "bytes": run.file.source.bytes_transferred}))
"""


def write(path: Path, per_class: int, with_readout: bool) -> Path:
    if path.exists():
        return path
    rng = np.random.default_rng(0)
    weights = (rng.standard_normal((CLASSES, UNITS)) / np.sqrt(UNITS)).astype(np.float32)
    bias = (rng.standard_normal(CLASSES) * 0.1).astype(np.float32)
    model = deephys.Model("imagenet-like", layers={"features": UNITS, "logits": CLASSES}, classifier="logits")
    readout = deephys.Readout("features", weights, bias) if with_readout else None
    images = CLASSES * per_class
    with deephys.Writer(
        path, model=model, classes=[f"class {c}" for c in range(CLASSES)], readout=readout, activation_dtype="float16"
    ) as w:
        for d in range(SHIFTS + 1):
            labels = rng.permutation(np.repeat(np.arange(CLASSES), per_class))
            prototypes = rng.random((CLASSES, UNITS), dtype=np.float32)
            with w.dataset("ImageNet" if d == 0 else f"shift {d}", role="id" if d == 0 else "ood", total=images) as out:
                for start in range(0, images, BATCH):
                    batch = labels[start : start + BATCH]
                    # Each shift moves some classes' features onto other classes' prototypes.
                    shown = np.where(rng.random(batch.size) < 0.1 * d, (batch + d) % CLASSES, batch)
                    features = prototypes[shown] + rng.random((batch.size, UNITS), dtype=np.float32) * 0.5
                    out.append(labels=batch, activations={"features": features, "logits": features @ weights.T + bias})
    return path


def run(script: str, path: Path, repeats: int) -> dict[str, float]:
    results = [
        json.loads(
            subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True).stdout
        )
        for _ in range(repeats)
    ]
    return min(results, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-class", type=int, default=50)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with_readout = write(OUT / f"findings-{args.per_class}-readout.deephys", args.per_class, True)
    without = write(OUT / f"findings-{args.per_class}-plain.deephys", args.per_class, False)
    print(f"files: {with_readout.stat().st_size / 2**30:.2f} GiB each ({time.perf_counter() - start:.0f} s to write)")
    found = run(FINDINGS, with_readout, 3)
    print(
        f"findings: {found['seconds']:.2f} s for {SHIFTS} shifts x {CLASSES} classes x {UNITS} units "
        f"({found['cells']:.0f} confusion cells attributed; goal <= 5 s)"
    )
    plain, stored = run(FIRST_VIEW, without, 5), run(FIRST_VIEW, with_readout, 5)
    print(
        f"first view without / with a readout: {plain['seconds'] * 1e3:.1f} / {stored['seconds'] * 1e3:.1f} ms, "
        f"{plain['bytes']:,.0f} / {stored['bytes']:,.0f} bytes read (ratio {stored['bytes'] / plain['bytes']:.4f})"
    )


if __name__ == "__main__":
    main()
