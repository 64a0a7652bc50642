"""`deephys convert` on files written by the real original exporter (deephys 0.14.1)."""

from __future__ import annotations

import tracemalloc
import warnings
from pathlib import Path

import cbor2
import numpy as np
import pytest
from convert_helpers import bits, check_dataset, check_valid, edit_cbor, expected_pixels, run_convert

import deephys
from deephys.convert import convert, iter_images, read_model, read_test_header


def test_model_file_is_read(original_files):
    model = read_model(original_files.model)
    assert model.name == "resnet"
    assert [(layer.name, layer.neurons) for layer in model.layers] == list(original_files.layers)
    assert model.classification_layer == "out"
    assert model.suffix is None


def test_float32_id_and_ood_survive_exactly(original_files, tmp_path):
    out = tmp_path / "run.deephys"
    result = run_convert(original_files.model, original_files.cifar, original_files.cifar2, "-o", out)
    assert result.exit_code == 0, result.output
    assert "CIFAR-10" in result.output and "CIFAR-10.2" in result.output
    with deephys.open(out) as run:
        assert run.model.name == "resnet"
        assert [(layer.name, layer.units, layer.pooling) for layer in run.model.layers] == [
            (name, units, "none") for name, units in original_files.layers
        ]
        assert run.model.classifier == "out"
        assert run.classes == original_files.classes
        assert [(d.name, d.role) for d in run.datasets.values()] == [("CIFAR-10", "id"), ("CIFAR-10.2", "ood")]
        check_dataset(run.datasets["CIFAR-10"], original_files.inputs["cifar"], "float32", original_files.layers)
        check_dataset(run.datasets["CIFAR-10.2"], original_files.inputs["cifar2"], "float32", original_files.layers)
        cifar = run.datasets["CIFAR-10"]
        assert cifar.image(0).shape == (5, 7, 3)  # non-square: 5 rows of 7 pixels
        assert run.datasets["CIFAR-10.2"].image(0).shape == (6, 4, 3)
        assert cifar.metadata(0) == {}
        # the awkward values, spelled out
        conv = cifar.activations("conv")
        assert np.signbit(conv[0, 1]) and conv[0, 1] == 0  # -0.0 kept
        assert conv[0, 2] == np.float32(1e-40) and conv[0, 3] == 0  # float32 subnormal; float64 one underflows
        assert np.isnan(conv[0, 5]) and np.isinf(conv[1, 0])
        assert cifar.predictions[1] == 0  # tie: first wins
        assert list(cifar.image(0)[0, :3, 0]) == [0, 255, 254]  # truncated, not rounded
    check_valid(out)


def test_float64_survives_exactly_and_datasets_of_both_dtypes_share_a_file(original_files, tmp_path):
    out = tmp_path / "run.deephys"
    convert(original_files.model, [original_files.sketch, original_files.cifar], out)
    with deephys.open(out) as run:
        assert [(d.name, d.role) for d in run.datasets.values()] == [("Sketch", "id"), ("CIFAR-10", "ood")]
        sketch = run.datasets["Sketch"]
        check_dataset(sketch, original_files.inputs["sketch"], "float64", original_files.layers)
        check_dataset(run.datasets["CIFAR-10"], original_files.inputs["cifar"], "float32", original_files.layers)
        conv = sketch.activations("conv")
        assert conv[0, 3] == 1e-320 and conv[1, 1] == 1 / 3  # float64 keeps what float32 cannot
        assert sketch.image(0).shape == (3, 8, 3)
    check_valid(out)


def test_missing_classes_are_taken_from_categories(original_files, tmp_path):
    stripped = edit_cbor(original_files.sketch, tmp_path / "old.test", lambda d: d.pop("classes"))
    with open(stripped, "rb") as f:
        assert b"classes" not in f.read()
    out = tmp_path / "run.deephys"
    result = run_convert(original_files.model, stripped, "-o", out)
    assert result.exit_code == 0, result.output
    with deephys.open(out) as run:
        # the images hold classes 0, 2 and 3 only; the others fall back to their index
        assert run.classes == ("airplane", "1", "cat", "dog", "4")
        check_dataset(run.datasets["Sketch"], original_files.inputs["sketch"], "float64", original_files.layers)


def test_classes_of_another_test_file_win_over_categories(original_files, tmp_path):
    stripped = edit_cbor(original_files.sketch, tmp_path / "old.test", lambda d: d.pop("classes"))
    out = tmp_path / "run.deephys"
    convert(original_files.model, [stripped, original_files.cifar], out)
    with deephys.open(out) as run:
        assert run.classes == original_files.classes


def test_features_become_per_image_metadata(original_files, tmp_path):
    def add_features(data):
        data["images"][0]["features"] = {"source": "web", "file": "n01/abc.JPEG"}
        data["images"][3]["features"] = {"difficulty": "hard", "": "<b>not markup</b>"}

    edited = edit_cbor(original_files.sketch, tmp_path / "features.test", add_features)
    out = tmp_path / "run.deephys"
    convert(original_files.model, [edited], out)
    with deephys.open(out) as run:
        sketch = run.datasets["Sketch"]
        assert sketch.metadata(0) == {"source": "web", "file": "n01/abc.JPEG"}
        assert sketch.metadata(3) == {"difficulty": "hard", "": "<b>not markup</b>"}
        assert sketch.metadata(1) == {}
        check_dataset(sketch, original_files.inputs["sketch"], "float64", original_files.layers)


def test_keys_in_any_order(original_files, tmp_path):
    def reverse(value):
        if isinstance(value, dict):
            return {k: reverse(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reverse(v) for v in value]
        return value

    model = edit_cbor(original_files.model, tmp_path / "reversed.model", transform=reverse)
    test = edit_cbor(original_files.cifar, tmp_path / "reversed.test", transform=reverse)
    header = read_test_header(test)
    assert not header.images_last and header.name == "CIFAR-10" and header.dtype == "float32"
    out = tmp_path / "run.deephys"
    convert(model, [test], out)
    with deephys.open(out) as run:
        assert run.model.layer_names == [name for name, _ in original_files.layers]
        assert run.classes == original_files.classes
        check_dataset(run.datasets["CIFAR-10"], original_files.inputs["cifar"], "float32", original_files.layers)


def test_roles_and_duplicate_names(original_files, tmp_path):
    out = tmp_path / "run.deephys"
    result = run_convert(
        original_files.model,
        original_files.cifar,
        original_files.cifar2,
        original_files.cifar,
        "-o",
        out,
        "--role",
        "CIFAR-10.2=id",
        "--role",
        "CIFAR-10=ood",
    )
    assert result.exit_code == 0, result.output
    assert "already exists" in result.output  # the warning for the renamed duplicate
    with deephys.open(out) as run:
        assert [(d.name, d.role) for d in run.datasets.values()] == [
            ("CIFAR-10", "ood"),
            ("CIFAR-10.2", "id"),
            ("CIFAR-10 (2)", "ood"),
        ]


def test_greyscale_images(original_files, tmp_path):
    """The original exporter crashes on greyscale input, so this file is a real one edited to one channel."""

    def one_channel(data):
        for image in data["images"]:
            image["data"] = image["data"][:1]

    edited = edit_cbor(original_files.cifar, tmp_path / "grey.test", one_channel)
    out = tmp_path / "run.deephys"
    convert(original_files.model, [edited], out)
    pixels = expected_pixels(original_files.inputs["cifar"].images)
    with deephys.open(out) as run:
        dataset = run.datasets["CIFAR-10"]
        for i in range(len(dataset)):
            np.testing.assert_array_equal(dataset.image(i)[..., 0], pixels[i, ..., 0])


def test_old_file_without_dtype_is_float32(original_files, tmp_path):
    edited = edit_cbor(original_files.cifar, tmp_path / "old.test", lambda d: d.pop("dtype"))
    assert read_test_header(edited).dtype == "float32"
    edited_model = edit_cbor(original_files.model, tmp_path / "old.model", lambda d: d.update(suffix="v1"))
    assert read_model(edited_model).suffix == "v1"
    out = tmp_path / "run.deephys"
    convert(edited_model, [edited], out)
    with deephys.open(out) as run:
        check_dataset(run.datasets["CIFAR-10"], original_files.inputs["cifar"], "float32", original_files.layers)
        assert run.metadata["original_suffix"] == "v1"


def test_empty_test_file(original_files, tmp_path):
    edited = edit_cbor(original_files.cifar, tmp_path / "empty.test", lambda d: d.update(images=[]))
    out = tmp_path / "run.deephys"
    convert(original_files.model, [edited], out)
    with deephys.open(out) as run:
        assert len(run.datasets["CIFAR-10"]) == 0
    check_valid(out)


@pytest.fixture(scope="module")
def big_test(original_files, tmp_path_factory) -> Path:
    """About 20 MB: the 40 real 64x64 images, 40 times over."""
    path = tmp_path_factory.mktemp("big") / "big.test"
    return edit_cbor(original_files.large, path, lambda d: d.update(images=d["images"] * 40))


def test_streaming_memory_is_bounded(original_files, big_test):
    model = read_model(original_files.model)
    header = read_test_header(big_test)
    size = big_test.stat().st_size
    assert header.images == 1600 and size > 19_000_000
    tracemalloc.start()
    try:
        seen = 0
        consumed = 0

        def progress(n: int) -> None:
            nonlocal consumed
            consumed += n

        for _image in iter_images(header, model, progress):
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 1600
    assert consumed == size - header.images_offset
    assert peak < 2_000_000, f"reading {size} bytes peaked at {peak} bytes"


def test_big_file_converts_with_bounded_memory(original_files, big_test, tmp_path):
    out = tmp_path / "big.deephys"
    size = big_test.stat().st_size
    tracemalloc.start()
    try:
        convert(original_files.model, [big_test], out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size / 2, f"converting {size} bytes peaked at {peak} bytes"
    inputs = original_files.inputs["large"]
    with deephys.open(out) as run:
        dataset = run.datasets["Large"]
        assert len(dataset) == 1600
        conv = dataset.activations("conv")
        np.testing.assert_array_equal(bits(conv), bits(np.tile(inputs.activations["conv"].astype(np.float32), (40, 1))))
        np.testing.assert_array_equal(dataset.image(1234), expected_pixels(inputs.images)[1234 % 40])


@pytest.mark.parametrize(("stem", "dtype"), [("cifar", "float32"), ("sketch", "float64")])
def test_any_bit_pattern_survives(original_files, tmp_path, stem, dtype):
    """NaN payloads, signalling NaNs and negative NaNs too (the original exporter cannot write them: edited in)."""
    if dtype == "float32":
        patterns = np.array([0x7F800001, 0xFFC12345, 0x7FBFFFFF, 0x80000001, 0xFF800000, 0x00000000], ">u4")
    else:
        patterns = np.array(
            [
                0x7FF0000000000001,
                0xFFF8000000ABCDEF,
                0x7FF7FFFFFFFFFFFF,
                0x8000000000000001,
                0xFFF0000000000000,
                0x0000000000000000,
            ],
            ">u8",
        )

    def set_bits(data):
        data["images"][0]["activations"]["activations"][0] = patterns.tobytes()

    edited = edit_cbor(getattr(original_files, stem), tmp_path / "bits.test", set_bits)
    out = tmp_path / "run.deephys"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # summaries of signalling NaNs
        convert(original_files.model, [edited], out)
    with deephys.open(out) as run:
        got = next(iter(run.datasets.values())).activations("conv")
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(bits(got[0]), patterns.astype(patterns.dtype.newbyteorder("=")))


def test_differing_class_names_warn_and_the_first_file_wins(original_files, tmp_path):
    renamed = edit_cbor(
        original_files.cifar2, tmp_path / "renamed.test", lambda d: d.update(classes=["a", "b", "c", "d", "e"])
    )
    out = tmp_path / "run.deephys"
    result = run_convert(original_files.model, original_files.cifar, renamed, "-o", out)
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output and "class names differ" in result.output
    with deephys.open(out) as run:
        assert run.classes == original_files.classes


def test_tagged_items_are_read(original_files, tmp_path):
    """A self-described CBOR file (tag 55799 in front) and tagged values inside."""

    def tag_inside(data):
        data["images"][0]["categoryID"] = cbor2.CBORTag(4000, data["images"][0]["categoryID"])
        return cbor2.CBORTag(55799, data)

    tagged = edit_cbor(original_files.cifar, tmp_path / "tagged.test", transform=tag_inside)
    assert tagged.read_bytes()[:3] == b"\xd9\xd9\xf7"
    out = tmp_path / "run.deephys"
    convert(original_files.model, [tagged], out)
    with deephys.open(out) as run:
        check_dataset(run.datasets["CIFAR-10"], original_files.inputs["cifar"], "float32", original_files.layers)


def test_progress_bar_counts_bytes(original_files, tmp_path, capsys):
    convert(original_files.model, [original_files.cifar], tmp_path / "run.deephys", progress=True)
    err = capsys.readouterr().err
    assert "cifar.test" in err and "B/s" in err
