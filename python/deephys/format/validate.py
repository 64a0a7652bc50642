"""Full validation of a .deephys file: every byte, every record, every summary."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from google.protobuf.message import DecodeError

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import FormatError
from .container import crc32, parse_frame, unpack_trailer
from .limits import FRAME_SIZE, HEADER_SIZE, MAX_FOOTER, MAX_RECORD, TRAILER_SIZE
from .reader import Dataset, Run
from .summaries import HistogramBuilder, LayerSummary, SummaryBuilder

_EXACT = ("nan_count", "inf_count", "top_indices", "top_values", "class_counts", "histogram", "min", "max")


@dataclass
class ValidationReport:
    """What `validate` found: `ok`, the `problems` (each naming the file and the byte offset), and how much
    was checked."""

    path: str
    problems: list[str] = field(default_factory=list)
    records: int = 0
    bytes_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(
    path: str | os.PathLike[str], progress: Callable[[int], None] | None = None, summaries: bool = True
) -> ValidationReport:
    """Check the file completely; problems are returned, not raised.

    `progress(n)` is called with the number of bytes checked since the last call.
    """
    report = ValidationReport(os.fspath(path))
    try:
        run = Run(path)
    except FormatError as exc:
        report.problems.append(str(exc))
        return report
    except OSError as exc:
        report.problems.append(f"{path}: {exc.strerror or exc}")
        return report
    with run:
        try:
            _scan_records(run, report, progress)
            run.readout  # noqa: B018 - reads and checks every readout chunk
            for dataset in run.datasets.values():
                _check_dataset(run, dataset, report, summaries)
        except FormatError as exc:
            report.problems.append(str(exc))
    return report


def _scan_records(run: Run, report: ValidationReport, progress: Callable[[int], None] | None) -> None:
    """Walk every frame between the header and the footer: each byte must belong to a
    record with a correct CRC, and each record must be the one the footer expects. The
    footers that in-place appends left behind are accepted exactly where the footer lists them."""
    path, end = str(run.path), run.trailer.footer_offset
    expected = _referenced_offsets(run)
    earlier_footers = set(run.footer.earlier_footers)
    offset, first = HEADER_SIZE, True
    while offset < end:
        if offset + FRAME_SIZE > end:
            raise FormatError(path, offset, f"{end - offset} stray bytes before the footer", "bad-record")
        limit = MAX_FOOTER if offset in earlier_footers else MAX_RECORD
        length, crc = parse_frame(path, offset, run.file.read(offset, FRAME_SIZE), limit)
        if offset + FRAME_SIZE + length > end:
            raise FormatError(path, offset, "record runs into the footer", "bad-record")
        payload = run.file.read(offset + FRAME_SIZE, length)
        if crc32(payload) != crc:
            raise FormatError(path, offset, "record CRC mismatch: the file is damaged", "checksum")
        try:
            record = pb.Record.FromString(payload)
        except DecodeError as exc:
            raise FormatError(path, offset, f"record does not decode: {exc}", "bad-record") from None
        kind = record.WhichOneof("body")
        step = FRAME_SIZE + length
        if offset in earlier_footers:
            earlier_footers.remove(offset)
            step += _check_earlier_footer(run, offset, kind, length, crc)
        elif first:
            if kind != "model":
                raise FormatError(path, offset, "the first record is not the model", "bad-record")
            if record.model != run.footer.model:
                raise FormatError(path, offset, "the model record differs from the footer's model", "bad-record")
        elif kind == "footer":
            raise FormatError(
                path,
                offset,
                "footer record inside the data area that the footer does not list among its earlier footers",
                "bad-record",
            )
        elif kind is not None and expected.pop(offset, None) != kind:
            raise FormatError(path, offset, f"{kind or 'unknown'} record is not referenced by the footer", "bad-record")
        first = False
        report.records += 1
        report.bytes_checked += step
        if progress:
            progress(step)
        offset += step
    if expected:
        where = min(expected)
        raise FormatError(
            path, where, f"{len(expected)} referenced records are missing, the first at {where}", "bad-reference"
        )
    if earlier_footers:
        where = min(earlier_footers)
        raise FormatError(
            path, where, f"the footer lists an earlier footer at {where}, where no record starts", "bad-reference"
        )


def _check_earlier_footer(run: Run, offset: int, kind: str | None, length: int, crc: int) -> int:
    """Check the footer an in-place append left at `offset` and the trailer after it; return the trailer's size."""
    path = str(run.path)
    if kind != "footer":
        raise FormatError(
            path,
            offset,
            f"the footer lists an earlier footer here, but this is a {kind or 'unknown'} record",
            "bad-reference",
        )
    at = offset + FRAME_SIZE + length
    if at + TRAILER_SIZE > run.trailer.footer_offset:
        raise FormatError(path, at, "the earlier footer is not followed by its trailer", "bad-record")
    trailer = unpack_trailer(run.file.read(at, TRAILER_SIZE))
    if trailer is None:
        raise FormatError(path, at, "the trailer of the earlier footer is damaged (end magic or CRC)", "checksum")
    if (trailer.footer_offset, trailer.footer_length, trailer.footer_crc) != (offset, length, crc):
        raise FormatError(path, at, "the trailer of the earlier footer does not point at it", "bad-reference")
    if trailer.major != run.format_version[0]:
        raise FormatError(
            path,
            at,
            f"the trailer of the earlier footer says format version {trailer.major}."
            f"{trailer.minor}, the header {run.format_version[0]}.{run.format_version[1]}",
            "unsupported-version",
        )
    return TRAILER_SIZE


def _referenced_offsets(run: Run) -> dict[int, str]:
    offsets: dict[int, str] = {ref.record.offset: "readout" for ref in run.footer.readout.chunks}
    for dataset in run.datasets.values():
        info = dataset.info
        offsets.update({ref.record.offset: "table" for ref in info.table})
        for data in info.layers:
            offsets.update({ref.record.offset: "activations" for ref in data.chunks})
            offsets[data.summary.offset] = "summary"
            offsets.update({ref.record.offset: "maps" for ref in data.maps.chunks})
        if dataset.has_images:
            offsets.update({int(o): "image" for o in dataset.image_refs()["offset"] if o})
    return offsets


def _check_dataset(run: Run, dataset: Dataset, report: ValidationReport, summaries: bool) -> None:
    path = str(run.path)
    if dataset.has_images:
        for i in range(len(dataset)):
            if dataset.has_image(i):  # an all-zero reference: the image was left out
                dataset.image(i)
    classes = len(run.classes)
    for index, layer in enumerate(run.model.layers):
        stored = dataset.summary(index)
        dataset.all_top_maps(index)  # reads and checks every map chunk
        if not summaries:
            for _ in dataset.iter_activations(index):
                pass
            continue
        recomputed = _recompute(dataset, index, classes, stored.top_k, stored.histogram.shape[1])
        for name in _mismatches(stored, recomputed):
            report.problems.append(
                f"{path}: at byte {dataset.info.layers[index].summary.offset}: summary of dataset "
                f"{dataset.name!r}, layer {layer.name!r}: {name} does not match the data"
            )


def _recompute(dataset: Dataset, layer: int, classes: int, top_k: int, bins: int) -> LayerSummary:
    labels = dataset.labels
    units = dataset.run.model.layers[layer].units
    builder = SummaryBuilder(units, classes, top_k, bins)
    for first, block in dataset.iter_activations(layer):
        builder.add(block.astype(np.float64), labels[first : first + block.shape[0]])
    summary = builder.partial()
    histogram = HistogramBuilder(np.nan_to_num(summary.min), np.nan_to_num(summary.max), bins)
    for _, block in dataset.iter_activations(layer):
        histogram.add(block.astype(np.float64))
    summary.histogram = histogram.result()
    return summary


def _mismatches(stored: LayerSummary, recomputed: LayerSummary) -> list[str]:
    bad = []
    for name in _EXACT:
        a, b = getattr(stored, name), getattr(recomputed, name)
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
            bad.append(name)
    for name in ("mean", "class_means"):
        a, b = getattr(stored, name), getattr(recomputed, name)
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-6, atol=1e-30, equal_nan=True):
            bad.append(name)
    if stored.images != recomputed.images:
        bad.append("images")
    return bad
