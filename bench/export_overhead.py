"""Cost of `deephys.torch.export` over bare inference, and its memory, on CPU.

A ResNet-style network (basic blocks, batch norm, skip connections: the `ResNet` of the tests,
tests/torch/torch_models.py, in ResNet-18's layout at half width) runs at 64x64 over the same DataLoader
twice per round: a bare `inference_mode` loop, and the exporter (4 pooled stages + logits, PNG
thumbnails, summaries, file writes). Prints the time ratio export / bare (goal <= 1.05) and the peak
Python/NumPy heap of the export (tracemalloc) for two dataset sizes: it must not grow with the dataset.

    PYTHONPATH=python python bench/export_overhead.py [--images 512 2048] [--rounds 3] [--threads 1]

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

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "torch"))
from torch_models import ResNet  # noqa: E402  (the tests' model; tests/torch is not a package)

import deephys.torch  # noqa: E402

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
        path = Path(folder) / "bench.deephys"
        export(model, loader(args.batch_size, args.batch_size), path)  # warm-up
        bare(model, loader(args.batch_size, args.batch_size))
        for images in args.images:
            data = loader(images, args.batch_size)
            times: dict[str, list[tuple[float, float]]] = {"bare": [], "export": []}
            for round_ in range(args.rounds):  # ABBA order, so a drift in machine load cancels out
                for kind in ("bare", "export") if round_ % 2 == 0 else ("export", "bare"):
                    times[kind].append(bare(model, data) if kind == "bare" else export(model, data, path))
            wall = [e[0] / b[0] for b, e in zip(times["bare"], times["export"], strict=True)]
            cpu = [e[1] / b[1] for b, e in zip(times["bare"], times["export"], strict=True)]
            t_bare, t_export = (min(t[0] for t in times[k]) for k in ("bare", "export"))
            print(
                f"{images:6d} images: bare {t_bare:6.2f} s ({images / t_bare:5.1f} img/s), export {t_export:6.2f} s "
                f"(best of {args.rounds}) -> ratio {t_export / t_bare:.3f}; median of paired rounds: wall "
                f"{statistics.median(wall):.3f}, CPU time {statistics.median(cpu):.3f}; "
                f"file {path.stat().st_size / 2**20:.1f} MiB"
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


if __name__ == "__main__":
    main()
