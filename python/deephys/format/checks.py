"""Structural checks of a decoded footer, so later reads can trust its numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn, Protocol

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import FormatError
from . import dtypes
from .limits import FRAME_SIZE, HEADER_SIZE, IMAGE_REF_SIZE, MAX_RECORD
from .maps import MAX_MAP_CELLS
from .readout import READOUT_NAMES, SOURCES
from .summaries import summary_data_bytes

#: Fewest bytes a table row takes: a label and a prediction (a varint byte each) and a float32 confidence.
TABLE_ROW_MIN_BYTES = 6


class Fail(Protocol):
    def __call__(self, problem: str, code: str = "bad-value") -> NoReturn: ...


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
            if data.HasField("maps"):
                name = f"{where}, layer {layer.name!r} maps"
                referenced += _check_maps(fail, name, data.maps, layer.units, dataset.top_k, footer_offset)
    if footer.HasField("readout"):
        referenced += _check_readout(fail, footer.readout, model, footer_offset)
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


def _check_readout(fail: Fail, readout: pb.ReadoutInfo, model: pb.Model, footer_offset: int) -> int:
    """The readout's index: a layer, a dtype, chunks covering every class; return the bytes they take."""
    if readout.layer >= len(model.layers):
        fail(f"the readout's layer {readout.layer} is not a layer of the model")
    if readout.dtype not in READOUT_NAMES:
        fail(f"the readout has dtype {readout.dtype}; a readout is float32 or float64")
    if readout.source not in SOURCES:
        fail(f"the readout's source {readout.source!r} is not one of {SOURCES}")
    units = model.layers[readout.layer].units
    itemsize = 8 if READOUT_NAMES[readout.dtype] == "float64" else 4
    classes, total = 0, 0
    for ref in readout.chunks:
        if ref.first_class != classes or ref.classes == 0:
            fail(f"readout chunks are not contiguous at class {classes}", "bad-record")
        classes += ref.classes
        _check_ref(fail, "readout", ref.record, footer_offset)
        if ref.record.length < ref.classes * (units + 1) * itemsize:
            fail(
                f"a readout chunk of {ref.classes:,} classes holds at least {ref.classes * (units + 1) * itemsize:,} "
                f"bytes, its record {ref.record.length:,}",
                "bad-record",
            )
        total += FRAME_SIZE + ref.record.length
    if classes != len(model.classes):
        fail(f"readout chunks cover {classes} classes; the model has {len(model.classes)}", "bad-record")
    return total


def _check_maps(fail: Fail, where: str, maps: pb.MapsInfo, units: int, top_k: int, footer_offset: int) -> int:
    """A layer's maps index: a grid within the limit, at most top_k maps per unit, chunks covering every unit
    and long enough for their cells; return the bytes they take."""
    if not 1 <= maps.height * maps.width <= MAX_MAP_CELLS or not 1 <= maps.images <= top_k:
        fail(
            f"{where}: {maps.images} maps of {maps.height} x {maps.width} per unit "
            f"(at most {top_k} maps, {MAX_MAP_CELLS} cells)"
        )
    unit, total = 0, 0
    for ref in maps.chunks:
        if ref.first_unit != unit or ref.units == 0:
            fail(f"{where}: chunks are not contiguous at unit {unit}", "bad-record")
        unit += ref.units
        _check_ref(fail, where, ref.record, footer_offset)
        needed = ref.units * maps.images * (maps.height * maps.width + 8)
        if ref.record.length < needed:
            fail(
                f"{where}: a chunk of {ref.units} units holds at least {needed:,} bytes, "
                f"its record {ref.record.length:,}",
                "bad-record",
            )
        total += FRAME_SIZE + ref.record.length
    if unit != units:
        fail(f"{where}: chunks cover {unit} units; the layer has {units}", "bad-record")
    return total


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
