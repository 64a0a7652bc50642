"""Property tests: what `deephys.open` reads equals what `deephys.Writer` wrote.

Activations equal the input rounded to the stored dtype (float16 by NumPy's
cast, bfloat16 by an independent round-to-nearest-even), images equal their
uint8 conversion, and every stored summary equals `compute_summary` of the
data read back.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from format_helpers import time_limit  # noqa: F401 (autouse: no test may hang)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from summary_reference import compute_summary

import deephys
from deephys.format.validate import validate

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "🧠🔥 neurons",
    "👩‍👩‍👧‍👦",
    "日本語のクラス",
    "naïve café",
    "a\x00b",
    "\u202eevil",
    "  ",
    "x" * 300,
    "résumé/..\\..",
]
names = st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(min_size=1, max_size=12))
DTYPES = ["float32", "float16", "bfloat16", "float64"]
# Special values are common so that summaries see NaN, inf, zeros and ties.
activation_values = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, 1.0, -1.0, np.nan, np.inf, -np.inf, 65520.0, 1e-8, 3.0e38]),
    st.floats(-1e4, 1e4, width=32),
)
# Float32 values that float16 cannot hold become inf, and the writer warns about it (tested in test_writer_errors).
pytestmark = pytest.mark.filterwarnings("ignore:.*were stored as inf:RuntimeWarning")
IMAGE_KINDS = ["none", "grey", "grey_c1", "nhwc", "nchw", "mixed"]
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- what a test writes ------------------------------------------------------


@dataclass
class DatasetSpec:
    name: str
    role: str
    description: str
    dtype: str
    labels: np.ndarray
    activations: dict[str, np.ndarray]
    predictions: np.ndarray | None
    metadata: list[dict[str, str]] | None
    images: Any  # None, an array or a list of arrays
    layout: str
    expected_images: list[np.ndarray] | None  # (H, W, C) uint8
    streamed: bool
    splits: list[int]

    @property
    def n(self) -> int:
        return len(self.labels)


@dataclass
class RunSpec:
    model: deephys.Model
    classes: list[str]
    metadata: dict[str, str]
    top_k: int
    bins: int
    chunk_bytes: int
    datasets: list[DatasetSpec]
    appends: list[int]  # datasets[appends[i]:] are added by the i-th append
    in_place: list[bool] = field(default_factory=list)


@st.composite
def images_for(draw, n: int, seed: int) -> tuple[Any, str, list[np.ndarray] | None]:
    """(images as given to the writer, layout, the uint8 (H, W, C) arrays they stand for)."""
    kind = draw(st.sampled_from(IMAGE_KINDS))
    if kind == "none":
        return None, "auto", None
    rng = np.random.default_rng(seed)
    as_float = draw(st.booleans())

    def pixels(shape) -> tuple[np.ndarray, np.ndarray]:
        """(what the writer is given, the uint8 it must store)."""
        if as_float:
            values = rng.random(shape)
            values.flat[: min(2, values.size)] = [0.0, 1.0][: min(2, values.size)]  # both ends of [0, 1]
            return values, np.rint(values * 255).astype(np.uint8)
        values = rng.integers(0, 256, shape, dtype=np.uint8)
        return values, values

    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    explicit = draw(st.booleans())
    if kind == "mixed":  # a list of images of different sizes, some grey, some RGB
        given, expected = [], []
        for _ in range(n):
            h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
            grey = draw(st.booleans())
            g, e = pixels((h, w) if grey else (h, w, 3))
            given.append(g)
            expected.append(e[..., None] if grey else e)
        return given, "NHWC", expected
    if kind == "grey":
        g, e = pixels((n, h, w))
        return g, "auto", list(e[..., None])
    if kind == "grey_c1":
        g, e = pixels((n, h, w, 1))
        layout = "NHWC" if explicit or h in (1, 3) else "auto"
        return g, layout, [img[..., :1] for img in e]
    g, e = pixels((n, h, w, 3))
    if kind == "nhwc":
        return g, "NHWC" if explicit or h in (1, 3) else "auto", list(e)
    nchw = np.ascontiguousarray(np.moveaxis(g, -1, 1))
    return nchw, "NCHW" if explicit or w in (1, 3) else "auto", list(e)


@st.composite
def run_specs(draw) -> RunSpec:
    classes = draw(st.lists(names, min_size=1, max_size=5))  # duplicate class names are allowed
    layer_names = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    classifier = draw(st.sampled_from(layer_names))
    layers = []
    for name in layer_names:
        units = len(classes) if name == classifier else draw(st.integers(1, 6))
        labelled = draw(st.booleans())
        layers.append(
            deephys.Layer(
                name,
                units,
                pooling=draw(st.sampled_from(["none", "spatial_mean", "token_first", "custom"])),
                pooling_description=draw(st.one_of(st.just(""), names)),
                unit_labels=draw(st.lists(names, min_size=units, max_size=units)) if labelled else (),
                relu=draw(st.booleans()),
            )
        )
    model = deephys.Model(
        draw(st.one_of(st.just(""), names)),
        layers,
        classifier=classifier,
        fingerprint=draw(st.one_of(st.just(""), names)),
    )
    metadata = draw(st.dictionaries(names.filter(lambda k: k not in ("created", "modified")), names, max_size=3))
    datasets = []
    for name in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
        n = draw(st.integers(0, 10))
        dtype = draw(st.sampled_from(DTYPES))
        input_dtype = np.float64 if dtype == "float64" and draw(st.booleans()) else np.float32
        activations = {
            layer.name: draw(hnp.arrays(np.float32, (n, layer.units), elements=activation_values)).astype(input_dtype)
            for layer in layers
        }
        labels = np.array(draw(st.lists(st.integers(0, len(classes) - 1), min_size=n, max_size=n)), np.int64)
        explicit = draw(st.booleans())
        predictions = (
            np.array(draw(st.lists(st.integers(0, len(classes) - 1), min_size=n, max_size=n))) if explicit else None
        )
        metadata_rows = draw(
            st.one_of(st.none(), st.lists(st.dictionaries(names, names, max_size=2), min_size=n, max_size=n))
        )
        images, layout, expected = draw(images_for(n, draw(st.integers(0, 2**32 - 1))))
        datasets.append(
            DatasetSpec(
                name=name,
                role=draw(st.sampled_from(["id", "ood"])),
                description=draw(st.one_of(st.just(""), names)),
                dtype=dtype,
                labels=labels,
                activations=activations,
                predictions=predictions,
                metadata=metadata_rows,
                images=images,
                layout=layout,
                expected_images=expected,
                streamed=draw(st.booleans()),
                splits=sorted(draw(st.lists(st.integers(0, n), max_size=3))),
            )
        )
    appends = sorted(set(draw(st.lists(st.integers(1, len(datasets) - 1), max_size=2)))) if len(datasets) > 1 else []
    return RunSpec(
        model=model,
        classes=classes,
        metadata=metadata,
        top_k=draw(st.integers(1, 5)),
        bins=draw(st.integers(1, 5)),
        chunk_bytes=draw(st.sampled_from([1, 16, 100, 1 << 20])),
        datasets=datasets,
        appends=appends,
        in_place=[draw(st.booleans()) for _ in appends],
    )


def write_dataset(w: deephys.Writer, spec: DatasetSpec) -> None:
    if not spec.streamed:
        w.add_dataset(
            spec.name,
            labels=spec.labels,
            activations=spec.activations,
            images=spec.images,
            role=spec.role,
            predictions=spec.predictions,
            metadata=spec.metadata,
            description=spec.description,
            layout=spec.layout,
            activation_dtype=spec.dtype,
            batch_size=max(1, spec.n // 3),
        )
        return
    with w.dataset(spec.name, role=spec.role, description=spec.description, activation_dtype=spec.dtype) as d:
        bounds = [0, *spec.splits, spec.n]
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            d.append(
                labels=spec.labels[lo:hi],
                activations={k: v[lo:hi] for k, v in spec.activations.items()},
                images=None if spec.images is None else spec.images[lo:hi],
                predictions=None if spec.predictions is None else spec.predictions[lo:hi],
                metadata=None if spec.metadata is None else spec.metadata[lo:hi],
                layout=spec.layout,
            )


def write_run(path: Path, spec: RunSpec) -> None:
    """Write `spec`: its first datasets with mode="w", the rest by appends (checking that appends keep the bytes)."""
    cuts = [0, *spec.appends, len(spec.datasets)]
    options = dict(top_k=spec.top_k, histogram_bins=spec.bins, chunk_bytes=spec.chunk_bytes, encode_threads=2)
    with deephys.Writer(path, model=spec.model, classes=spec.classes, metadata=spec.metadata, **options) as w:
        for dataset in spec.datasets[cuts[0] : cuts[1]]:
            write_dataset(w, dataset)
    for i, (lo, hi) in enumerate(zip(cuts[1:-1], cuts[2:])):
        with deephys.open(path) as run:
            footer_offset = run.trailer.footer_offset
        before = path.read_bytes()
        with deephys.Writer(path, mode="a", in_place=spec.in_place[i], **options) as w:
            for dataset in spec.datasets[lo:hi]:
                write_dataset(w, dataset)
        # In place, the old footer and trailer stay too: the previous file is a prefix of the new one.
        kept = len(before) if spec.in_place[i] else footer_offset
        assert path.read_bytes()[:kept] == before[:kept], "an append moved or changed earlier records"


# ---- expected values -----------------------------------------------------------------


def bfloat16_reference(x: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 (as float32), nearest with ties to even, by exact distances in float64."""
    x32 = np.asarray(x, np.float32)
    with np.errstate(invalid="ignore", over="ignore"):
        return _bfloat16_reference(x32)


def _bfloat16_reference(x32: np.ndarray) -> np.ndarray:
    bits = x32.view(np.uint32)
    down = (bits & np.uint32(0xFFFF0000)).view(np.float32)  # truncated: toward zero
    up = (bits & np.uint32(0xFFFF0000)).astype(np.uint64) + 0x10000  # next one away from zero
    up = up.astype(np.uint32).view(np.float32)
    up64 = np.where(np.isinf(up), np.copysign(2.0**128, x32.astype(np.float64)), up.astype(np.float64))
    d_down = np.abs(x32.astype(np.float64) - down.astype(np.float64))
    d_up = np.abs(up64 - x32.astype(np.float64))
    odd = (bits >> 16) & 1 == 1
    result = np.where((d_up < d_down) | ((d_up == d_down) & odd), up, down)
    return np.where(np.isnan(x32), np.float32(np.nan), result)


def expected_activations(values: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "bfloat16":
        return bfloat16_reference(values)
    with np.errstate(over="ignore", invalid="ignore"):  # NumPy's own cast: beyond the range is inf
        return values.astype(dtype)


def assert_within_precision(read: np.ndarray, given: np.ndarray, dtype: str) -> None:
    """float16/bfloat16 keep each finite, in-range value to half a unit in the last place."""
    with np.errstate(over="ignore", invalid="ignore"):
        given = given.astype(np.float64)
    relative, smallest, largest = {"float16": (2.0**-11, 2.0**-25, 65504.0), "bfloat16": (2.0**-8, 2.0**-134, 3.38e38)}[
        dtype
    ]
    ok = np.isfinite(given) & (np.abs(given) <= largest)
    error = np.abs(read.astype(np.float64)[ok] - given[ok])
    assert (error <= relative * np.abs(given[ok]) + smallest).all()
    np.testing.assert_array_equal(np.isnan(read), np.isnan(given))


def check_dataset(run: deephys.Run, spec: DatasetSpec, top_k: int, bins: int) -> None:
    d = run.datasets[spec.name]
    assert (d.name, d.role, d.description, len(d)) == (spec.name, spec.role, spec.description, spec.n)
    np.testing.assert_array_equal(d.labels, spec.labels)
    stored = {}
    for layer in run.model.layers:
        given = spec.activations[layer.name]
        read = d.activations(layer.name)
        want = expected_activations(given, spec.dtype)
        assert read.shape == (spec.n, layer.units)
        assert read.dtype == (np.float32 if spec.dtype == "bfloat16" else np.dtype(spec.dtype))
        np.testing.assert_array_equal(read, want)
        np.testing.assert_array_equal(np.signbit(read), np.signbit(want))  # -0.0 stays -0.0
        if spec.dtype in ("float16", "bfloat16"):
            assert_within_precision(read, given, spec.dtype)
        assert d.dtype(layer.name) == spec.dtype
        stored[layer.name] = read.astype(np.float64)
        check_summary(d.summary(layer.name), stored[layer.name], spec.labels, len(run.classes), top_k, bins)
    logits = stored[run.model.classifier]
    if spec.predictions is not None:
        np.testing.assert_array_equal(d.predictions, spec.predictions)
    else:
        np.testing.assert_array_equal(d.predictions, np.argmax(np.where(np.isnan(logits), -np.inf, logits), axis=1))
    finite = np.isfinite(logits).all(axis=1)
    if finite.any():
        z = logits[finite] - logits[finite].max(axis=1, keepdims=True)
        softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        want = softmax[np.arange(z.shape[0]), d.predictions[finite]]
        np.testing.assert_allclose(d.confidences[finite], want, rtol=1e-6, atol=1e-7)
    for i in range(spec.n):
        assert d.metadata(i) == (spec.metadata[i] if spec.metadata is not None else {})
    assert d.has_images == (spec.images is not None)
    if spec.expected_images is not None:
        for i, want in enumerate(spec.expected_images):
            got = d.image(i)
            assert got.dtype == np.uint8 and got.shape == want.shape
            np.testing.assert_array_equal(got, want)


def check_summary(summary, values: np.ndarray, labels: np.ndarray, classes: int, top_k: int, bins: int) -> None:
    want = compute_summary(values, labels, classes, top_k, bins)
    assert summary.images == want.images
    for name in ("min", "max", "nan_count", "inf_count", "top_indices", "top_values", "class_counts", "histogram"):
        np.testing.assert_array_equal(getattr(summary, name), getattr(want, name), err_msg=name)
    np.testing.assert_allclose(summary.mean, want.mean, rtol=1e-9, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(summary.class_means, want.class_means, rtol=1e-6, atol=1e-6, equal_nan=True)


def check_run(path: Path, spec: RunSpec) -> None:
    with deephys.open(path) as run:
        assert run.model.name == spec.model.name and run.model.fingerprint == spec.model.fingerprint
        assert run.model.layers == spec.model.layers
        assert [(layer.name, layer.units) for layer in run.model.layers] == [
            (layer.name, layer.units) for layer in spec.model.layers
        ]
        assert run.model.classifier == spec.model.classifier
        assert run.classes == tuple(spec.classes)
        assert list(run.datasets) == [d.name for d in spec.datasets]
        for key, value in spec.metadata.items():
            assert run.metadata[key] == value
        assert "created" in run.metadata
        for dataset in spec.datasets:
            check_dataset(run, dataset, spec.top_k, spec.bins)


# ---- the properties --------------------------------------------------------------------


@SETTINGS
@pytest.mark.filterwarnings("ignore:.*NaN or infinite outputs in the classifier layer:RuntimeWarning")
@given(run_specs())
def test_roundtrip(spec: RunSpec) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.deephys"
        write_run(path, spec)
        check_run(path, spec)
        report = validate(path, summaries=False)  # every byte accounted for, the footers in-place appends left included
        assert report.ok, report.problems
        assert sorted(p.name for p in Path(folder).iterdir()) == ["run.deephys"]  # no temporary left


# Any float32 bit pattern, often an exact tie between two bfloat16 values (low 16 bits 0x8000).
float32_bits = st.one_of(st.integers(0, 2**32 - 1), st.integers(0, 2**16 - 1).map(lambda high: high << 16 | 0x8000))


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.uint32, st.integers(0, 64), elements=float32_bits))
def test_bfloat16_is_round_to_nearest_even(bits: np.ndarray) -> None:
    from deephys.format import dtypes

    values = bits.view(np.float32)
    got = dtypes.decode(dtypes.encode(values, "bfloat16"), "bfloat16", values.shape)
    np.testing.assert_array_equal(got, bfloat16_reference(values))
    assert_within_precision(got, values, "bfloat16")


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float32, st.integers(0, 64), elements=st.floats(width=32)))
def test_float16_is_numpy_rounding(values: np.ndarray) -> None:
    from deephys.format import dtypes

    got = dtypes.decode(dtypes.encode(values, "float16"), "float16", values.shape)
    np.testing.assert_array_equal(got, expected_activations(values, "float16"))
    assert_within_precision(got, values, "float16")


def test_bfloat16_edge_values() -> None:
    from deephys.format import dtypes

    bits = np.array(
        [
            0x3F808000,
            0x3F818000,
            0x3F808001,
            0x7F7FFFFF,
            0xFF7FFFFF,
            0x00000001,
            0x80000000,
            0x7F800000,
            0x7FC00001,
            0x7F800001,
        ],
        np.uint32,
    )
    values = bits.view(np.float32)
    got = dtypes.decode(dtypes.encode(values, "bfloat16"), "bfloat16", values.shape)
    want_bits = [0x3F80, 0x3F82, 0x3F81, 0x7F80, 0xFF80, 0x0000, 0x8000, 0x7F80]
    assert (got[:8].view(np.uint32) >> 16).tolist() == want_bits  # ties to even, overflow to inf, signed zero
    assert np.isnan(got[8:]).all()  # NaNs (even a signalling one that truncation would make inf) stay NaN


def test_every_dtype_in_one_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    model = deephys.Model("m", layers={name: 3 for name in DTYPES}, classifier="float64")
    values = {name: rng.standard_normal((5, 3)).astype(np.float32) for name in DTYPES}
    with deephys.Writer(tmp_path / "r.deephys", model=model, activation_dtype={n: n for n in DTYPES}) as w:
        w.add_dataset("d", labels=[0, 1, 2, 0, 1], activations=values)
    with deephys.open(tmp_path / "r.deephys") as run:
        for name in DTYPES:
            assert run.datasets["d"].dtype(name) == name
            np.testing.assert_array_equal(run.datasets["d"].activations(name), expected_activations(values[name], name))


def test_dtype_follows_the_input_by_default(tmp_path: Path) -> None:
    model = deephys.Model("m", layers={"a": 2, "b": 2, "c": 2}, classifier="c")
    with deephys.Writer(tmp_path / "r.deephys", model=model) as w:
        w.add_dataset(
            "d",
            labels=[0],
            activations={
                "a": np.ones((1, 2), np.float16),
                "b": np.ones((1, 2), np.float64),
                "c": np.ones((1, 2), np.int64),
            },
        )
    with deephys.open(tmp_path / "r.deephys") as run:
        assert [run.datasets["d"].dtype(x) for x in "abc"] == ["float16", "float64", "float32"]


def test_empty_dataset_and_classes_without_images(tmp_path: Path) -> None:
    model = deephys.Model("m", layers={"fc": 4, "out": 3}, classifier="out")
    with deephys.Writer(tmp_path / "r.deephys", model=model, classes=["a", "b", "c"]) as w:
        w.add_dataset(
            "empty",
            labels=np.zeros(0, int),
            activations={"fc": np.zeros((0, 4)), "out": np.zeros((0, 3))},
            images=np.zeros((0, 8, 8, 3), np.uint8),
        )
        w.add_dataset("only-b", labels=[1, 1], activations={"fc": np.ones((2, 4)), "out": np.ones((2, 3))})
    with deephys.open(tmp_path / "r.deephys") as run:
        empty = run.datasets["empty"]
        assert len(empty) == 0 and empty.activations("fc").shape == (0, 4) and empty.labels.shape == (0,)
        summary = run.datasets["only-b"].summary("out")
        assert summary.class_counts.tolist() == [0, 2, 0]
        assert np.isnan(summary.class_means[[0, 2]]).all() and (summary.class_means[1] == 1).all()
        with pytest.raises(IndexError):
            empty.image(0)


def test_activation_row_ranges(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    values = rng.standard_normal((50, 7)).astype(np.float32)
    model = deephys.Model("m", layers={"out": 7})
    with deephys.Writer(tmp_path / "r.deephys", model=model, chunk_bytes=7 * 4 * 6) as w:
        w.add_dataset("d", labels=np.arange(50) % 7, activations={"out": values})
    with deephys.open(tmp_path / "r.deephys") as run:
        d = run.datasets["d"]
        for start, stop in [(0, 50), (0, 1), (5, 6), (6, 12), (11, 37), (49, 50), (20, 20)]:
            np.testing.assert_array_equal(d.activations("out", start, stop), values[start:stop])
        assert np.concatenate([block for _, block in d.iter_activations("out")]).shape == (50, 7)
        with pytest.raises(IndexError):
            d.activations("out", 10, 51)


@pytest.mark.parametrize("image_dtype", [np.uint8, np.float32])
def test_a_reused_batch_buffer_does_not_change_what_was_written(tmp_path: Path, image_dtype, monkeypatch) -> None:
    # Data loaders often refill the same arrays for every batch; encoding and chunking go on after append returns.
    import time

    from deephys.format import images as image_module

    encode_many = image_module.encode_many

    def slow_encode_many(*args, **kwargs):
        time.sleep(0.05)  # still encoding when the caller refills its arrays
        return encode_many(*args, **kwargs)

    monkeypatch.setattr(image_module, "encode_many", slow_encode_many)
    rng = np.random.default_rng(0)
    model = deephys.Model("m", layers={"fc": 300, "out": 2}, classifier="out")
    batches = [
        (
            rng.integers(0, 256, (40, 8, 8, 3), dtype=np.uint8),
            rng.random((40, 300), dtype=np.float32),
            rng.random((40, 2), dtype=np.float32),
        )
        for _ in range(3)
    ]
    pixels, fc, out = (
        np.empty((40, 8, 8, 3), image_dtype),
        np.empty((40, 300), np.float32),
        np.empty((40, 2), np.float32),
    )
    with deephys.Writer(tmp_path / "r.deephys", model=model, classes=["a", "b"], chunk_bytes=50_000) as w:
        with w.dataset("d") as d:
            for batch_pixels, batch_fc, batch_out in batches:
                pixels[...] = batch_pixels if image_dtype == np.uint8 else batch_pixels / np.float32(255)
                fc[...], out[...] = batch_fc, batch_out
                d.append(labels=np.zeros(40, int), activations={"fc": fc, "out": out}, images=pixels)
                pixels[...], fc[...], out[...] = 0, np.nan, np.nan  # overwritten before the writer is done
    with deephys.open(tmp_path / "r.deephys") as run:
        d = run.datasets["d"]
        np.testing.assert_array_equal(d.activations("fc"), np.concatenate([b[1] for b in batches]))
        for i in range(0, 120, 7):
            np.testing.assert_array_equal(d.image(i), batches[i // 40][0][i % 40])
