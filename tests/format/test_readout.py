"""The classifier's linear readout in the file: written with `Writer(readout=...)`, read lazily as
`run.readout`, kept by appends and copies, refused when its shapes disagree with the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from format_helpers import time_limit  # noqa: F401 (autouse)
from make_malicious import parse, replace_record, with_footer

import deephys
from deephys._generated.deephys.v1 import deephys_pb2 as pb
from deephys.format.records import RecordFile
from deephys.slim import slim

CLASSES = ["cat", "dog", "eel"]
MODEL = deephys.Model("m", layers={"fc": 5, "out": 3}, classifier="out")


def readout(dtype=np.float32, seed: int = 0) -> deephys.Readout:
    rng = np.random.default_rng(seed)
    return deephys.Readout("fc", rng.standard_normal((3, 5)).astype(dtype), rng.standard_normal(3).astype(dtype))


def write(path: Path, readout_: deephys.Readout | None, **options) -> Path:
    rng = np.random.default_rng(1)
    fc = rng.random((12, 5)).astype(np.float32)
    fits = readout_ is not None and readout_.weights.shape == (3, 5)
    logits = readout_.logits(fc).astype(np.float32) if fits else rng.random((12, 3)).astype(np.float32)
    with deephys.Writer(path, model=MODEL, classes=CLASSES, readout=readout_, **options) as w:
        w.add_dataset("d", labels=rng.integers(0, 3, 12), activations={"fc": fc, "out": logits})
    return path


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("chunk_bytes", [1, 48, 1 << 20])  # one class per chunk, two, all
def test_round_trip(tmp_path: Path, dtype, chunk_bytes: int) -> None:
    given = readout(dtype)
    path = write(tmp_path / "r.deephys", given, chunk_bytes=chunk_bytes)
    with deephys.open(path) as run:
        assert run.readout == given
        assert run.readout.weights.dtype == dtype and run.readout.source == "model"
        np.testing.assert_allclose(
            run.readout.logits(run.datasets["d"].activations("fc")), run.datasets["d"].activations("out"), rtol=1e-5
        )
    assert deephys.validate(path).ok


def test_a_file_without_readout_reads_none(small_run: Path) -> None:
    with deephys.open(small_run) as run:
        assert run.readout is None


def test_the_first_view_does_not_read_the_readout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "r.deephys", readout())
    kinds: list[str] = []
    record = RecordFile.record

    def spy(self, ref, kind, *args):
        kinds.append(kind)
        return record(self, ref, kind, *args)

    monkeypatch.setattr(RecordFile, "record", spy)
    with deephys.open(path) as run:
        run.datasets["d"].summary("fc")
        assert "readout" not in kinds
        assert run.readout is not None and "readout" in kinds


@pytest.mark.parametrize("in_place", [False, True])
def test_appends_and_copies_keep_it(tmp_path: Path, in_place: bool) -> None:
    given = readout()
    path = write(tmp_path / "r.deephys", given)
    with deephys.Writer(path, mode="a", in_place=in_place) as w:
        w.add_dataset("more", role="ood", labels=[0], activations={"fc": np.ones((1, 5)), "out": np.ones((1, 3))})
    slim(path, tmp_path / "slim.deephys")
    for copy in (path, tmp_path / "slim.deephys"):
        with deephys.open(copy) as run:
            assert run.readout == given and list(run.datasets) == ["d", "more"]
        assert deephys.validate(copy).ok


def test_a_readout_can_be_added_to_a_file_without_one_in_place(tmp_path: Path) -> None:
    path = write(tmp_path / "r.deephys", None)
    with deephys.Writer(path, mode="a", in_place=True, readout=readout()):
        pass
    with deephys.open(path) as run:
        assert run.readout == readout()
    assert deephys.validate(path).ok
    with pytest.raises(deephys.UsageError, match="holds a readout already"):
        deephys.Writer(path, mode="a", readout=readout(seed=2))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (deephys.Readout("nope", np.zeros((3, 5)), np.zeros(3)), r"layer 'nope' is not one of the layers"),
        (
            deephys.Readout("fc", np.zeros((3, 4)), np.zeros(3)),
            r"3 x 4; the model has 3 classes and layer 'fc' 5 units",
        ),
        (deephys.Readout("out", np.zeros((2, 3)), np.zeros(2)), r"give weights of shape \(3, 3\)"),
    ],
)
def test_shapes_that_disagree_are_refused_at_write(tmp_path: Path, bad: deephys.Readout, message: str) -> None:
    path = tmp_path / "r.deephys"
    with pytest.raises(deephys.UsageError, match=message):
        write(path, bad)
    assert not path.exists()


@pytest.mark.parametrize(
    ("weights", "bias", "message"),
    [
        (np.zeros((3, 5)), np.zeros(2), "weights must be"),
        (np.zeros(5), np.zeros(3), "weights must be"),
        (np.full((3, 5), np.nan), np.zeros(3), "finite"),
    ],
)
def test_a_readout_checks_itself(weights, bias, message: str) -> None:
    with pytest.raises(deephys.UsageError, match=message):
        deephys.Readout("fc", weights, bias)


def _edit_chunk(data: bytes, edit) -> bytes:
    ref = parse(data).footer.readout.chunks[0].record
    return replace_record(data, ref, lambda record: edit(record.readout))


@pytest.mark.parametrize(
    ("damage", "message", "code"),
    [
        (
            lambda d: _edit_chunk(d, lambda c: setattr(c, "weights", c.weights[:-4])),
            "wrong number of bytes",
            "bad-record",
        ),
        (lambda d: _edit_chunk(d, lambda c: setattr(c, "units", 4)), "does not match its index", "bad-record"),
        (
            lambda d: _edit_chunk(d, lambda c: setattr(c, "bias", np.float32([np.nan]).tobytes() + c.bias[4:])),
            "NaN or infinite",
            "bad-value",
        ),
        (lambda d: with_footer(d, lambda f: setattr(f.readout, "layer", 7)), "not a layer of the model", "bad-value"),
        (
            lambda d: with_footer(d, lambda f: setattr(f.readout, "dtype", pb.DTYPE_FLOAT16)),
            "float32 or float64",
            "bad-value",
        ),
        (lambda d: with_footer(d, lambda f: f.readout.chunks.pop()), "cover 2 classes", "bad-record"),
    ],
)
def test_damaged_readouts_are_refused_at_read(tmp_path: Path, damage, message: str, code: str) -> None:
    data = write(tmp_path / "r.deephys", readout(), chunk_bytes=48).read_bytes()
    path = tmp_path / "damaged.deephys"
    path.write_bytes(damage(data))
    with pytest.raises(deephys.FormatError, match=message) as info:
        with deephys.open(path) as run:
            run.readout  # noqa: B018
    assert info.value.code == code
    assert not deephys.validate(path).ok
