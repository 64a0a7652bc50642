"""Bad input to `deephys convert`: one clear error, exit status 1, no traceback, no output file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import cbor2
import pytest
from convert_helpers import check_valid, edit_cbor, run_convert
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deephys.convert import convert
from deephys.errors import DeephysError


def fails(*args: str | Path, output: Path) -> str:
    result = run_convert(*args, "-o", output)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ") or "\nError: " in result.output, result.output
    assert not output.exists(), "a failed conversion must not leave a file"
    assert not list(output.parent.glob(f".{output.name}.*")), "nor a temporary file"
    return result.output


def test_layer_sizes_that_do_not_match_the_model(original_files, tmp_path):
    message = fails(original_files.other_model, original_files.cifar, output=tmp_path / "out.deephys")
    assert "cifar.test" in message
    assert "image 0 (imageID 0)" in message
    assert "layer 1 ('fc')" in message
    assert "4 values" in message and "3 neurons" in message


def test_layer_count_that_does_not_match_the_model(original_files, tmp_path):
    message = fails(original_files.two_layer_model, original_files.cifar, output=tmp_path / "out.deephys")
    assert "cifar.test" in message and "image 0" in message
    assert "activations for 3 layers" in message and "two.model" in message and "has 2" in message


def test_a_mismatch_in_a_later_file_leaves_nothing(original_files, tmp_path):
    edited = edit_cbor(
        original_files.cifar2, tmp_path / "later.test", lambda d: d["images"][5]["activations"]["activations"].pop()
    )
    message = fails(original_files.model, original_files.cifar, edited, output=tmp_path / "out.deephys")
    assert "later.test" in message and "image 5 (imageID 5)" in message


@pytest.mark.parametrize("keep", [0.5, 0.9, -1, 40])
def test_truncated_test_file(original_files, tmp_path, keep):
    data = original_files.cifar.read_bytes()
    cut = int(len(data) * keep) if isinstance(keep, float) else (len(data) + keep if keep < 0 else keep)
    truncated = tmp_path / "cut.test"
    truncated.write_bytes(data[:cut])
    message = fails(original_files.model, truncated, output=tmp_path / "out.deephys")
    assert "cut.test: at byte" in message and "truncated" in message


def test_truncated_model_file(original_files, tmp_path):
    truncated = tmp_path / "cut.model"
    truncated.write_bytes(original_files.model.read_bytes()[:-3])
    message = fails(truncated, original_files.cifar, output=tmp_path / "out.deephys")
    assert "cut.model: at byte" in message and "truncated" in message


def test_trailing_bytes(original_files, tmp_path):
    longer = tmp_path / "long.test"
    longer.write_bytes(original_files.cifar.read_bytes() + b"\x00\x00")
    message = fails(original_files.model, longer, output=tmp_path / "out.deephys")
    assert "2 unexpected bytes after the end of the test file" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"hello, world\n", "it should hold a CBOR map but starts with a text string"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "it should hold a CBOR map but starts with an array"),
        (b"", "the file ends where a CBOR item was expected"),
        (b"\xff\xd8\xff\xe0", "invalid CBOR initial byte 0xff"),
        (b"\x89DPHYS\r\n" + b"\x00" * 40, "already a .deephys file"),
    ],
    ids=["text", "png", "empty", "jpeg", "new-format"],
)
@pytest.mark.parametrize("which", ["model", "test"])
def test_not_cbor(original_files, tmp_path, content, expected, which):
    bad = tmp_path / f"bad.{which}"
    bad.write_bytes(content)
    args = (bad, original_files.cifar) if which == "model" else (original_files.model, bad)
    message = fails(*args, output=tmp_path / "out.deephys")
    assert f"bad.{which}" in message and expected in message


def test_files_in_the_wrong_order(original_files, tmp_path):
    message = fails(original_files.cifar, original_files.model, output=tmp_path / "out.deephys")
    assert "this looks like a .test file" in message


def test_category_out_of_range(original_files, tmp_path):
    def bad_label(data):
        data["images"][4]["categoryID"] = 7

    edited = edit_cbor(original_files.cifar, tmp_path / "label.test", bad_label)
    message = fails(original_files.model, edited, output=tmp_path / "out.deephys")
    assert "image 4 (imageID 4): categoryID 7 is out of range" in message and "5 neurons" in message


def test_classes_of_the_wrong_length(original_files, tmp_path):
    edited = edit_cbor(original_files.cifar, tmp_path / "classes.test", lambda d: d["classes"].pop())
    message = fails(original_files.model, edited, output=tmp_path / "out.deephys")
    assert "classes.test" in message and "4 class names" in message and "5 neurons" in message


def test_ragged_pixels(original_files, tmp_path):
    def ragged(data):
        data["images"][2]["data"][1][3] = b"\x00"

    edited = edit_cbor(original_files.cifar, tmp_path / "ragged.test", ragged)
    message = fails(original_files.model, edited, output=tmp_path / "out.deephys")
    assert "image 2" in message and "rows of channel 1 have different lengths" in message


def test_huge_declared_length(original_files, tmp_path):
    hostile = tmp_path / "huge.model"
    hostile.write_bytes(b"\xa1\x64name\x5b" + (2**62).to_bytes(8, "big"))
    message = fails(hostile, original_files.cifar, output=tmp_path / "out.deephys")
    assert "declares 4611686018427387904 bytes but only 0 are left" in message


def test_deep_nesting(original_files, tmp_path):
    data = original_files.cifar.read_bytes()
    deep = b"\x81" * 50_000 + b"\x00"
    assert data[0] == 0xA4  # a map of 4 entries: add a fifth, with an unknown key, in front
    hostile = tmp_path / "deep.test"
    hostile.write_bytes(b"\xa5" + cbor2.dumps("extra") + deep + data[1:])
    message = fails(original_files.model, hostile, output=tmp_path / "out.deephys")
    assert "nested more than 32 levels" in message


def test_unknown_role_name(original_files, tmp_path):
    message = fails(
        original_files.model, original_files.cifar, "--role", "ImageNet=ood", output=tmp_path / "out.deephys"
    )
    assert "no dataset named 'ImageNet'" in message and "'CIFAR-10'" in message


def test_bad_role_syntax(original_files, tmp_path):
    result = run_convert(
        original_files.model, original_files.cifar, "-o", tmp_path / "out.deephys", "--role", "CIFAR-10=train"
    )
    assert result.exit_code == 2 and "expected NAME=id or NAME=ood" in result.output


def test_output_is_an_input(original_files, tmp_path):
    copy = tmp_path / "copy.test"
    copy.write_bytes(original_files.cifar.read_bytes())
    result = run_convert(original_files.model, copy, "-o", copy)
    assert result.exit_code == 1 and "is also an input" in result.output
    assert copy.read_bytes() == original_files.cifar.read_bytes()


@given(data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_damaged_files_fail_cleanly(original_files, data):
    """Any damage to a real file: a clean DeephysError (or, if the damage is harmless, a valid file)."""
    which = data.draw(st.sampled_from(["model", "test"]))
    source = original_files.model if which == "model" else original_files.cifar
    content = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] ^= data.draw(st.integers(1, 255))
    with tempfile.TemporaryDirectory() as tmp:
        damaged = Path(tmp) / f"damaged.{which}"
        damaged.write_bytes(bytes(content))
        model, test = (damaged, original_files.cifar) if which == "model" else (original_files.model, damaged)
        out = Path(tmp) / "out.deephys"
        try:
            convert(model, [test], out, warn=lambda message: None)
        except DeephysError:
            assert not out.exists()
        else:
            check_valid(out)


def test_model_given_as_a_test_file(original_files, tmp_path):
    message = fails(original_files.model, original_files.model, output=tmp_path / "out.deephys")
    assert "resnet.model" in message and "this looks like a .model file" in message


def _legacy_model(path: Path, fc_neurons: object) -> Path:
    """A tiny original .model file whose first layer declares `fc_neurons` (a count or an array head)."""
    layers = [{"layerID": "fc", "neurons": fc_neurons}, {"layerID": "out", "neurons": [{}] * 5}]
    path.write_bytes(cbor2.dumps({"name": "m", "layers": layers, "classification_layer": "out"}))
    return path


@pytest.mark.parametrize("neurons", [2**40, 10**7])
def test_a_huge_declared_layer_is_refused_before_any_allocation(original_files, tmp_path, neurons):
    import resource

    model = _legacy_model(tmp_path / "huge.model", neurons)
    assert model.stat().st_size < 100
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message = fails(model, original_files.cifar, output=tmp_path / "out.deephys")
    assert f"{neurons:,} units" in message and "record limit" in message
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB: nothing was allocated


def test_a_neuron_array_longer_than_the_file_is_refused(tmp_path):
    model = tmp_path / "lying.model"
    head = bytes([0x9B]) + (2**40).to_bytes(8, "big")  # an array head claiming 2^40 items, and no items
    body = cbor2.dumps({"name": "m", "classification_layer": "fc"})[1:]  # the map's entries, without its head
    model.write_bytes(
        bytes([0xA3])
        + cbor2.dumps("layers")
        + bytes([0x81, 0xA2])
        + cbor2.dumps("layerID")
        + cbor2.dumps("fc")
        + cbor2.dumps("neurons")
        + head
        + body
    )
    message = fails(model, model, output=tmp_path / "out.deephys")
    assert "declares 1099511627776 items but only" in message and "lying.model: at byte" in message


def test_images_over_the_pixel_bound_are_refused_before_writing(original_files, tmp_path, monkeypatch):
    from deephys.convert import original

    monkeypatch.setattr(original, "MAX_IMAGE_PIXELS", 10)  # the test images are larger
    message = fails(original_files.model, original_files.cifar, output=tmp_path / "out.deephys")
    assert "cifar.test: at byte" in message and "more than the 10 a Deephys file may hold" in message
