"""Craft hostile .deephys files, and write the shared hostile corpus in tests/corpus/hostile/.

The functions here take a valid file apart and put it back together with one
lie in it, keeping every CRC that the lie does not target valid, so that each
file reaches the check it is meant to test (like safetensors' attacks folder).
The attack tests import them; `make corpus` regenerates the samples and their manifest.json, which
names each file, what is wrong with it, and the `FormatError` code (deephys.errors.FORMAT_CODES) that
both Python's reader (tests/format/test_attacks.py) and the viewer's (viewer/test) must raise for it.
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import deephys
from deephys._generated.deephys.v1 import deephys_pb2 as pb

HEADER = struct.Struct("<8sHHI")
FRAME = struct.Struct("<II")
TRAILER_BODY = struct.Struct("<QIIHH")
TRAILER_SIZE = 32
IMAGE_REF = struct.Struct("<QII")
FOLDER = Path(__file__).parents[1] / "corpus" / "hostile"
# A fixed creation time keeps the generated samples byte-for-byte reproducible.
FIXED_METADATA = {"created": "2024-01-01T00:00:00+00:00"}


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def write_sample(path: Path, *, images: int = 6, chunk_bytes: int = 40) -> Path:
    """A small valid file: 2 datasets (one with metadata), 2 layers in several chunks, 8x8 RGB images."""
    rng = np.random.default_rng(7)
    # An explicit producer keeps the bytes independent of the installed versions (PNG encoding aside).
    model = deephys.Model(
        "sample",
        layers={"fc": 4, "out": 3},
        classifier="out",
        producer=deephys.Producer("make_malicious", "1", "numpy", "any"),
    )
    with deephys.Writer(
        path,
        model=model,
        classes=["cat", "dog", "eel"],
        chunk_bytes=chunk_bytes,
        top_k=4,
        histogram_bins=5,
        metadata=FIXED_METADATA,
        encode_threads=1,
    ) as w:
        for d, role in enumerate(("id", "ood")):
            w.add_dataset(
                f"set{d}",
                role=role,
                images=rng.integers(0, 256, (images, 8, 8, 3), dtype=np.uint8),
                labels=np.arange(images) % 3,
                activations={
                    "fc": rng.standard_normal((images, 4)).astype(np.float32),
                    "out": rng.standard_normal((images, 3)).astype(np.float32),
                },
                metadata=[{"source": f"img{i}"} for i in range(images)] if d == 0 else None,
            )
    return path


@dataclass
class Parsed:
    """A file taken apart: its records (frame offset, payload length, kind), footer and trailer."""

    data: bytes
    records: list[tuple[int, int, str]]
    footer_offset: int
    footer: pb.Footer

    @property
    def boundaries(self) -> list[int]:
        """Every offset where a header, record or trailer starts or ends."""
        ends = [16] + [offset + 8 + length for offset, length, _ in self.records]
        return sorted({0, *ends, len(self.data) - TRAILER_SIZE, len(self.data)})

    def spans(self) -> list[tuple[int, int, str]]:
        """(start, stop, what) of every byte range of the file, in order, covering it exactly."""
        out = [(0, 16, "header")]
        for offset, length, kind in self.records:
            out += [(offset, offset + 8, f"{kind} frame"), (offset + 8, offset + 8 + length, f"{kind} payload")]
        out.append((len(self.data) - TRAILER_SIZE, len(self.data), "trailer"))
        return out

    def first(self, kind: str) -> tuple[int, int]:
        return next((offset, length) for offset, length, k in self.records if k == kind)

    def record(self, offset: int) -> pb.Record:
        length = FRAME.unpack_from(self.data, offset)[0]
        return pb.Record.FromString(self.data[offset + 8 : offset + 8 + length])


def parse(data: bytes) -> Parsed:
    """Walk a valid file's frames from the header to the trailer."""
    footer_offset = struct.unpack_from("<Q", data, len(data) - TRAILER_SIZE)[0]
    records, offset = [], 16
    while offset < len(data) - TRAILER_SIZE:
        length = FRAME.unpack_from(data, offset)[0]
        kind = pb.Record.FromString(data[offset + 8 : offset + 8 + length]).WhichOneof("body")
        records.append((offset, length, kind))
        offset += 8 + length
    assert offset == len(data) - TRAILER_SIZE and records[-1][0] == footer_offset
    footer = parse_record(data, footer_offset).footer
    return Parsed(data, records, footer_offset, footer)


def parse_record(data: bytes, offset: int) -> pb.Record:
    length = FRAME.unpack_from(data, offset)[0]
    return pb.Record.FromString(data[offset + 8 : offset + 8 + length])


def frame(payload: bytes, length: int | None = None) -> bytes:
    return FRAME.pack(len(payload) if length is None else length, crc32(payload)) + payload


def header(major: int = 1, minor: int = 0, magic: bytes = b"\x89DPHYS\r\n") -> bytes:
    body = HEADER.pack(magic, major, minor, 0)[:12]
    return body + struct.pack("<I", crc32(body))


def trailer(
    footer_offset: int, length: int, crc: int, major: int = 1, minor: int = 0, end: bytes = b"DPHYSEND"
) -> bytes:
    body = TRAILER_BODY.pack(footer_offset, length, crc, major, minor)
    return body + struct.pack("<I", crc32(body)) + end


def finish(body: bytes, footer: pb.Footer | bytes, major: int = 1, minor: int = 0) -> bytes:
    """`body` (header + records) followed by `footer` and a trailer with valid CRCs."""
    payload = footer if isinstance(footer, bytes) else pb.Record(footer=footer).SerializeToString()
    return body + frame(payload) + trailer(len(body), len(payload), crc32(payload), major, minor)


def with_footer(data: bytes, edit: Callable[[pb.Footer], None]) -> bytes:
    """The file with its footer changed by `edit` and rewritten with valid CRCs."""
    parsed = parse(data)
    footer = pb.Footer()
    footer.CopyFrom(parsed.footer)
    edit(footer)
    return finish(data[: parsed.footer_offset], footer)


def with_record(
    data: bytes, record: pb.Record, point: Callable[[pb.Footer, pb.RecordRef], None], raw_payload: bytes | None = None
) -> bytes:
    """The file with `record` added before the footer, and the footer changed by `point(footer, ref)`.

    The replaced record stays where it was, unreferenced, so no offset moves.
    """
    parsed = parse(data)
    payload = record.SerializeToString() if raw_payload is None else raw_payload
    body = data[: parsed.footer_offset]
    ref = pb.RecordRef(offset=len(body), length=len(payload), crc32=crc32(payload))
    footer = pb.Footer()
    footer.CopyFrom(parsed.footer)
    point(footer, ref)
    return finish(body + frame(payload), footer)


def replace_record(data: bytes, ref: pb.RecordRef, edit: Callable[[pb.Record], None]) -> bytes:
    """The file with the record at `ref` (found through the footer) replaced by an edited copy."""
    record = parse_record(data, ref.offset)
    edit(record)
    target = (ref.offset, ref.length, ref.crc32)

    def point(footer: pb.Footer, new: pb.RecordRef) -> None:
        for old in all_refs(footer):
            if (old.offset, old.length, old.crc32) == target:
                old.CopyFrom(new)

    return with_record(data, record, point)


def all_refs(footer: pb.Footer) -> list[pb.RecordRef]:
    refs = [chunk.record for chunk in footer.readout.chunks]
    for dataset in footer.datasets:
        refs += [t.record for t in dataset.table]
        for layer in dataset.layers:
            refs += [c.record for c in layer.chunks] + [layer.summary] + [c.record for c in layer.maps.chunks]
    return refs


def patch(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new) :]


def with_trailer(data: bytes, **fields: int) -> bytes:
    """The file with trailer fields changed and the trailer CRC recomputed."""
    values = dict(
        zip(
            ("footer_offset", "length", "crc", "major", "minor"),
            TRAILER_BODY.unpack_from(data, len(data) - TRAILER_SIZE),
        )
    )
    values.update(fields)
    return data[:-TRAILER_SIZE] + trailer(**values)


def with_header(data: bytes, **fields) -> bytes:
    return header(**fields) + data[16:]


def flip_bit(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` pixels, with a few bytes of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def foreign_image(format: str) -> bytes:
    """An 8 x 8 RGB image (the sample's size) in another of Pillow's formats."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buffer, format=format)
    return buffer.getvalue()


# An Encapsulated PostScript header: Pillow would hand such bytes to Ghostscript.
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 8 8\n0 0 moveto 8 8 lineto stroke\n%%EOF\n"

# ---- the committed samples ---------------------------------------------------


def _first_chunk(footer: pb.Footer) -> pb.ActivationChunkRef:
    return footer.datasets[0].layers[0].chunks[0]


def _image_ref_huge(data: bytes) -> bytes:
    table_ref = parse(data).footer.datasets[0].table[0].record

    def edit(record: pb.Record) -> None:
        refs = bytearray(record.table.images)
        offset = IMAGE_REF.unpack_from(refs, 0)[0]
        IMAGE_REF.pack_into(refs, 0, offset, 0xFFFFFFFF, 0)
        record.table.images = bytes(refs)

    return replace_record(data, table_ref, edit)


def _table_edit(field: str, value: int) -> Callable[[bytes], bytes]:
    def make(data: bytes) -> bytes:
        def edit(record: pb.Record) -> None:
            getattr(record.table, field)[0] = value

        return replace_record(data, parse(data).footer.datasets[0].table[0].record, edit)

    return make


def _confidence(value: float) -> Callable[[bytes], bytes]:
    def make(data: bytes) -> bytes:
        def edit(record: pb.Record) -> None:
            record.table.confidences = struct.pack("<f", value) + record.table.confidences[4:]

        return replace_record(data, parse(data).footer.datasets[0].table[0].record, edit)

    return make


def _summary_short(data: bytes) -> bytes:
    def edit(record: pb.Record) -> None:
        record.summary.min = record.summary.min[:-8]

    return replace_record(data, parse(data).footer.datasets[0].layers[0].summary, edit)


def _summary_edit(edit: Callable[[pb.LayerSummary], None]) -> Callable[[bytes], bytes]:
    def make(data: bytes) -> bytes:
        return replace_record(
            data, parse(data).footer.datasets[0].layers[0].summary, lambda record: edit(record.summary)
        )

    return make


def _summary_top_k_zero(summary: pb.LayerSummary) -> None:
    """A summary with no top list and no histogram, its fields consistent with that (the dataset says 4 and 5)."""
    summary.top_k = summary.histogram_bins = 0
    summary.top_indices = summary.top_values = summary.histogram = b""


def _summary_top_index_outside(summary: pb.LayerSummary) -> None:
    summary.top_indices = struct.pack("<I", 1000) + summary.top_indices[4:]


def _chunk_short(data: bytes) -> bytes:
    def edit(record: pb.Record) -> None:
        record.activations.data = record.activations.data[:-1]

    return replace_record(data, _first_chunk(parse(data).footer).record, edit)


def _image_payload(payload: bytes) -> Callable[[bytes], bytes]:
    def make(data: bytes) -> bytes:
        table_ref = parse(data).footer.datasets[0].table[0].record
        offset, length, _ = IMAGE_REF.unpack_from(parse_record(data, table_ref.offset).table.images, 0)
        image = parse_record(data, offset)
        image.image.data = payload
        new_image = image.SerializeToString()
        body = data[: parse(data).footer_offset]
        image_offset = len(body)
        body += frame(new_image)

        def edit(record: pb.Record) -> None:
            refs = bytearray(record.table.images)
            IMAGE_REF.pack_into(refs, 0, image_offset, len(new_image), crc32(new_image))
            record.table.images = bytes(refs)

        # Rebuild on the body that holds the new image, then point the table at it.
        interim = finish(body, parse(data).footer)
        return replace_record(interim, table_ref, edit)

    return make


def _wrong_kind(data: bytes) -> bytes:
    def edit(footer: pb.Footer) -> None:
        _first_chunk(footer).record.CopyFrom(footer.datasets[0].table[0].record)

    return with_footer(data, edit)


def _edit_footer(edit: Callable[[pb.Footer], None]) -> Callable[[bytes], bytes]:
    return lambda data: with_footer(data, edit)


def _set(path: str, value) -> Callable[[pb.Footer], None]:
    """A footer edit that sets a dotted attribute path, e.g. "datasets.0.layers.0.chunks.0.rows"."""

    def edit(footer: pb.Footer) -> None:
        target, *parts, last = [footer, *path.split(".")]
        for part in parts:
            target = target[int(part)] if part.isdigit() else getattr(target, part)
        setattr(target, last, value)

    return edit


def _frame_length_huge(data: bytes) -> bytes:
    offset = _first_chunk(parse(data).footer).record.offset
    return patch(data, offset, struct.pack("<I", 0xFFFFFFFF))


def _bit_flip(data: bytes) -> bytes:
    offset = _first_chunk(parse(data).footer).record.offset
    return flip_bit(data, (offset + 20) * 8 + 3)


def _zeroed_footer(data: bytes) -> bytes:
    parsed = parse(data)
    start = parsed.footer_offset + 8
    return patch(data, start, bytes(len(data) - TRAILER_SIZE - start))


def _duplicate_dataset(footer: pb.Footer) -> None:
    footer.datasets[1].name = footer.datasets[0].name


def _classes_mismatch(footer: pb.Footer) -> None:
    footer.model.classes.append("extra")


# name -> (what it is, how to make it from the valid sample's bytes)
SAMPLES: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "empty": ("an empty file", lambda data: b""),
    "random_bytes": ("4 KiB of random bytes", lambda data: np.random.default_rng(1).bytes(4096)),
    "truncated_trailer": ("a valid file missing its last byte", lambda data: data[:-1]),
    "truncated_half": ("the first half of a valid file", lambda data: data[: len(data) // 2]),
    "header_only": ("only the 16-byte header", lambda data: data[:16]),
    "wrong_magic": (
        "header magic PNG's instead of Deephys' (header CRC valid)",
        lambda data: with_header(data, magic=b"\x89PNG\r\n\x1a\n"),
    ),
    "wrong_end_magic": ("trailer end magic altered", lambda data: data[:-8] + b"DPHYSEOF"),
    "future_major": (
        "format version 2.0 in header and trailer (CRCs valid): must ask to upgrade",
        lambda data: with_trailer(with_header(data, major=2), major=2),
    ),
    "version_mismatch": ("header says 1.0, trailer says 1.3 (CRCs valid)", lambda data: with_trailer(data, minor=3)),
    "bit_flip_chunk": ("one bit flipped inside an activation chunk", _bit_flip),
    "zeroed_footer": ("the footer payload zeroed", _zeroed_footer),
    "footer_length_huge": (
        "trailer claims a 4 GiB footer (trailer CRC valid)",
        lambda data: with_trailer(data, length=0xFFFFFFF0),
    ),
    "footer_offset_huge": (
        "trailer footer offset 2^64-1 (trailer CRC valid)",
        lambda data: with_trailer(data, footer_offset=2**64 - 1),
    ),
    "footer_offset_zero": (
        "trailer footer offset inside the header (trailer CRC valid)",
        lambda data: with_trailer(data, footer_offset=0),
    ),
    "frame_length_huge": ("an activation chunk's frame claims 4 GiB", _frame_length_huge),
    "ref_outside_file": (
        "a chunk reference past the end of the file (footer CRCs valid)",
        _edit_footer(_set("datasets.0.layers.0.chunks.0.record.offset", 10**9)),
    ),
    "ref_length_huge": (
        "a chunk reference of length 2^32-1 (footer CRCs valid)",
        _edit_footer(_set("datasets.0.layers.0.chunks.0.record.length", 0xFFFFFFFF)),
    ),
    "ref_into_header": ("a summary reference at offset 0", _edit_footer(_set("datasets.0.layers.1.summary.offset", 0))),
    "image_ref_length_huge": ("an image reference of length 2^32-1 in a table chunk (CRCs valid)", _image_ref_huge),
    "chunks_overlap": (
        "the second activation chunk starts one row early",
        _edit_footer(_set("datasets.0.layers.0.chunks.1.first_row", 1)),
    ),
    "chunks_gap": (
        "the second activation chunk starts one row late",
        _edit_footer(_set("datasets.0.layers.0.chunks.1.first_row", 3)),
    ),
    "chunks_short": (
        "the chunks cover fewer rows than the dataset has images",
        _edit_footer(_set("datasets.0.images", 7)),
    ),
    "images_huge": ("a dataset claiming 2^63 images", _edit_footer(_set("datasets.0.images", 2**63))),
    "label_out_of_range": ("a label equal to the number of classes (CRCs valid)", _table_edit("labels", 3)),
    "prediction_out_of_range": ("a prediction of 2^32-1 (CRCs valid)", _table_edit("predictions", 0xFFFFFFFF)),
    "confidence_above_one": ("a stored confidence of 7.5 (CRCs valid)", _confidence(7.5)),
    "confidence_infinite": ("a stored confidence of -inf (CRCs valid)", _confidence(float("-inf"))),
    "summary_field_short": ("a summary whose min field lacks one unit (CRCs valid)", _summary_short),
    "summary_top_k_zero": (
        "a summary of top_k 0 and 0 histogram bins, its fields sized to match (CRCs valid)",
        _summary_edit(_summary_top_k_zero),
    ),
    "summary_top_index_outside": (
        "a summary whose top list names image 1000 of a 6-image dataset (CRCs valid)",
        _summary_edit(_summary_top_index_outside),
    ),
    "chunk_data_short": ("an activation chunk one byte short of rows x units (CRCs valid)", _chunk_short),
    "wrong_record_kind": ("an activation chunk reference pointing at a table record", _wrong_kind),
    "image_not_png": ("an image record holding bytes that are no image (CRCs valid)", _image_payload(b"<svg/>" * 8)),
    "image_jpeg_as_png": (
        "an image record declared PNG holding a valid JPEG of the right size (CRCs valid)",
        _image_payload(foreign_image("JPEG")),
    ),
    "image_bmp": (
        "an image record declared PNG holding a BMP of the right size (CRCs valid)",
        _image_payload(foreign_image("BMP")),
    ),
    "image_eps": ("an image record declared PNG holding PostScript (CRCs valid)", _image_payload(EPS)),
    "image_bomb": (
        "an image record holding a PNG that claims 100000 x 100000 pixels (CRCs valid)",
        _image_payload(png_claiming(100_000, 100_000)),
    ),
    "unknown_dtype": ("a layer with dtype 99", _edit_footer(_set("datasets.0.layers.0.dtype", 99))),
    "unknown_role": ("a dataset with role 7", _edit_footer(_set("datasets.0.role", 7))),
    "duplicate_dataset": ("two datasets with the same name", _edit_footer(_duplicate_dataset)),
    "classes_mismatch": ("4 class names for a 3-unit classifier", _edit_footer(_classes_mismatch)),
    "classifier_missing": ("a classifier that is not a layer", _edit_footer(_set("model.classifier", "nope"))),
    "footer_not_footer": (
        "the trailer points at the Model record instead of the footer",
        lambda data: _footer_is_model(data),
    ),
}


def _footer_is_model(data: bytes) -> bytes:
    parsed = parse(data)
    offset, length = parsed.first("model")
    model = data[offset + 8 : offset + 8 + length]
    # The model record moved to where the footer belongs, so the trailer's geometry holds.
    return finish(data[: parsed.footer_offset], model)


#: The code of the FormatError each sample must raise, in Python and in the viewer alike.
CODES = {
    "empty": "not-deephys",
    "random_bytes": "not-deephys",
    "truncated_trailer": "truncated",
    "truncated_half": "truncated",
    "header_only": "truncated",
    "wrong_magic": "not-deephys",
    "wrong_end_magic": "truncated",
    "future_major": "unsupported-version",
    "version_mismatch": "unsupported-version",
    "bit_flip_chunk": "checksum",
    "zeroed_footer": "checksum",
    "footer_length_huge": "too-large",
    "footer_offset_huge": "bad-reference",
    "footer_offset_zero": "bad-reference",
    "frame_length_huge": "too-large",
    "ref_outside_file": "bad-reference",
    "ref_length_huge": "bad-reference",
    "ref_into_header": "bad-reference",
    "image_ref_length_huge": "bad-reference",
    "chunks_overlap": "bad-record",
    "chunks_gap": "bad-record",
    "chunks_short": "bad-record",
    "images_huge": "bad-record",
    "label_out_of_range": "bad-value",
    "prediction_out_of_range": "bad-value",
    "summary_field_short": "bad-record",
    "confidence_above_one": "bad-value",
    "confidence_infinite": "bad-value",
    "summary_top_k_zero": "bad-record",
    "summary_top_index_outside": "bad-value",
    "chunk_data_short": "bad-record",
    "wrong_record_kind": "bad-reference",
    "image_not_png": "bad-image",
    "image_bomb": "bad-image",
    "image_jpeg_as_png": "bad-image",
    "image_bmp": "bad-image",
    "image_eps": "bad-image",
    "unknown_dtype": "bad-value",
    "unknown_role": "bad-value",
    "duplicate_dataset": "bad-value",
    "classes_mismatch": "bad-value",
    "classifier_missing": "bad-value",
    "footer_not_footer": "bad-reference",
}


def main(folder: Path = FOLDER) -> None:
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.deephys"):
        old.unlink()
    valid = write_sample(folder / "_valid.tmp").read_bytes()
    (folder / "_valid.tmp").unlink()
    lines = [
        "# Hostile .deephys files",
        "",
        "Each file must make a full read (open, then every table, activation, summary and image) raise",
        "a format error with the code `manifest.json` gives, in Python (`deephys.FormatError.code`) and in",
        "the viewer (`FormatError.code`): no other exception, no hang, no large allocation. The codes are",
        "listed in docs/format.md. Generated from one small valid file by `tests/format/make_malicious.py`",
        "(`make corpus`); `tests/format/test_attacks.py` and `viewer/test/format/hostile-corpus.test.ts` read it.",
        "",
    ]
    manifest = []
    for name, (what, make) in SAMPLES.items():
        (folder / f"{name}.deephys").write_bytes(make(valid))
        lines.append(f"- `{name}.deephys` ({CODES[name]}): {what}")
        manifest.append({"file": f"{name}.deephys", "problem": what, "code": CODES[name]})
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"files": manifest}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(SAMPLES)} files to {folder}", file=sys.stderr)


if __name__ == "__main__":
    main()
