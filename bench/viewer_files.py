"""The two files of the viewer bench (bench/viewer_perf.mjs), written with deephys.Writer.

    PYTHONPATH=python python bench/viewer_files.py [--force]

- CIFAR scale: 10 classes, layers penultimate (512 units) and logits (10), two datasets of
  10,000 images each (CIFAR-10 test and a shifted copy), float32: about 100 MB.
- ImageNet scale: 2,048 classes, 4 layers x 2,048 units, float16, 50,000 images (ImageNet val)
  plus a 5,000-image shifted set: about 1 GB.
- ImageNet model, a tenth of the images (5,000 + 500): the control for the heap, which must not
  grow with the number of images.

Both have 32x32 PNG thumbnails, so that the two files differ in their number of images, units
and classes only. A file already there is kept (the Writer moves a file into place only once it
is complete); `--force` writes it again. Prints, as JSON, each file's path, size, images and the
layer the viewer opens on. Files go to bench/out/ (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from format_scale import synthetic_images  # noqa: E402  (bench/ is not a package)

import deephys  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
SIDE = 32
BATCH = 1000

IMAGENET_LAYERS = {"layer2": 2048, "layer3": 2048, "layer4": 2048, "logits": 2048}
# name -> (layers, dtype, datasets [(name, role, images)])
SPECS = {
    "cifar": (
        {"penultimate": 512, "logits": 10},
        "float32",
        [("CIFAR-10 test", "id", 10_000), ("CIFAR-10 shifted", "ood", 10_000)],
    ),
    "imagenet": (IMAGENET_LAYERS, "float16", [("ImageNet val", "id", 50_000), ("ImageNet shifted", "ood", 5_000)]),
    # The same model with a tenth of the images: does the heap grow with the images?
    "imagenet-tenth": (IMAGENET_LAYERS, "float16", [("ImageNet val", "id", 5_000), ("ImageNet shifted", "ood", 500)]),
}


def path_of(name: str) -> Path:
    return OUT / f"viewer-{name}-v1.deephys"  # bump the version when a spec changes


def activations(rng: np.random.Generator, layers: dict[str, int], labels: np.ndarray) -> dict[str, np.ndarray]:
    """Sparse non-negative hidden units with unit-specific scales; logits that favour the label
    (about 60% top-1), so that accuracy and confusion are not trivial."""
    n = labels.shape[0]
    out = {}
    for layer, units in layers.items():
        scale = np.linspace(0.2, 2.0, units, dtype=np.float32)
        values = rng.standard_normal((n, units), dtype=np.float32) * scale - 0.3 * scale
        if layer == "logits":
            values[np.arange(n), labels] += 3.0 * scale[labels]
            out[layer] = values
        else:
            out[layer] = np.maximum(values, 0)
    return out


def write(name: str) -> Path:
    layers, dtype, datasets = SPECS[name]
    path = path_of(name)
    rng = np.random.default_rng(len(name))
    classes = layers["logits"]
    model = deephys.Model(f"bench-{name}", layers=layers, classifier="logits")
    with deephys.Writer(path, model=model, classes=[f"class {c}" for c in range(classes)], activation_dtype=dtype) as w:
        for dataset, role, n in datasets:
            with w.dataset(dataset, role=role, total=n) as d:
                for lo in range(0, n, BATCH):
                    rows = min(BATCH, n - lo)
                    labels = rng.integers(0, classes, rows)
                    d.append(
                        labels=labels,
                        activations=activations(rng, layers, labels),
                        images=synthetic_images(rng, rows, SIDE),
                    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="write the files again even when present")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in SPECS:
        path = path_of(name)
        if args.force or not path.exists():
            start = time.perf_counter()
            print(f"writing {path.name}...", file=sys.stderr, flush=True)
            write(name)
            print(
                f"  {path.stat().st_size / 2**20:,.0f} MiB in {time.perf_counter() - start:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        layers, dtype, datasets = SPECS[name]
        hidden = [layer for layer in layers if layer != "logits"]
        paths[name] = {
            "path": str(path),
            "bytes": path.stat().st_size,
            "datasets": [{"name": d, "images": n} for d, _, n in datasets],
            "layers": layers,
            "dtype": dtype,
            "layer": hidden[-1],  # the viewer's default layer: the last before the classifier
            "units": layers[hidden[-1]],
        }
    print(json.dumps(paths))


if __name__ == "__main__":
    main()
