"""Hostile and damaged files: each raises `deephys.FormatError` naming the file and an offset.

None hangs (every read runs under a deadline) and none makes the reader
allocate what a lying length field asks for (checked with tracemalloc).
"""

from __future__ import annotations

import json
import os
import struct
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from format_helpers import assert_same_reads, deadline, read_everything, time_limit  # noqa: F401 (autouse)
from make_malicious import (
    FOLDER,
    IMAGE_REF,
    SAMPLES,
    TRAILER_SIZE,
    crc32,
    finish,
    flip_bit,
    parse,
    patch,
    replace_record,
    trailer,
    with_footer,
    with_header,
    with_record,
    with_trailer,
    write_sample,
)

import deephys
from deephys._generated.deephys.v1 import deephys_pb2 as pb
from deephys.errors import FORMAT_CODES
from deephys.format.records import RecordFile
from deephys.format.validate import validate

READ_DEADLINE_S = 5
SMALL_PEAK = 2 << 20  # bytes: generous for a 7 KB file, far below any lying length


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict, np.ndarray]:
    """The sample file's bytes, what reading it everywhere returns, and which of its bytes that read."""
    path = write_sample(tmp_path_factory.mktemp("valid") / "valid.deephys")
    data = path.read_bytes()
    covered = np.zeros(len(data), bool)
    original = RecordFile.read

    def recording_read(self, offset: int, length: int) -> bytes:
        covered[offset : offset + length] = True
        return original(self, offset, length)

    RecordFile.read = recording_read
    try:
        reads = read_everything(path)
    finally:
        RecordFile.read = original
    return data, reads, covered


def expect_format_error(path: Path, data: bytes | None = None) -> deephys.FormatError:
    """Read all of `path`; it must raise FormatError naming the file and an offset inside it."""
    with deadline(READ_DEADLINE_S), pytest.raises(deephys.FormatError) as info:
        read_everything(path)
    error = info.value
    size = len(data) if data is not None else path.stat().st_size
    assert error.path == str(path)
    assert str(path) in str(error)
    assert isinstance(error.offset, int) and 0 <= error.offset <= max(size, 0), error
    assert f"at byte {error.offset}" in str(error)
    return error


def write(tmp_path: Path, data: bytes, name: str = "damaged.deephys") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def check_damaged(tmp_path: Path, valid, damaged: bytes, what: str) -> None:
    """A damaged copy raises if any changed byte is one the reader reads; else it reads the same.

    Either way `deephys validate`, which checks every byte, reports it.
    """
    data, reads, covered = valid
    path = write(tmp_path, damaged)
    changed = np.frombuffer(damaged, np.uint8) != np.frombuffer(data, np.uint8)
    if (changed & covered).any():
        try:
            expect_format_error(path, damaged)
        except pytest.fail.Exception:
            raise AssertionError(f"{what}: no FormatError") from None
    else:
        with deadline(READ_DEADLINE_S):
            assert_same_reads(read_everything(path), reads)
    with deadline(READ_DEADLINE_S):
        assert not validate(path).ok, f"{what}: validate found nothing"


def test_sample_reads_back(valid) -> None:
    data, reads, covered = valid
    assert list(reads) == ["model", "metadata", "set0", "set1"]
    assert len(reads["set0"]["images"]) == 6
    assert reads["set0"]["metadata"][2] == {"source": "img2"}


def test_reading_everything_touches_every_byte_but_the_leading_model_record(valid) -> None:
    # The lazy reader follows the footer; the Model record written first (for
    # sequential readers; the footer's copy is authoritative) is never read.
    # Damage there changes no value read, and `deephys validate`, which walks
    # the file record by record, reports it (see check_damaged).
    data, _, covered = valid
    offset, length = parse(data).first("model")
    assert offset == 16
    uncovered = np.flatnonzero(~covered)
    assert uncovered.min() == offset and uncovered.max() == offset + 8 + length - 1
    assert uncovered.size == 8 + length


# ---- truncation -----------------------------------------------------------------


def test_truncated_at_every_record_boundary(tmp_path: Path, valid) -> None:
    data = valid[0]
    cuts = [cut + delta for cut in parse(data).boundaries for delta in (-1, 0, 1)]
    cuts = sorted({cut for cut in cuts if 0 <= cut < len(data)})
    assert len(cuts) > 60
    for cut in cuts:
        expect_format_error(write(tmp_path, data[:cut]), data[:cut])


def test_truncated_at_random_offsets(tmp_path: Path, valid) -> None:
    data = valid[0]
    for cut in np.random.default_rng(1).integers(0, len(data), 100):
        expect_format_error(write(tmp_path, data[:cut]), data[:cut])


def test_extra_bytes_after_the_trailer(tmp_path: Path, valid) -> None:
    data = valid[0]
    for tail in (b"\0", b"DPHYSEND", data[-TRAILER_SIZE:]):
        expect_format_error(write(tmp_path, data + tail))


# ---- flipped bits and zeroed spans -------------------------------------------------


def test_bit_flips_in_every_part_of_the_file(tmp_path: Path, valid) -> None:
    data = valid[0]
    rng = np.random.default_rng(2)
    bits = [int(bit) for start, stop, _ in parse(data).spans() for bit in rng.integers(start * 8, stop * 8, 3)]
    bits += [int(bit) for bit in rng.integers(0, len(data) * 8, 150)]
    for bit in bits:
        check_damaged(tmp_path, valid, flip_bit(data, bit), f"bit {bit} flipped")


def test_zeroed_spans(tmp_path: Path, valid) -> None:
    data = valid[0]
    rng = np.random.default_rng(3)
    tested = 0
    while tested < 150:
        start = int(rng.integers(0, len(data)))
        length = int(rng.choice([1, 2, 4, 8, 16, 64, 512]))
        damaged = patch(data, start, bytes(min(length, len(data) - start)))
        if damaged != data:
            check_damaged(tmp_path, valid, damaged, f"{length} bytes zeroed at {start}")
            tested += 1


def test_whole_records_zeroed(tmp_path: Path, valid) -> None:
    data = valid[0]
    for start, stop, what in parse(data).spans():
        check_damaged(tmp_path, valid, patch(data, start, bytes(stop - start)), f"{what} zeroed")


# ---- lying length fields: no large allocation ---------------------------------------


def _first_chunk_ref(data: bytes) -> pb.RecordRef:
    return parse(data).footer.datasets[0].layers[0].chunks[0].record


def _set_ref(field: str, value: int):
    def edit(footer: pb.Footer) -> None:
        setattr(footer.datasets[0].layers[0].chunks[0].record, field, value)

    return edit


def _huge_image_ref(data: bytes) -> bytes:
    def edit(record: pb.Record) -> None:
        refs = bytearray(record.table.images)
        offset = IMAGE_REF.unpack_from(refs, 16)[0]
        IMAGE_REF.pack_into(refs, 16, offset, 60 << 20, 0)
        record.table.images = bytes(refs)

    return replace_record(data, parse(data).footer.datasets[0].table[0].record, edit)


def _protobuf_length_lie(data: bytes) -> bytes:
    # A payload with a valid CRC whose protobuf `bytes` field claims 2^60 bytes.
    payload = b"\x0a" + bytes([0x80] * 8 + [0x10]) + b"xyz"

    def point(footer: pb.Footer, ref: pb.RecordRef) -> None:
        footer.datasets[0].layers[0].chunks[0].record.CopyFrom(ref)

    return with_record(data, pb.Record(), point, raw_payload=payload)


LIES = {
    "trailer footer length 4 GiB": lambda d: with_trailer(d, length=0xFFFFFFF0),
    "trailer footer length 200 MiB": lambda d: with_trailer(d, length=200 << 20),
    "trailer footer offset 2^64-1": lambda d: with_trailer(d, footer_offset=2**64 - 1),
    "footer frame length 4 GiB": lambda d: patch(d, parse(d).footer_offset, struct.pack("<I", 0xFFFFFFFF)),
    "chunk frame length 4 GiB": lambda d: patch(d, _first_chunk_ref(d).offset, struct.pack("<I", 0xFFFFFFFF)),
    "chunk frame length 60 MiB": lambda d: patch(d, _first_chunk_ref(d).offset, struct.pack("<I", 60 << 20)),
    "RecordRef length 2^32-1": lambda d: with_footer(d, _set_ref("length", 0xFFFFFFFF)),
    "RecordRef length 60 MiB": lambda d: with_footer(d, _set_ref("length", 60 << 20)),
    "RecordRef offset 2^64-1": lambda d: with_footer(d, _set_ref("offset", 2**64 - 1)),
    "image reference length 60 MiB": _huge_image_ref,
    "protobuf bytes length 2^60": _protobuf_length_lie,
    "dataset of 2^63 images": lambda d: with_footer(d, lambda f: setattr(f.datasets[0], "images", 2**63)),
}


@pytest.mark.parametrize("lie", LIES)
def test_lying_length_fields_allocate_nothing_large(tmp_path: Path, valid, lie: str) -> None:
    damaged = LIES[lie](valid[0])
    path = write(tmp_path, damaged)
    tracemalloc.start()
    try:
        expect_format_error(path, damaged)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < SMALL_PEAK, f"{lie}: peak {peak} bytes"


# ---- versions and foreign files --------------------------------------------------------


def test_wrong_magic(tmp_path: Path, valid) -> None:
    error = expect_format_error(write(tmp_path, with_header(valid[0], magic=b"\x89PNG\r\n\x1a\n")))
    assert error.offset == 0 and "magic" in error.problem


def test_future_major_version_asks_to_upgrade(tmp_path: Path, valid) -> None:
    damaged = with_trailer(with_header(valid[0], major=2, minor=1), major=2, minor=1)
    error = expect_format_error(write(tmp_path, damaged))
    assert "2.1" in error.problem and "upgrade" in error.problem


def test_future_major_version_in_the_header_only(tmp_path: Path, valid) -> None:
    error = expect_format_error(write(tmp_path, with_header(valid[0], major=2)))
    assert "upgrade" in error.problem


def test_newer_minor_version_opens(tmp_path: Path, valid) -> None:
    # A v1.3 writer may add records of kinds this reader does not know, and footer fields.
    data, reads, _ = valid
    newer = with_record(data, pb.Record(), lambda footer, ref: None, raw_payload=b"\x7a\x03abc")  # Record field 15
    parsed = parse(newer)
    parsed.footer.format_minor = 3
    footer = pb.Footer.FromString(parsed.footer.SerializeToString() + b"\xf8\x07\x2a")  # field 127 = 42
    newer = with_header(finish(newer[: parsed.footer_offset], footer, minor=3), minor=3)
    assert b"\xf8\x07\x2a" in newer
    path = write(tmp_path, newer)
    with deadline(READ_DEADLINE_S):
        assert_same_reads(read_everything(path), reads)
    with deephys.open(path) as run:
        assert run.format_version == (1, 3)


@pytest.mark.parametrize("content", [b"", b"\0" * 64, b"DPHYSEND" * 8, b"PK\x03\x04" + bytes(200)])
def test_foreign_content(tmp_path: Path, content: bytes) -> None:
    expect_format_error(write(tmp_path, content), content)


def test_random_bytes(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    for size in (1, 31, 32, 48, 1000, 100_000):
        content = rng.bytes(size)
        expect_format_error(write(tmp_path, content), content)


def test_random_bytes_behind_a_valid_trailer(tmp_path: Path, valid) -> None:
    # Noise with a well-formed trailer pointing at a well-formed frame of noise.
    rng = np.random.default_rng(5)
    for _ in range(20):
        noise = rng.bytes(int(rng.integers(16, 4000)))
        payload = rng.bytes(int(rng.integers(0, 500)))
        body = valid[0][:16] + noise
        content = body + struct.pack("<II", len(payload), crc32(payload)) + payload
        content += trailer(len(body), len(payload), crc32(payload))
        expect_format_error(write(tmp_path, content), content)


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "run.deephys"
    folder.mkdir()
    expect_format_error(folder, b"")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "run.deephys"
    os.mkfifo(fifo)
    expect_format_error(fifo, b"")


# ---- structurally wrong footers and records (all CRCs valid) ---------------------------


def _chunks(footer: pb.Footer):
    return footer.datasets[0].layers[0].chunks


STRUCTURE = {
    "chunk reference past the end": lambda f: setattr(_chunks(f)[0].record, "offset", 10**9),
    "chunk reference into the footer": lambda f: setattr(_chunks(f)[0].record, "offset", 10**9 % 7000),
    "chunks overlap": lambda f: setattr(_chunks(f)[1], "first_row", _chunks(f)[1].first_row - 1),
    "chunks leave a gap": lambda f: setattr(_chunks(f)[1], "first_row", _chunks(f)[1].first_row + 1),
    "chunks out of order": lambda f: _swap(_chunks(f)),
    "chunk of zero rows": lambda f: setattr(_chunks(f)[-1], "rows", 0),
    "chunks cover too many rows": lambda f: setattr(_chunks(f)[-1], "rows", _chunks(f)[-1].rows + 1),
    "table covers too few rows": lambda f: setattr(f.datasets[1].table[0], "rows", 5),
    "two chunks share a record": lambda f: _chunks(f)[1].record.CopyFrom(_chunks(f)[0].record),
    "summary points at a chunk": lambda f: f.datasets[0].layers[0].summary.CopyFrom(_chunks(f)[0].record),
    "layers out of order": lambda f: setattr(f.datasets[0].layers[0], "layer", 1),
    "a layer missing": lambda f: f.datasets[0].layers.pop(),
    "unknown dtype": lambda f: setattr(f.datasets[0].layers[0], "dtype", 9),
    "dtype of another width": lambda f: setattr(f.datasets[0].layers[0], "dtype", pb.DTYPE_FLOAT64),
    "top_k of 0": lambda f: setattr(f.datasets[0], "top_k", 0),
    "unnamed dataset": lambda f: setattr(f.datasets[0], "name", ""),
    "duplicate layer": lambda f: setattr(f.model.layers[1], "name", "fc"),
    "layer without units": lambda f: setattr(f.model.layers[0], "units", 0),
    "classes do not match the classifier": lambda f: f.model.classes.pop(),
    "unit labels of the wrong count": lambda f: f.model.layers[0].unit_labels.append("x"),
    "dataset index of another dataset": lambda f: _swap(f.datasets),
}


def _swap(items) -> None:
    a, b = items[0], items[1]
    tmp = type(a)()
    tmp.CopyFrom(a)
    a.CopyFrom(b)
    b.CopyFrom(tmp)


@pytest.mark.parametrize("lie", STRUCTURE)
def test_footer_lies(tmp_path: Path, valid, lie: str) -> None:
    damaged = with_footer(valid[0], STRUCTURE[lie])
    expect_format_error(write(tmp_path, damaged), damaged)


def _table(field: str, value):
    def edit(record: pb.Record) -> None:
        column = getattr(record.table, field)
        if isinstance(value, bytes):
            setattr(record.table, field, value)
        else:
            column[1] = value

    return "table", edit


def chunk(edit):
    return "chunk", edit


def _summary(edit):
    return "summary", edit


RECORDS = {
    "label equal to the class count": _table("labels", 3),
    "label 2^32-1": _table("labels", 0xFFFFFFFF),
    "prediction equal to the class count": _table("predictions", 3),
    "confidences of the wrong length": _table("confidences", b"\0" * 3),
    "image references of the wrong length": _table("images", b"\0" * 17),
    "table of another dataset": ("table", lambda r: setattr(r.table, "dataset", 1)),
    "table rows disagree with the index": ("table", lambda r: setattr(r.table, "rows", 7)),
    "metadata for some images only": ("table", lambda r: r.table.metadata.pop()),
    "chunk data one byte short": chunk(lambda r: setattr(r.activations, "data", r.activations.data[:-1])),
    "chunk data one byte long": chunk(lambda r: setattr(r.activations, "data", r.activations.data + b"\0")),
    "chunk of another layer": chunk(lambda r: setattr(r.activations, "layer", 1)),
    "chunk of another dataset": chunk(lambda r: setattr(r.activations, "dataset", 1)),
    "chunk first row disagrees": chunk(lambda r: setattr(r.activations, "first_row", 1)),
    "chunk units disagree": chunk(lambda r: setattr(r.activations, "units", 5)),
    "chunk dtype disagrees": chunk(lambda r: setattr(r.activations, "dtype", pb.DTYPE_FLOAT16)),
    "summary min short": _summary(lambda r: setattr(r.summary, "min", r.summary.min[:-1])),
    "summary histogram long": _summary(lambda r: setattr(r.summary, "histogram", r.summary.histogram + b"\0" * 4)),
    "summary top_k disagrees": _summary(lambda r: setattr(r.summary, "top_k", 5)),
    "summary of another layer": _summary(lambda r: setattr(r.summary, "layer", 1)),
    "summary image count disagrees": _summary(lambda r: setattr(r.summary, "images", 5)),
    "summary top_k 2^32-1": _summary(lambda r: setattr(r.summary, "top_k", 0xFFFFFFFF)),
}


@pytest.mark.parametrize("lie", RECORDS)
def test_record_lies(tmp_path: Path, valid, lie: str) -> None:
    data = valid[0]
    where, edit = RECORDS[lie]
    footer = parse(data).footer
    ref = {
        "table": footer.datasets[0].table[0].record,
        "chunk": footer.datasets[0].layers[0].chunks[0].record,
        "summary": footer.datasets[0].layers[0].summary,
    }[where]
    damaged = replace_record(data, ref, edit)
    expect_format_error(write(tmp_path, damaged), damaged)


def test_image_record_of_another_image(tmp_path: Path, valid) -> None:
    data = valid[0]

    def edit(record: pb.Record) -> None:
        refs = bytearray(record.table.images)
        refs[:16], refs[16:32] = refs[16:32], refs[:16]
        record.table.images = bytes(refs)

    damaged = replace_record(data, parse(data).footer.datasets[0].table[0].record, edit)
    expect_format_error(write(tmp_path, damaged), damaged)


def test_image_record_is_not_an_image(tmp_path: Path) -> None:
    path = FOLDER / "image_not_png.deephys"
    error = expect_format_error(path)
    assert "does not decode" in error.problem


def test_decompression_bomb_is_refused_cheaply(tmp_path: Path) -> None:
    path = FOLDER / "image_bomb.deephys"
    tracemalloc.start()
    try:
        expect_format_error(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < SMALL_PEAK


# ---- the committed samples --------------------------------------------------------------


MANIFEST = {entry["file"]: entry for entry in json.loads((FOLDER / "manifest.json").read_text("utf-8"))["files"]}


def test_malicious_folder_is_complete() -> None:
    names = {path.stem for path in FOLDER.glob("*.deephys")}
    assert names == set(SAMPLES)
    assert set(MANIFEST) == {f"{name}.deephys" for name in SAMPLES}
    assert all(entry["code"] in FORMAT_CODES for entry in MANIFEST.values())
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for name in SAMPLES:
        assert f"`{name}.deephys`" in readme


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_malicious_sample(name: str) -> None:
    path = FOLDER / f"{name}.deephys"
    error = expect_format_error(path)
    assert error.code == MANIFEST[path.name]["code"], error
    with deadline(READ_DEADLINE_S):
        report = validate(path)
    assert not report.ok and all(str(path) in problem for problem in report.problems), report.problems


def test_future_major_sample_says_upgrade() -> None:
    assert "upgrade" in expect_format_error(FOLDER / "future_major.deephys").problem


def test_record_at_offset_zero_is_refused(tmp_path: Path, valid) -> None:
    damaged = with_footer(valid[0], lambda f: setattr(f.datasets[0].layers[0].summary, "offset", 0))
    expect_format_error(write(tmp_path, damaged), damaged)


def _png_bomb(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height RGB pixels; its (valid) data would inflate to all of them."""
    import zlib

    from deephys.format import png

    rows = zlib.compress(bytes((3 * width + 1) * min(height, 64)), 9)  # only the first rows: enough to lie
    return png.header(width, height, 3) + png.chunk(b"IDAT", rows) + png.IEND


def _file_with_image(tmp_path: Path, data: bytes, width: int, height: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    from deephys.format import dataset_writer, images

    monkeypatch.setattr(dataset_writer, "MAX_IMAGE_PIXELS", 1 << 40)  # the writer refuses such images itself
    path = tmp_path / "bomb.deephys"
    model = deephys.Model("m", layers={"out": 2}, classifier="out")
    encoded = dataset_writer.EncodedImage(data, width, height, 3, images.ENCODINGS["png"])
    with deephys.Writer(path, model=model, classes=["a", "b"]) as w:
        w.add_dataset("d", labels=[0], activations={"out": np.zeros((1, 2), np.float32)}, images=[encoded])
    return path


@pytest.mark.parametrize("record_size", [(9000, 9000), (32, 32)])
def test_bomb_below_pillows_limit_is_refused_before_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record_size: tuple[int, int]
) -> None:
    # 9000 x 9000 = 81 Mpx: Pillow would decode it (its bomb error starts at twice 89 Mpx), 243 MB of pixels.
    # The record either tells the truth (over the 16 Mpx cap) or lies (32 x 32, the PNG header disagrees).
    path = _file_with_image(tmp_path, _png_bomb(9000, 9000), *record_size, monkeypatch)
    from PIL import ImageFile

    def no_decoding(self):  # noqa: ANN001
        raise AssertionError("Pillow was asked to decode the pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with deephys.open(path) as run, pytest.raises(deephys.FormatError) as info:
        run.datasets["d"].image(0)
    assert ("more than the" if record_size[0] == 9000 else "wrong size") in info.value.problem


def test_writer_refuses_images_over_the_pixel_cap(tmp_path: Path) -> None:
    from deephys.format import dataset_writer, images

    model = deephys.Model("m", layers={"out": 2}, classifier="out")
    encoded = dataset_writer.EncodedImage(b"", 9000, 9000, 3, images.ENCODINGS["png"])
    with deephys.Writer(tmp_path / "r.deephys", model=model, classes=["a", "b"]) as w:
        with pytest.raises(ValueError, match="more than readers accept"):
            w.add_dataset("d", labels=[0], activations={"out": np.zeros((1, 2), np.float32)}, images=[encoded])


# ---- declared sizes against the bytes present ------------------------------------------------


def _many_datasets(count: int) -> Callable[[pb.Footer], None]:
    """Copies of the first dataset under new names, all pointing at its records: an index that claims far
    more data than the file holds (the 2.8 MB file declaring 20,000 datasets)."""

    def edit(footer: pb.Footer) -> None:
        for i in range(count):
            extra = footer.datasets.add()
            extra.CopyFrom(footer.datasets[0])
            extra.name = f"copy {i}"

    return edit


def _short_chunk(footer: pb.Footer) -> None:
    dataset = footer.datasets[0]
    dataset.images += 1000
    dataset.table[-1].rows += 1000
    for data in dataset.layers:
        data.chunks[-1].rows += 1000


def _huge_classes(footer: pb.Footer) -> None:
    # As many classes as the classifier has units, and as many units as the footer can name: the summary
    # record (class means alone: 4 x classes x units bytes) cannot be as small as the file says.
    footer.model.layers[1].units = 2_000_000
    footer.model.classes.extend(f"c{i}" for i in range(2_000_000 - len(footer.model.classes)))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_many_datasets(200), "more than the"),
        (_short_chunk, "holds at least"),
        (_huge_classes, "holds at least"),
    ],
    ids=["datasets sharing records", "a chunk too short for its rows", "a class count the summaries cannot hold"],
)
def test_declared_sizes_must_fit_the_bytes_present(tmp_path: Path, valid, edit, message: str) -> None:
    import resource

    damaged = with_footer(valid[0], edit)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    error = expect_format_error(write(tmp_path, damaged), damaged)
    assert message in error.problem and error.code in ("bad-record", "bad-reference")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300_000  # KiB
