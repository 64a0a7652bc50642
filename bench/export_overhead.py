"""Cost of `deephys.torch.export` over bare inference, and its memory, on CPU; the cost of spatial maps.

A ResNet-style network (basic blocks, batch norm, skip connections: the `ResNet` of the tests,
tests/torch/torch_models.py, in ResNet-18's layout at half width) runs at 64x64 over the same DataLoader
three times per round: a bare `inference_mode` loop, the exporter as it is by default (4 pooled stages +
logits, PNG thumbnails, summaries, the stages' spatial maps, file writes), and the exporter with
`spatial_maps=False`. Prints the time ratios export / bare (goals: <= 1.25 with maps, <= 1.05 without)
and the file sizes with and without maps; then the peak Python/NumPy heap of the export (tracemalloc)
for two dataset sizes: it must not grow with the dataset. Last, the bytes the maps add to an
ImageNet-scale file (goal <= 5%): ResNet-50's four stages and logits on 50,000 images (random values,
no thumbnails: the activations alone, the least the maps are compared with) through the export loop
with a synthetic capture, so the maps kept are the exporter's own choice.

    PYTHONPATH=python python bench/export_overhead.py [--images 512 2048] [--rounds 3] [--threads 1]
        [--imagenet-images 50000]

Wall-clock ratios need a quiet machine; "CPU time" counts every thread of the process (the background
encoding too), which is steadier when other processes compete for the cores.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "torch"))
from torch_models import ResNet  # noqa: E402  (the tests' model; tests/torch is not a package)

import deephys  # noqa: E402
import deephys.torch  # noqa: E402
from deephys.export import Capture, DatasetSource, ExportOptions, run_export  # noqa: E402

WIDTHS = (32, 64, 128, 256)  # ResNet-18's at half width
LAYERS = ["layers.0", "layers.1", "layers.2", "layers.3", "fc"]  # the 4 stages and the logits


class ShapeTwin(nn.Module):
    """Cheap stand-in with the ResNet's recorded shapes, to measure the exporter's memory on big datasets
    quickly: the exporter's state depends only on the shapes it records, not on the arithmetic."""

    def __init__(self, widths: tuple[int, ...] = WIDTHS, classes: int = 100):
        super().__init__()
        pairs = enumerate(zip((3, *widths[:-1]), widths, strict=True))
        self.layers = nn.Sequential(*(nn.Conv2d(cin, w, 1, 1 if i == 0 else 2, bias=False) for i, (cin, w) in pairs))
        self.fc = nn.Linear(widths[-1], classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.layers(x).mean(dim=(2, 3)))


class RandomBatches:
    """`images` random 64x64 images in batches, generated on the fly (no dataset held in memory)."""

    def __init__(self, images: int, batch_size: int):
        self.images, self.batch_size = images, batch_size

    def __iter__(self):
        generator = torch.Generator().manual_seed(0)
        for start in range(0, self.images, self.batch_size):
            n = min(self.batch_size, self.images - start)
            yield torch.rand(n, 3, 64, 64, generator=generator), torch.randint(0, 100, (n,), generator=generator)


def loader(images: int, batch_size: int) -> DataLoader:
    generator = torch.Generator().manual_seed(0)
    data = TensorDataset(
        torch.rand(images, 3, 64, 64, generator=generator), torch.randint(0, 100, (images,), generator=generator)
    )
    return DataLoader(data, batch_size=batch_size)


def timed(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of `fn()`; CPU time counts every thread of the process (encoding included)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def bare(model: nn.Module, data: DataLoader) -> tuple[float, float]:
    def loop() -> None:
        model.eval()
        with torch.inference_mode():
            for x, _ in data:
                model(x)

    return timed(loop)


def export(model: nn.Module, data: DataLoader, path: Path, **options) -> tuple[float, float]:
    return timed(
        lambda: deephys.torch.export(
            model,
            {"bench": data},
            path=path,
            progress=False,
            layers=LAYERS,
            **options,
        )
    )


def peak_heap(model: nn.Module, data, path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    export(model, data, path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


class SyntheticResNet50(Capture):
    """ResNet-50's recorded layers on ImageNet (224x224): random pooled activations for each batch and random
    maps for those the exporter asks for; its inputs are the batch's size."""

    STAGES = {"layer1": (256, 56), "layer2": (512, 28), "layer3": (1024, 14), "layer4": (2048, 7)}
    CLASSES = 1000

    def __init__(self, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.map_size = 16

    def __call__(self, inputs: np.ndarray) -> dict[str, np.ndarray]:
        n = len(inputs)
        values = {
            name: np.maximum(self.rng.standard_normal((n, units), np.float32), 0)
            for name, (units, _) in self.STAGES.items()
        }
        return {**values, "fc": self.rng.standard_normal((n, self.CLASSES), np.float32)}

    def map_layers(self) -> list[str]:
        return list(self.STAGES)

    def batch_maps(self, wanted) -> dict[str, np.ndarray]:
        found = {}
        for name, (rows, _) in wanted.items():
            side = min(self.STAGES[name][1], 16)
            found[name] = self.rng.random((len(rows), side, side), np.float32)
        return found


def imagenet_maps(images: int, batch_size: int, folder: Path) -> None:
    """Write the synthetic ImageNet-scale file; print the bytes of its maps against the rest."""
    capture = SyntheticResNet50()
    rng = np.random.default_rng(1)

    def batches():
        for start in range(0, images, batch_size):
            n = min(batch_size, images - start)
            yield np.zeros((n, 0), np.float32), rng.integers(0, SyntheticResNet50.CLASSES, n)

    path = folder / "imagenet.deephys"
    options = ExportOptions(
        model_name="resnet50 (synthetic)",
        classes=[f"class {i}" for i in range(SyntheticResNet50.CLASSES)],
        writer_options={"map_size": 16, "map_images": 32},
        progress=False,
    )
    wall = time.perf_counter()
    run_export(path, [DatasetSource("ImageNet", batches(), role="id", total=images)], capture, None, options)
    wall = time.perf_counter() - wall
    with deephys.open(path) as run:
        stored = run.datasets["ImageNet"].stored_bytes()
    maps = sum(stored.maps.values())
    size = path.stat().st_size
    print(
        f"ImageNet-scale synthetic file ({images:,} images, ResNet-50's stages + 1000 logits, float32, no "
        f"thumbnails; written in {wall:.0f} s): {size / 2**20:.0f} MiB, of which maps {maps / 2**20:.1f} MiB -> "
        f"maps add {100 * maps / (size - maps):.2f}% (goal <= 5%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, nargs=2, default=[512, 2048], help="the two dataset sizes")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/export rounds; best of each")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="PyTorch intra-op threads (default: PyTorch's own choice). On a shared machine "
        "--threads 1 gives the steadiest CPU-time ratio (no spinning OpenMP threads)",
    )
    parser.add_argument(
        "--imagenet-images", type=int, default=50000, help="images of the ImageNet-scale file (0: skip it)"
    )
    parser.add_argument(
        "--memory-images",
        type=int,
        nargs=2,
        default=[8192, 32768],
        help="the two dataset sizes of the memory check (on the shape twin)",
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = ResNet(WIDTHS, blocks=2, classes=100).eval()
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs; "
        f"ResNet-style at 64x64, batch {args.batch_size}"
    )
    with tempfile.TemporaryDirectory() as folder:
        path, plain = Path(folder) / "bench.deephys", Path(folder) / "plain.deephys"
        export(model, loader(args.batch_size, args.batch_size), path)  # warm-up
        bare(model, loader(args.batch_size, args.batch_size))
        for images in args.images:
            data = loader(images, args.batch_size)
            kinds = ("bare", "export", "no maps")
            times: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
            runs = {
                "bare": lambda data=data: bare(model, data),
                "export": lambda data=data: export(model, data, path),
                "no maps": lambda data=data: export(model, data, plain, spatial_maps=False),
            }
            for round_ in range(args.rounds):  # the order rotates, so a drift in machine load cancels out
                for kind in kinds[round_ % 3 :] + kinds[: round_ % 3]:
                    times[kind].append(runs[kind]())
            sizes = {"export": path.stat().st_size, "no maps": plain.stat().st_size}
            t_bare = min(t[0] for t in times["bare"])
            print(f"{images:6d} images: bare {t_bare:6.2f} s ({images / t_bare:5.1f} img/s)")
            for kind in ("export", "no maps"):
                wall = [e[0] / b[0] for b, e in zip(times["bare"], times[kind], strict=True)]
                cpu = [e[1] / b[1] for b, e in zip(times["bare"], times[kind], strict=True)]
                t_kind = min(t[0] for t in times[kind])
                label = "export with maps" if kind == "export" else "export, no maps "
                print(
                    f"    {label} {t_kind:6.2f} s (best of {args.rounds}) -> ratio {t_kind / t_bare:.3f}; median "
                    f"of paired rounds: wall {statistics.median(wall):.3f}, CPU time {statistics.median(cpu):.3f}; "
                    f"file {sizes[kind] / 2**20:.2f} MiB"
                )
            paired = [m[1] / p[1] for m, p in zip(times["export"], times["no maps"], strict=True)]
            print(
                f"    with maps / without: CPU time {statistics.median(paired):.3f} (median of paired rounds); "
                f"the maps add {100 * (sizes['export'] / sizes['no maps'] - 1):.1f}% to the file"
            )
        print(
            "peak memory of the export (tracemalloc: Python and NumPy heap; the ResNet's shapes, cheap "
            "arithmetic, batches made on the fly):"
        )
        twin = ShapeTwin().eval()
        peaks = []
        for images in args.memory_images:
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            peaks.append(peak_heap(twin, RandomBatches(images, args.batch_size), path))
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(
                f"{images:6d} images: peak heap {peaks[-1] / 2**20:5.1f} MiB, max RSS grew by "
                f"{(rss_after - rss_before) / 1024:5.1f} MiB; file {path.stat().st_size / 2**20:.1f} MiB"
            )
        print(f"peak heap ratio {args.memory_images[1]}/{args.memory_images[0]} images: {peaks[1] / peaks[0]:.3f}")
        if args.imagenet_images:
            imagenet_maps(args.imagenet_images, 256, Path(folder))


if __name__ == "__main__":
    main()
