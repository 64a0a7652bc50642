"""`deephys demo`, end to end: build the data, train, export ID and shifted sets, report the finding."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..compare import compare as compare_files
from ..compare import render as render_comparison
from ..errors import UsageError
from ..findings import Limits, render
from ..findings import findings as file_findings

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
from .data import CLASSES, ID_NAME, DemoData, load_demo_data
from .findings import Findings, read_findings
from .training import AUGMENTED, TrainConfig, TrainStats

__all__ = [
    "FRAMEWORKS",
    "LAYERS",
    "DemoResult",
    "Framework",
    "augmented_path",
    "claim_demo_path",
    "demo_path",
    "run_demo",
]

Framework = Literal["torch", "jax"]
FRAMEWORKS: tuple[Framework, ...] = ("torch", "jax")
#: What the file records: both conv layers (ReLU, mean over the map), the 50-unit fc1 (ReLU) and the logits.
LAYERS = ("conv1", "conv2", "fc1", "fc2")
MODEL_NAME = "colored-mnist-cnn"
AUGMENTED_NAME = "colored-mnist-cnn, colour-augmented"
#: How much of `deephys report` the demo prints: the top of each shift's findings.
REPORT_LIMITS = Limits(classes=3, cells=2, units=2, shifted=5)
# The same export of both frameworks' models (relu: the conv and fc1 units as the paper records them).
_EXPORT_OPTIONS: dict[str, Any] = {
    "layers": list(LAYERS),
    "classes": list(CLASSES),
    "relu": True,
    "batch_size": 256,
    "model_name": MODEL_NAME,
    # The conv layers' maps of their units' top images: conv1's 24 x 24 in 2 x 2 blocks, conv2's 8 x 8 as they
    # are, for the first 16 top images (the file grows by about 11%, not 31% with the defaults' 16 and 32).
    "map_size": 12,
    "map_images": 16,
}


@dataclass(frozen=True)
class DemoResult:
    path: Path
    framework: Framework
    training: TrainStats
    export_seconds: float
    findings: Findings  # the demo's own numbers (accuracies, spurious scores of fc1, the ID-halves control)
    report: dict[str, Any]  # `deephys.findings` of the file, as printed (`REPORT_LIMITS`)
    augmented: Path | None = None  # with compare=True: the colour-augmented model's file
    comparison: dict[str, Any] | None = None  # with compare=True: `deephys.compare(path, augmented)`, as printed


def demo_path(out_dir: str | os.PathLike[str], framework: Framework, number: int = 1) -> Path:
    suffix = "" if number == 1 else f"-{number}"
    return Path(out_dir) / f"colored-mnist-{framework}{suffix}.deephys"


def augmented_path(path: Path) -> Path:
    """Where `deephys demo --compare` writes the colour-augmented model, beside the demo's file `path`."""
    return path.with_name(f"{path.stem}-augmented{path.suffix}")


@contextlib.contextmanager
def claim_demo_path(out_dir: str | os.PathLike[str], framework: Framework) -> Iterator[Path]:
    """The demo's file in `out_dir`, held for this process while the block runs: a second demo running at
    the same time (writing, or serving its file in the viewer) gets `colored-mnist-<framework>-2.deephys`,
    and so on; one run after another reuses the first name. The hold is an flock on a hidden lock file
    beside it, released by the system if the process dies."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # no flock (Windows): one file per run
        yield demo_path(folder, framework, number=os.getpid())
        return
    for number in itertools.count(1):
        path = demo_path(folder, framework, number)
        lock = open(path.with_name(f".{path.name}.lock"), "a")  # noqa: SIM115 - closed below
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue  # another demo holds this name
        try:
            yield path
        finally:
            lock.close()  # releases the flock
        return


def run_demo(
    framework: Framework = "torch",
    out_dir: str | os.PathLike[str] = ".",
    seed: int = 0,
    progress: bool = True,
    echo: Callable[[str], None] = print,
    path: str | os.PathLike[str] | None = None,
    compare: bool = False,
) -> DemoResult:
    """Train the paper's CNN on coloured digits with `framework`, write `DIR/colored-mnist-<framework>.deephys`
    (or `path`; see `claim_demo_path` for demos that run at the same time). With `compare`, also train the
    same CNN with colour augmentation, write it beside (`augmented_path`) and print `deephys compare` of the
    two: the colour units gone, the accuracy under permuted colours restored."""
    if framework not in FRAMEWORKS:
        raise UsageError(f"framework must be one of {', '.join(FRAMEWORKS)}, not {framework!r}")
    if path is None:
        with claim_demo_path(out_dir, framework) as claimed:
            return run_demo(framework, out_dir, seed, progress, echo, claimed, compare)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = load_demo_data(seed)
    config = TrainConfig(seed=seed)
    test_images = len(data.test[ID_NAME][1])
    echo(
        f"Colored MNIST from scikit-learn's digits: {len(data.train_labels)} training images, {test_images} test "
        f"images per dataset ({framework}, seed {seed})"
    )
    run = _run_torch if framework == "torch" else _run_jax
    training, export_seconds = run(data, config, path, progress, MODEL_NAME)
    echo(f"trained in {training.seconds:.1f} s ({training.steps} steps), exported in {export_seconds:.1f} s -> {path}")
    findings = read_findings(path)
    report = file_findings(path, REPORT_LIMITS)
    echo(render(report))  # ends with an empty line
    echo(findings.control_line())
    if not compare:
        return DemoResult(path, framework, training, export_seconds, findings, report)
    augmented = augmented_path(path)
    echo("")
    echo("The same CNN trained with colour augmentation (a random colour per image at every step):")
    stats, seconds = run(data, dataclasses.replace(AUGMENTED, seed=seed), augmented, progress, AUGMENTED_NAME)
    echo(f"trained in {stats.seconds:.1f} s ({stats.steps} steps), exported in {seconds:.1f} s -> {augmented}")
    comparison = compare_files(path, augmented, limits=REPORT_LIMITS)
    echo(render_comparison(comparison).rstrip())
    return DemoResult(path, framework, training, export_seconds, findings, report, augmented, comparison)


def _run_torch(
    data: DemoData, config: TrainConfig, path: Path, progress: bool, model_name: str
) -> tuple[TrainStats, float]:
    import torch

    import deephys.torch

    from .train_torch import threads, to_nchw, train

    model, stats = train(data.train_images, data.train_labels, config, progress=progress)
    datasets = {
        name: torch.utils.data.TensorDataset(to_nchw(images), torch.from_numpy(labels))
        for name, (images, labels) in data.test.items()
    }
    start = time.perf_counter()
    with threads(config.threads):
        deephys.torch.export(
            model, datasets, path=path, progress=progress, **{**_EXPORT_OPTIONS, "model_name": model_name}
        )
    return stats, time.perf_counter() - start


def _run_jax(
    data: DemoData, config: TrainConfig, path: Path, progress: bool, model_name: str
) -> tuple[TrainStats, float]:
    import deephys.flax

    from .train_jax import train

    model, stats = train(data.train_images, data.train_labels, config, progress=progress)
    start = time.perf_counter()
    deephys.flax.export(
        model, dict(data.test), path=path, progress=progress, **{**_EXPORT_OPTIONS, "model_name": model_name}
    )
    return stats, time.perf_counter() - start
