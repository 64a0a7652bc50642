"""Bench against the original Deephys exporter (PyPI deephys 0.14.1, CBOR files).

Both write the same arrays: 2,000 RGB 32x32 images (synthetic pictures, see
`format_scale.synthetic_images`: a smooth two-colour gradient, a soft disc, a
rectangle and Gaussian sensor noise of 2 levels; not white noise), a 512-unit
ReLU layer and a 10-unit classifier, float32 input. The original builds its
`model` and `dataset_activity` and saves both (`.model` + `.test`); ours writes
one `.deephys` file with `deephys.Writer(activation_dtype="float16")`, with the
default PNG thumbnails, and for comparison with JPEG or WebP thumbnails and
without thumbnails. Each side runs in its own process (both import as
`deephys`); the original's sees only its unpacked wheel and links to numpy,
cbor2 and tqdm. Runs are interleaved and the best time of each counts.

Prints the ratios of write time and file size to the original's, PASS or
MISSED for each target (time <= 0.2x, size <= 0.4x) and row, why lossless
thumbnails cannot meet the size target on these pictures, and, when the
default misses the time target, where the time goes.

    PYTHONPATH=python python bench/vs_original.py [--repeats 5] [--profile]

The original is fetched once with `pip download --no-deps deephys==0.14.1` into
bench/_original/ (ignored by git); outputs go to bench/out/.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import json
import os
import pstats
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORIGINAL = HERE / "_original"
OUT = HERE / "out"
N, SIDE, HIDDEN, CLASSES = 2_000, 32, 512, 10
TARGET_TIME, TARGET_SIZE = 0.2, 0.4
CLASS_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


# ---- the original exporter, isolated ---------------------------------------------


def install_original() -> dict[str, str]:
    """Unpack deephys 0.14.1 into bench/_original/pkg and link its dependencies into
    bench/_original/site; return the environment of a process that sees only those."""
    package = ORIGINAL / "pkg"
    if not (package / "deephys" / "deephys.py").exists():
        wheels = ORIGINAL / "wheels"
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "deephys==0.14.1", "-d", str(wheels)],
            check=True,
        )
        with zipfile.ZipFile(next(wheels.glob("deephys-0.14.1-*.whl"))) as wheel:
            wheel.extractall(package)
    site = ORIGINAL / "site"
    site.mkdir(parents=True, exist_ok=True)
    for module in ("numpy", "cbor2", "tqdm"):
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(f"{module} is needed by the original exporter: pip install {module}")
        source = Path(next(iter(spec.submodule_search_locations)))
        for name in [module, f"{module}.libs"]:  # numpy.libs holds numpy's bundled shared libraries
            target, origin = site / name, source.parent / name
            if origin.exists() and not target.exists():
                target.symlink_to(origin, target_is_directory=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join([str(package), str(site)])
    return env


ORIGINAL_CHILD = """
import json, sys, time
import numpy as np
import deephys
assert "_original" in deephys.__file__, deephys.__file__
data = np.load(sys.argv[1])
images, labels = data["images_nchw_float"], data["labels"]
activity = {"fc": data["fc"], "logits": data["logits"]}
names = json.loads(sys.argv[2])
times, cpu = [], []
for repeat in range(int(sys.argv[4]) + 1):  # the first run warms up (lazy imports) and is not counted
    start, start_cpu = time.perf_counter(), time.process_time()
    model = deephys.model("synthetic-cnn", {"fc": activity["fc"].shape[1], "logits": len(names)}, "logits")
    test = deephys.dataset_activity("synthetic", names, dict(activity), model, images, labels, "float32")
    model.save(sys.argv[3] + ".model")
    test.save(sys.argv[3] + ".test")
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
print(json.dumps({"times": times[1:], "cpu": cpu[1:], "module": deephys.__file__}))
"""


# ---- the data -----------------------------------------------------------------------


def make_data(path: Path) -> None:
    sys.path.insert(0, str(HERE))
    from format_scale import synthetic_images

    rng = np.random.default_rng(0)
    images = synthetic_images(rng, N, SIDE)  # (N, 32, 32, 3) uint8
    labels = rng.integers(0, CLASSES, N)
    scale = rng.gamma(2.0, 0.5, HIDDEN).astype(np.float32)
    fc = np.maximum(rng.standard_normal((N, HIDDEN), dtype=np.float32) * scale - 0.3 * scale, 0)
    logits = rng.standard_normal((N, CLASSES), dtype=np.float32) * 3
    logits[np.arange(N), labels] += 4
    np.savez(
        path,
        images_nchw_float=np.ascontiguousarray(images.transpose(0, 3, 1, 2)).astype(np.float32) / 255,
        labels=labels,
        fc=fc,
        logits=logits,
    )


# ---- ours -------------------------------------------------------------------------------


LOSSY_QUALITY = 85  # a usual thumbnail quality


def write_ours(data_path: Path, out: Path, encoding: str = "png") -> tuple[float, float]:
    """Write the data with deephys.Writer (image quality 85 for JPEG and WebP); `encoding` "none" leaves the
    images out. Returns the wall time and the CPU time of the process (all threads)."""
    import deephys

    data = np.load(data_path)
    images, labels = data["images_nchw_float"], data["labels"]
    if encoding == "none":
        images, encoding = None, "png"
    activations = {"fc": data["fc"], "logits": data["logits"]}
    start, start_cpu = time.perf_counter(), time.process_time()
    model = deephys.Model("synthetic-cnn", layers={"fc": HIDDEN, "logits": CLASSES}, classifier="logits")
    with deephys.Writer(
        out,
        model=model,
        classes=CLASS_NAMES,
        activation_dtype="float16",
        image_encoding=encoding,
        image_quality=LOSSY_QUALITY,
    ) as w:
        w.add_dataset("synthetic", images=images, labels=labels, activations=activations, role="id")
    return time.perf_counter() - start, time.process_time() - start_cpu


OURS_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from vs_original import write_ours
from pathlib import Path
# The first run warms up (lazy imports, e.g. Pillow's PNG plugin) and is not counted.
runs = [write_ours(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]) for _ in range(int(sys.argv[5]) + 1)]
import deephys
print(json.dumps({"times": [t for t, _ in runs[1:]], "cpu": [c for _, c in runs[1:]], "module": deephys.__file__}))
"""


def run_child(code: str, args: list[str], env: dict[str, str] | None, isolated: bool = False) -> dict:
    flags = ["-S"] if isolated else []  # -S: no site-packages, so only PYTHONPATH (the original) is seen
    done = subprocess.run([sys.executable, *flags, "-c", code, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def profile_ours(data_path: Path) -> str:
    write_ours(data_path, OUT / "profile.deephys")  # warm up imports and the thread pool
    profiler = cProfile.Profile()
    profiler.enable()
    write_ours(data_path, OUT / "profile.deephys")
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    return text.getvalue()


def png_encoding_alone(data_path: Path) -> float:
    """Seconds to convert and PNG-encode the images with deephys' encoder, one thread, nothing else."""
    from deephys.format import images as image_module

    floats = np.load(data_path)["images_nchw_float"]
    start = time.perf_counter()
    image_module.encode_many(image_module.to_uint8(floats), "png")
    return time.perf_counter() - start


def lossless_floor(size_without_images: int, size_png: int, png_bytes: int) -> tuple[int, float]:
    """Smallest file any lossless thumbnail coder could give, and the bits per sample it needs.

    Each pixel value of the synthetic pictures carries independent Gaussian noise of NOISE_SIGMA levels,
    rounded to an integer: whatever predicts the smooth picture underneath, the rounded noise alone has an
    entropy of about 0.5 * log2(2 pi e sigma^2) bits per sample, which no lossless coder can go below.
    """
    sys.path.insert(0, str(HERE))
    from format_scale import NOISE_SIGMA

    bits = 0.5 * np.log2(2 * np.pi * np.e * NOISE_SIGMA**2)
    per_record = (size_png - size_without_images - png_bytes) / N  # record frame, fields and table reference
    return int(size_without_images + N * (SIDE * SIDE * 3 * bits / 8 + per_record)), float(bits)


def verdict(ratio: float, target: float) -> str:
    return "PASS" if ratio <= target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each side; the best time counts")
    parser.add_argument("--profile", action="store_true", help="profile our writer even if the targets are met")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    data_path = OUT / "vs_original_data.npz"
    make_data(data_path)
    original_env = install_original()
    ours_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python"), os.environ.get("PYTHONPATH", "")])}

    print(
        f"data: {N:,} RGB {SIDE}x{SIDE} images: synthetic pictures (a smooth two-colour gradient, a soft disc, a "
        f"rectangle and Gaussian sensor noise, sigma 2 levels; not white noise), given to both as float32 "
        f"NCHW in [0, 1]; layers fc ({HIDDEN} units, ReLU) + logits ({CLASSES} classes), float32; "
        f"{os.cpu_count()} CPUs, best of {args.repeats}"
    )
    base = OUT / "vs_original"
    load_before = os.getloadavg()[0]
    labels = {
        "original": "original deephys 0.14.1 (CBOR .model + .test, raw uint8 pixels, float32)",
        "png": "deephys.Writer default: float16, PNG thumbnails (lossless)",
        "jpeg": f"  the same with JPEG thumbnails (quality {LOSSY_QUALITY}, lossy)",
        "webp": f"  the same with WebP thumbnails (quality {LOSSY_QUALITY}, lossy)",
        "none": "  the same without thumbnails",
    }
    ours = [name for name in labels if name != "original"]
    times: dict[str, list[float]] = {name: [] for name in labels}
    cpu: dict[str, list[float]] = {name: [] for name in labels}
    for _ in range(args.repeats):  # interleaved, so that a busy machine slows every side alike
        original = run_child(
            ORIGINAL_CHILD, [str(data_path), json.dumps(CLASS_NAMES), str(base), "1"], original_env, isolated=True
        )
        times["original"] += original["times"]
        cpu["original"] += original["cpu"]
        for encoding in ours:
            result = run_child(
                OURS_CHILD, [str(HERE), str(data_path), f"{base}-{encoding}.deephys", encoding, "1"], ours_env
            )
            times[encoding] += result["times"]
            cpu[encoding] += result["cpu"]
    sizes = {"original": sum(Path(f"{base}{suffix}").stat().st_size for suffix in (".model", ".test"))}
    sizes.update({encoding: Path(f"{base}-{encoding}.deephys").stat().st_size for encoding in ours})
    best = {name: min(values) for name, values in times.items()}
    ratio = {name: (best[name] / best["original"], sizes[name] / sizes["original"]) for name in labels}
    print(f"original module: {original['module']}\n")
    print(
        f"{'':74}{'write s':>8}{'cpu s':>7}{'size':>13}{'time x':>8}{'size x':>8}   time <= {TARGET_TIME}x   "
        f"size <= {TARGET_SIZE}x"
    )
    for name, label in labels.items():
        time_ratio, size_ratio = ratio[name]
        verdicts = (
            ""
            if name == "original"
            else (f"   {verdict(time_ratio, TARGET_TIME):<14}{verdict(size_ratio, TARGET_SIZE)}")
        )
        print(
            f"{label:74}{best[name]:>8.3f}{min(cpu[name]):>7.3f}{sizes[name] / 2**20:>9.2f} MiB{time_ratio:>8.3f}"
            f"{size_ratio:>8.3f}{verdicts}"
        )
    print(
        f"(write s: best wall time; cpu s: least CPU time of the process, all threads; load average before the "
        f"runs {load_before:.1f}, after {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )

    time_ratio, size_ratio = ratio["png"]
    print(
        f"\ndefault (float16 + PNG) / original: time {time_ratio:.3f}x (target <= {TARGET_TIME}x: "
        f"{verdict(time_ratio, TARGET_TIME)}), size {size_ratio:.3f}x (target <= {TARGET_SIZE}x: "
        f"{verdict(size_ratio, TARGET_SIZE)})"
    )
    meeting = [
        name for name in ("png", "jpeg", "webp") if ratio[name][0] <= TARGET_TIME and ratio[name][1] <= TARGET_SIZE
    ]
    print(
        "thumbnail encodings that meet both targets in this run: "
        + (", ".join(f"{name} ({ratio[name][0]:.3f}x, {ratio[name][1]:.3f}x)" for name in meeting) or "none")
    )

    from deephys import open as open_run

    with open_run(f"{base}-png.deephys") as run:
        dataset = run.datasets["synthetic"]
        png = sum(len(dataset.image_bytes(i)[0]) for i in range(len(dataset)))
    floor, bits = lossless_floor(sizes["none"], sizes["png"], png)
    print(
        f"  where the bytes go (PNG file): thumbnails {png / sizes['png']:.0%} ({png / N:,.0f} B per image, raw "
        f"{SIDE * SIDE * 3:,} B), activations {N * (HIDDEN + CLASSES) * 2 / sizes['png']:.0%} "
        f"({(HIDDEN + CLASSES) * 2:,} B per image)"
    )
    print(
        f"  lossless floor: the sensor noise alone carries {bits:.2f} bits per sample "
        f"({SIDE * SIDE * 3 * bits / 8:,.0f} B "
        f"per image) that no lossless coder can remove, so with lossless thumbnails the file is at least "
        f"{floor / 2**20:.2f} MiB = {floor / sizes['original']:.3f}x the original's: the size target "
        f"{'can' if floor / sizes['original'] <= TARGET_SIZE else 'cannot'} be met losslessly on these pictures"
    )
    if time_ratio > TARGET_TIME or args.profile:
        cpus = os.cpu_count() or 1
        floor_s, original_cpu = min(cpu["png"]) / cpus, min(cpu["original"])
        print(
            f"  the default used {min(cpu['png']):.3f} s of CPU (all threads): even on {cpus} idle CPUs its wall "
            f"time cannot go below {floor_s:.3f} s, {floor_s / original_cpu:.3f}x the {original_cpu:.3f} s of CPU "
            "of the original (one thread: on an idle machine, about its wall time)"
        )
        print(
            f"  where the time goes: converting and PNG-encoding the {N:,} images alone takes "
            f"{png_encoding_alone(data_path):.3f} s (one thread; the writer spreads it over threads); everything "
            f"else (checks, float16, summaries, records) {best['none']:.3f} s (the run without images)"
        )
        print("\nprofile of our writer, PNG thumbnails (internal time):")
        print(profile_ours(data_path))


if __name__ == "__main__":
    main()
