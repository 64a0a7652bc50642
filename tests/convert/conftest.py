"""The real original Deephys exporter (PyPI deephys 0.14.1), run in a separate process.

Its import name is also `deephys`, so it runs with `python -S` (no site-packages,
hence not our editable install) and a PYTHONPATH of only two folders: the
unpacked wheel, and a folder of symlinks to this environment's cbor2, numpy and
tqdm. The wheel is downloaded once into ~/.cache/deephys-test/original.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ORIGINAL_VERSION = "0.14.1"
CACHE = Path(os.environ.get("DEEPHYS_TEST_CACHE", Path.home() / ".cache" / "deephys-test")) / "original"

# Run by the original exporter: reads a JSON job, writes .model and .test files.
_EXPORT_SCRIPT = r"""
import json, sys
import numpy as np
import deephys

original_root = sys.argv[2]
assert deephys.__file__.startswith(original_root), f"wrong deephys imported: {deephys.__file__}"
job = json.load(open(sys.argv[1]))
models = {}
for spec in job["models"]:
    m = deephys.model(spec["name"], dict(spec["layers"]), spec["classification_layer"])
    m.save(spec["path"])
    models[spec["name"]] = m
for spec in job["tests"]:
    data = np.load(spec["inputs"])
    activity = {key[len("act_"):]: data[key] for key in data.files if key.startswith("act_")}
    test = deephys.dataset_activity(spec["name"], spec["classes"], activity, models[spec["model"]],
                                    data["images"], data["groundtruth"], dtype=spec["dtype"])
    test.save(spec["path"])
"""


@dataclass(frozen=True)
class Inputs:
    """What a test handed to the original exporter."""

    activations: dict[str, np.ndarray]
    images: np.ndarray  # (N, 3, H, W) floats in 0..1
    groundtruth: np.ndarray


class OriginalExporter:
    """Writes original-format files by running the real deephys 0.14.1."""

    def __init__(self, root: Path, shim: Path):
        self.root = root
        self.shim = shim

    def export(self, folder: Path, models: list[dict[str, Any]], tests: list[dict[str, Any]]) -> None:
        """`models`: {name, layers: [[layer, units]...], classification_layer, path};
        `tests`: {name, model, classes, dtype, path, inputs: Inputs}."""
        jobs = []
        for i, spec in enumerate(tests):
            inputs: Inputs = spec["inputs"]
            npz = folder / f"inputs-{i}.npz"
            np.savez(
                npz,
                images=inputs.images,
                groundtruth=inputs.groundtruth,
                **{f"act_{k}": v for k, v in inputs.activations.items()},
            )
            jobs.append({**spec, "inputs": str(npz), "path": str(spec["path"])})
        job = folder / "job.json"
        job.write_text(json.dumps({"models": [{**m, "path": str(m["path"])} for m in models], "tests": jobs}))
        script = folder / "export_original.py"
        script.write_text(_EXPORT_SCRIPT)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["PYTHONPATH"] = os.pathsep.join([str(self.root), str(self.shim)])
        result = subprocess.run(
            [sys.executable, "-S", str(script), str(job), str(self.root)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise AssertionError(f"the original exporter failed:\n{result.stdout}\n{result.stderr}")


def _download_wheel() -> Path:
    wheels = sorted(CACHE.glob(f"deephys-{ORIGINAL_VERSION}-*.whl"))
    if wheels:
        return wheels[0]
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                f"deephys=={ORIGINAL_VERSION}",
                "-d",
                tmp,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        downloaded = sorted(Path(tmp).glob("deephys-*.whl"))
        if result.returncode != 0 or not downloaded:
            pytest.skip(
                f"could not download the original exporter deephys=={ORIGINAL_VERSION} "
                f"(offline?): {(result.stderr or result.stdout).strip()[-300:]}"
            )
        target = CACHE / downloaded[0].name
        os.replace(downloaded[0], target)  # atomic: parallel workers may race
    return target


def _unpack(wheel: Path) -> Path:
    root = CACHE / f"unpacked-{ORIGINAL_VERSION}"
    if not (root / "deephys" / "deephys.py").exists():
        staging = Path(tempfile.mkdtemp(dir=CACHE))
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(staging)
        try:
            os.replace(staging, root)
        except OSError:  # another worker won the race
            shutil.rmtree(staging, ignore_errors=True)
    return root


def _shim(folder: Path) -> Path:
    """A folder exposing only the original exporter's dependencies."""
    folder.mkdir(exist_ok=True)
    for name in ("cbor2", "numpy", "tqdm"):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            pytest.skip(f"{name} is needed to run the original exporter")
        package = Path(next(iter(spec.submodule_search_locations)))
        (folder / name).symlink_to(package, target_is_directory=True)
        libs = package.parent / f"{name}.libs"  # vendored shared libraries of manylinux wheels
        if libs.is_dir():
            (folder / libs.name).symlink_to(libs, target_is_directory=True)
    return folder


@pytest.fixture(scope="session")
def original_exporter(tmp_path_factory: pytest.TempPathFactory) -> OriginalExporter:
    root = _unpack(_download_wheel())
    return OriginalExporter(root, _shim(tmp_path_factory.mktemp("original-deps") / "site"))


# ---- one set of real original files, shared by the tests ----------------------------

LAYERS = [("conv", 6), ("fc", 4), ("out", 5)]
OTHER_LAYERS = [("conv", 6), ("fc", 3), ("out", 5)]  # same layer count, one size differs
TWO_LAYERS = [("fc", 4), ("out", 5)]
CLASSES = ["airplane", "bird", "cat", "dog", "ship"]


@dataclass(frozen=True)
class OriginalFiles:
    folder: Path
    model: Path  # LAYERS, classifier "out"
    other_model: Path  # OTHER_LAYERS
    two_layer_model: Path  # TWO_LAYERS
    cifar: Path  # float32, 12 images 5 high x 7 wide, classes given
    cifar2: Path  # float32, 9 images 6 high x 4 wide
    sketch: Path  # float64, 10 images 3 high x 8 wide, labels only 0, 2, 3
    large: Path  # float32, 64 x 64 images (replicated into big files by the tests)
    inputs: dict[str, Inputs]  # by test file stem
    classes: tuple[str, ...] = tuple(CLASSES)
    layers: tuple[tuple[str, int], ...] = tuple(LAYERS)


def make_inputs(rng: np.random.Generator, n: int, height: int, width: int, labels: list[int] | None = None) -> Inputs:
    """Activations with the awkward values (signed zero, subnormals, NaN, inf, values that round)."""
    conv = rng.random((n, 6)) * 10
    conv[0] = [0.0, -0.0, 1e-40, 1e-320, 3.0e38, np.nan]
    conv[1] = [np.inf, 1 / 3, 0.1, 2.0**-149, 65504.0, 1e-45]
    fc = rng.random((n, 4)).astype(np.float32)  # float32 input: widened exactly for float64 files
    fc[0] = [0.0, np.float32(1e-40), np.float32(np.pi), np.float32(3.4e38)]
    out = rng.standard_normal((n, 5)) * 5
    out[1] = [1.5, 1.5, -2.0, 0.0, -0.0]  # a tie: the first wins
    out[2] = [-0.0, -1e-300, -7.0, -1e30, -3.0]  # the original cannot pack float32 overflows
    images = rng.random((n, 3, height, width))
    images[0, 0, 0, :3] = [0.0, 1.0, 0.999999]
    groundtruth = rng.choice(labels, n) if labels else rng.integers(0, len(CLASSES), n)
    return Inputs({"conv": conv, "fc": fc, "out": out}, images, groundtruth.astype(np.int64))


@pytest.fixture(scope="session")
def original_files(original_exporter: OriginalExporter, tmp_path_factory: pytest.TempPathFactory) -> OriginalFiles:
    folder = tmp_path_factory.mktemp("original-files")
    rng = np.random.default_rng(20230321)
    inputs = {
        "cifar": make_inputs(rng, 12, 5, 7),
        "cifar2": make_inputs(rng, 9, 6, 4),
        "sketch": make_inputs(rng, 10, 3, 8, labels=[0, 2, 3]),
        "large": make_inputs(rng, 40, 64, 64),
    }
    models = [
        {"name": "resnet", "layers": LAYERS, "classification_layer": "out", "path": folder / "resnet.model"},
        {"name": "other", "layers": OTHER_LAYERS, "classification_layer": "out", "path": folder / "other.model"},
        {"name": "two", "layers": TWO_LAYERS, "classification_layer": "out", "path": folder / "two.model"},
    ]
    tests = [
        {"name": "CIFAR-10", "dtype": "float32", "stem": "cifar"},
        {"name": "CIFAR-10.2", "dtype": "float32", "stem": "cifar2"},
        {"name": "Sketch", "dtype": "float64", "stem": "sketch"},
        {"name": "Large", "dtype": "float32", "stem": "large"},
    ]
    original_exporter.export(
        folder,
        models,
        [
            {
                "name": t["name"],
                "model": "resnet",
                "classes": CLASSES,
                "dtype": t["dtype"],
                "path": folder / f"{t['stem']}.test",
                "inputs": inputs[t["stem"]],
            }
            for t in tests
        ],
    )
    return OriginalFiles(
        folder,
        folder / "resnet.model",
        folder / "other.model",
        folder / "two.model",
        folder / "cifar.test",
        folder / "cifar2.test",
        folder / "sketch.test",
        folder / "large.test",
        inputs,
    )
