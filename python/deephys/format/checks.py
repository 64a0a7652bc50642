"""Structural checks of a decoded footer, so later reads can trust its numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NoReturn, Protocol

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import FormatError
from . import dtypes
from .limits import FRAME_SIZE, HEADER_SIZE, IMAGE_REF_SIZE, MAX_RECORD
from .summaries import summary_data_bytes

#: Fewest bytes a table row takes: a label and a prediction (a varint byte each) and a float32 confidence.
TABLE_ROW_MIN_BYTES = 6

Fail = Callable[[str, str], NoReturn]


class _ChunkRef(Protocol):
    first_row: int
    rows: int
    record: pb.RecordRef


def check_footer(path: str, footer: pb.Footer, footer_offset: int) -> None:
    def fail(problem: str, code: str = "bad-value") -> NoReturn:
        raise FormatError(path, footer_offset, f"footer: {problem}", code)

    model = footer.model
    if not model.layers:
        fail("the model has no layers")
    names = [layer.name for layer in model.layers]
    if len(set(names)) != len(names) or not all(names):
        fail("layer names must be unique and non-empty")
    for layer in model.layers:
        if layer.units == 0:
            fail(f"layer {layer.name!r} has no units")
        if layer.unit_labels and len(layer.unit_labels) != layer.units:
            fail(f"layer {layer.name!r} has {len(layer.unit_labels)} unit labels for {layer.units} units")
    if model.classifier not in names:
        fail(f"classifier {model.classifier!r} is not a layer")
    classifier_units = model.layers[names.index(model.classifier)].units
    if len(model.classes) != classifier_units:
        fail(f"{len(model.classes)} classes but the classifier layer has {classifier_units} units")
    seen: set[str] = set()
    classes = len(model.classes)
    referenced = 0  # bytes the index says its records hold, frames included
    for index, dataset in enumerate(footer.datasets):
        where = f"dataset {dataset.name!r}"
        if not dataset.name or dataset.name in seen:
            fail(f"dataset {index} has an empty or duplicate name")
        seen.add(dataset.name)
        if dataset.role not in (pb.ROLE_ID, pb.ROLE_OOD):
            fail(f"{where} has an unknown role {dataset.role}")
        if dataset.top_k == 0 or dataset.histogram_bins == 0:
            fail(f"{where} has top_k or histogram_bins of 0")
        _check_ranges(fail, f"{where} table", dataset.table, dataset.images, footer_offset)
        row_bytes = TABLE_ROW_MIN_BYTES + (IMAGE_REF_SIZE if dataset.has_images else 0)
        referenced += _check_lengths(fail, f"{where} table", dataset.table, row_bytes)
        if len(dataset.layers) != len(model.layers):
            fail(f"{where} has data for {len(dataset.layers)} layers; the model has {len(model.layers)}")
        for i, data in enumerate(dataset.layers):
            layer = model.layers[i]
            if data.layer != i:
                fail(f"{where}: layers are out of order")
            name = dtypes.from_proto(data.dtype)
            if name is None:
                fail(f"{where}, layer {layer.name!r}: unknown dtype {data.dtype}")
            _check_ranges(fail, f"{where}, layer {layer.name!r}", data.chunks, dataset.images, footer_offset)
            _check_ref(fail, f"{where}, layer {layer.name!r} summary", data.summary, footer_offset)
            itemsize = dtypes.ITEMSIZE[name]
            referenced += _check_lengths(fail, f"{where}, layer {layer.name!r}", data.chunks, layer.units * itemsize)
            needed = summary_data_bytes(layer.units, classes, dataset.top_k, dataset.histogram_bins, itemsize)
            if data.summary.length < needed:
                fail(
                    f"{where}, layer {layer.name!r}: a summary of {layer.units:,} units and {classes:,} classes "
                    f"holds at least {needed:,} bytes, its record {data.summary.length:,}",
                    "bad-record",
                )
            referenced += FRAME_SIZE + data.summary.length
    if referenced > footer_offset - HEADER_SIZE:
        # Records do not overlap: an index that claims more bytes than the data area holds lies about its sizes,
        # and a reader must not allocate for them.
        fail(
            f"the index refers to {referenced:,} bytes of records, more than the {footer_offset - HEADER_SIZE:,} "
            "bytes of the data area",
            "bad-reference",
        )


def _check_ranges(fail: Fail, where: str, refs: Iterable[_ChunkRef], images: int, footer_offset: int) -> None:
    row = 0
    for ref in refs:
        if ref.first_row != row or ref.rows == 0:
            fail(f"{where}: chunks are not contiguous at row {row}", "bad-record")
        row += ref.rows
        _check_ref(fail, where, ref.record, footer_offset)
    if row != images:
        fail(f"{where}: chunks cover {row} rows, the dataset has {images} images", "bad-record")


def _check_lengths(fail: Fail, where: str, refs: Iterable[_ChunkRef], row_bytes: int) -> int:
    """Each chunk's record holds at least `row_bytes` per row; return the bytes the chunks take, frames included."""
    total = 0
    for ref in refs:
        if ref.record.length < ref.rows * row_bytes:
            fail(
                f"{where}: a chunk of {ref.rows:,} rows holds at least {ref.rows * row_bytes:,} bytes, its record "
                f"{ref.record.length:,}",
                "bad-record",
            )
        total += FRAME_SIZE + ref.record.length
    return total


def _check_ref(fail: Fail, where: str, ref: pb.RecordRef, footer_offset: int) -> None:
    if ref.offset < HEADER_SIZE or ref.length > MAX_RECORD or ref.offset + 8 + ref.length > footer_offset:
        fail(f"{where}: record reference at {ref.offset} (length {ref.length}) lies outside the data", "bad-reference")
