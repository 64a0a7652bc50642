"""The reader's streaming API: `Dataset.iter_table`, `Dataset.encoded_image`, `Dataset.stored_bytes`, and
the module-level helpers the writer shares (`prediction_confidence`, `final_mode`, `copy_blocks`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from format_helpers import time_limit  # noqa: F401 (autouse: no test may hang)

import deephys
import deephys.format.dataset_writer
from deephys._generated.deephys.v1 import deephys_pb2 as pb
from deephys.format.atomic import final_mode
from deephys.format.confidence import prediction_confidence
from deephys.format.container import FRAME_SIZE, HEADER_SIZE, TRAILER_SIZE
from deephys.format.copying import copy_blocks
from deephys.format.dataset_writer import EncodedImage
from deephys.format.images import ENCODINGS, encode
from deephys.format.reader import IMAGE_REF_DTYPE, TableChunk

CLASSES = ["a", "b", "c"]
N = 23


def write_file(path: Path, monkeypatch: pytest.MonkeyPatch, left_out: tuple[int, ...] = (3, 17)) -> Path:
    """Dataset "images" (N images, some left out, metadata on every row) and "plain" (no images, no metadata),
    with table chunks of 5 rows."""
    monkeypatch.setattr(deephys.format.dataset_writer, "TABLE_CHUNK_ROWS", 5)
    rng = np.random.default_rng(0)
    model = deephys.Model("m", [deephys.Layer("hidden", 4), deephys.Layer("logits", 3)], classes=CLASSES)
    with deephys.Writer(path, model=model) as writer:
        with writer.dataset("images", role="id") as out:
            for start in range(0, N, 9):
                n = min(9, N - start)
                pixels = rng.integers(0, 256, (n, 6, 5, 3), dtype=np.uint8)
                images = [
                    EncodedImage.absent()
                    if start + i in left_out
                    else EncodedImage(encode(pixels[i]), 5, 6, 3, ENCODINGS["png"])
                    for i in range(n)
                ]
                out.append(
                    labels=rng.integers(0, 3, n),
                    activations={"hidden": rng.standard_normal((n, 4)), "logits": rng.standard_normal((n, 3))},
                    images=images,
                    metadata=[{"row": str(start + i)} for i in range(n)],
                )
        writer.add_dataset(
            "plain",
            role="ood",
            labels=rng.integers(0, 3, 8),
            activations={"hidden": rng.standard_normal((8, 4)), "logits": rng.standard_normal((8, 3))},
        )
    return path


def test_iter_table_gives_the_table_chunk_by_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file(tmp_path / "f.deephys", monkeypatch)
    with deephys.open(path) as run:
        dataset = run.datasets["images"]
        chunks = list(dataset.iter_table())
        assert all(isinstance(c, TableChunk) for c in chunks)
        assert [c.first_row for c in chunks] == list(range(0, N, 5))
        assert [c.rows for c in chunks] == [5, 5, 5, 5, 3]
        assert "_table" not in vars(dataset)  # streaming: the whole table was not loaded
        np.testing.assert_array_equal(np.concatenate([c.labels for c in chunks]), dataset.labels)
        np.testing.assert_array_equal(np.concatenate([c.predictions for c in chunks]), dataset.predictions)
        np.testing.assert_array_equal(np.concatenate([c.confidences for c in chunks]), dataset.confidences)
        assert chunks[0].labels.dtype == np.int64 and chunks[0].confidences.dtype == np.float32
        assert [m for c in chunks for m in c.metadata] == [{"row": str(i)} for i in range(N)]
        refs = np.concatenate([c.image_refs for c in chunks])
        assert refs.dtype == IMAGE_REF_DTYPE and len(refs) == N
        assert [i for i in range(N) if not refs[i]["length"]] == [3, 17]  # all-zero references: left out

        plain = list(run.datasets["plain"].iter_table())
        assert [c.rows for c in plain] == [5, 3]
        assert all(c.metadata is None and len(c.image_refs) == 0 for c in plain)


def test_encoded_image_is_the_stored_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file(tmp_path / "f.deephys", monkeypatch)
    with deephys.open(path) as run:
        dataset = run.datasets["images"]
        for i in range(N):
            if i in (3, 17):
                with pytest.raises(LookupError, match="left out"):
                    dataset.encoded_image(i)
                continue
            encoded = dataset.encoded_image(i)
            assert isinstance(encoded, EncodedImage) and not encoded.is_absent
            assert encoded.data == dataset.image_bytes(i)[0]
            assert (encoded.height, encoded.width, encoded.channels) == dataset.image(i).shape == (6, 5, 3)
        with pytest.raises(LookupError, match="without images"):
            run.datasets["plain"].encoded_image(0)
        with pytest.raises(IndexError):
            dataset.encoded_image(N)


def test_encoded_image_while_streaming_reads_only_the_current_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file(tmp_path / "f.deephys", monkeypatch)
    with deephys.open(path) as run, deephys.open(path) as other:
        dataset = run.datasets["images"]
        for chunk in dataset.iter_table():
            for row in range(chunk.first_row, chunk.first_row + chunk.rows):
                assert dataset.has_image(row) == bool(chunk.image_refs[row - chunk.first_row]["length"])
                if dataset.has_image(row):
                    assert dataset.encoded_image(row) == other.datasets["images"].encoded_image(row)
        assert "_table" not in vars(dataset)
        assert dataset.encoded_image(0) == other.datasets["images"].encoded_image(0)  # random access still works


def test_copy_blocks_rewrites_an_equal_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file(tmp_path / "f.deephys", monkeypatch)
    with deephys.open(path) as run, deephys.Writer(tmp_path / "copy.deephys", model=run.model) as writer:
        for dataset in run.datasets.values():
            with writer.dataset(dataset.name, role=dataset.role) as out:  # type: ignore[arg-type]
                for block in copy_blocks(dataset, block_bytes=200):  # a few rows per block
                    out.append(**block)
    with deephys.open(path) as a, deephys.open(tmp_path / "copy.deephys") as b:
        for name, x in a.datasets.items():
            y = b.datasets[name]
            np.testing.assert_array_equal(x.labels, y.labels)
            np.testing.assert_array_equal(x.confidences, y.confidences)
            assert [x.metadata(i) for i in range(len(x))] == [y.metadata(i) for i in range(len(y))]
            assert [x.has_image(i) for i in range(len(x))] == [y.has_image(i) for i in range(len(y))]
            assert all(x.encoded_image(i) == y.encoded_image(i) for i in range(len(x)) if x.has_image(i))
            np.testing.assert_array_equal(x.activations("hidden"), y.activations("hidden"))


def test_stored_bytes_add_up_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file(tmp_path / "f.deephys", monkeypatch)
    with deephys.open(path) as run:
        sizes = {name: dataset.stored_bytes() for name, dataset in run.datasets.items()}
        assert list(sizes["images"].activations) == ["hidden", "logits"] == list(sizes["images"].summaries)
        assert sizes["plain"].images == 0 < sizes["images"].images
        model_record = FRAME_SIZE + len(pb.Record(model=run.model.to_proto()).SerializeToString())
        footer = FRAME_SIZE + run.trailer.footer_length
        assert HEADER_SIZE + model_record + sum(s.total for s in sizes.values()) + footer + TRAILER_SIZE == run.size


def test_prediction_confidence_is_what_the_file_holds(tmp_path: Path) -> None:
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [np.inf, 0.0, 1.0]])
    np.testing.assert_allclose(
        prediction_confidence(logits, np.array([2, 0, 0])), [np.exp(3) / np.exp([1, 2, 3]).sum(), 1 / 3, np.nan]
    )
    assert prediction_confidence(np.zeros((0, 3)), np.zeros(0, np.int64)).shape == (0,)
    model = deephys.Model("m", [deephys.Layer("logits", 3)], classes=CLASSES)
    finite = np.random.default_rng(1).standard_normal((6, 3))
    with deephys.Writer(tmp_path / "c.deephys", model=model) as writer:
        writer.add_dataset("d", labels=np.zeros(6, np.int64), activations={"logits": finite.astype(np.float32)})
    with deephys.open(tmp_path / "c.deephys") as run:
        exact = run.datasets["d"].activations("logits").astype(np.float64)
        expected = prediction_confidence(exact, exact.argmax(axis=1)).astype(np.float32)
        np.testing.assert_array_equal(run.datasets["d"].confidences, expected)


def test_final_mode_keeps_the_replaced_files_permissions(tmp_path: Path) -> None:
    existing = tmp_path / "old"
    existing.write_bytes(b"")
    os.chmod(existing, 0o640)
    assert final_mode(existing) == 0o640
    umask = os.umask(0o027)
    try:
        assert final_mode(tmp_path / "new") == 0o640
    finally:
        os.umask(umask)
