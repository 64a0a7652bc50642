"""`deephys.open`: lazy, random-access reading of .deephys files.

Public API: `open_run(path) -> Run` (`deephys.open`); `Run` (`model`, `classes`, `datasets`, `metadata`,
`size`, `format_version`, `close`, context manager); `Dataset` (per-image `labels`, `predictions`,
`confidences`, `metadata(i)`; images: `has_image(i)`, `image(i)`, `image_bytes(i)`, `encoded_image(i)`;
`activations(layer, start, stop)`, `iter_activations(layer)`, `dtype(layer)`, `summary(layer)`;
streaming: `iter_table()`; sizes: `stored_bytes()`), `TableChunk`, `StoredBytes`. Everything named with a
leading underscore is private.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import FormatError, ImageSizeMismatch, NotFoundError, OutOfRangeError
from ..model import Model
from . import dtypes, images
from .checks import check_footer
from .container import Trailer, parse_header, parse_trailer
from .limits import ABSENT_INDEX, FRAME_SIZE, HEADER_SIZE, IMAGE_REF_SIZE, MAX_FOOTER, MAX_IMAGE_PIXELS, TRAILER_SIZE
from .maps import dequantize
from .readout import READOUT_NAMES, Readout
from .records import IMAGE_REF_DTYPE, EncodedImage, RecordFile, image_refs_array, unpack_image_ref
from .sources import is_url
from .summaries import LayerSummary

__all__ = ["IMAGE_REF_DTYPE", "Dataset", "EncodedImage", "Run", "StoredBytes", "TableChunk", "open_run"]


@dataclass(frozen=True)
class TableChunk:
    """Rows [first_row, first_row + rows) of a dataset's per-image table, as one stored chunk holds them."""

    first_row: int
    labels: np.ndarray  # int64, ground-truth class per row
    predictions: np.ndarray  # int64, predicted class per row
    confidences: np.ndarray  # float32, softmax probability of the prediction per row
    metadata: list[dict[str, str]] | None  # key/value metadata per row; None when the chunk holds none
    image_refs: np.ndarray  # IMAGE_REF_DTYPE per row (empty when the dataset has no images)

    @property
    def rows(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class StoredBytes:
    """Bytes a dataset takes in its file, record frames included, by kind (layers in model order)."""

    table: int
    images: int
    activations: dict[str, int] = field(default_factory=dict)
    summaries: dict[str, int] = field(default_factory=dict)
    maps: dict[str, int] = field(default_factory=dict)  # layers stored with maps only

    @property
    def total(self) -> int:
        parts = (self.activations, self.summaries, self.maps)
        return self.table + self.images + sum(sum(part.values()) for part in parts)


class Run:
    """An opened .deephys file: one model and its datasets. Reads lazily."""

    def __init__(self, path: str | os.PathLike[str]):
        #: The file's path, or its URL (`deephys.open("https://...")` reads by range requests).
        self.path: Path | str = str(path) if is_url(path) else Path(path)
        self._file = RecordFile(self.path)
        try:
            # The header first: foreign bytes are "not a Deephys file", not a truncated one.
            self.format_version = parse_header(self._file.path, self._file.read(0, min(HEADER_SIZE, self._file.size)))
            self._trailer = parse_trailer(
                self._file.path,
                self._file.read(self._file.size - TRAILER_SIZE, TRAILER_SIZE)
                if self._file.size >= TRAILER_SIZE
                else b"",
                self._file.size,
            )
            if self.format_version != (self._trailer.major, self._trailer.minor):
                raise FormatError(
                    self._file.path, 8, "header and trailer disagree on the format version", "unsupported-version"
                )
            record = self._file.record(
                pb.RecordRef(
                    offset=self._trailer.footer_offset,
                    length=self._trailer.footer_length,
                    crc32=self._trailer.footer_crc,
                ),
                "footer",
                MAX_FOOTER,
            )
            self._footer: pb.Footer = record
            check_footer(self._file.path, self._footer, self._trailer.footer_offset)
            self.model = Model.from_proto(self._footer.model)
        except BaseException:
            self._file.close()
            raise
        self.datasets: Mapping[str, Dataset] = {
            info.name: Dataset(self, i, info) for i, info in enumerate(self._footer.datasets)
        }

    @property
    def classes(self) -> tuple[str, ...]:
        return self.model.classes or ()

    @property
    def size(self) -> int:
        return self._file.size

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self._footer.metadata)

    @property
    def trailer(self) -> Trailer:
        return self._trailer

    @cached_property
    def readout(self) -> Readout | None:
        """The classifier's linear readout (`logits = W a + b`), read on first use; None if the file has none."""
        if not self._footer.HasField("readout"):
            return None
        info = self._footer.readout
        layer = self.model.layers[info.layer]
        name = READOUT_NAMES[info.dtype]
        weights = np.empty((len(self.classes), layer.units), name)
        bias = np.empty(len(self.classes), name)
        path = self._file.path
        for ref in info.chunks:
            chunk = self._file.record(ref.record, "readout")
            where, rows = ref.record.offset, slice(ref.first_class, ref.first_class + ref.classes)
            expected = (ref.first_class, ref.classes, layer.units, info.dtype)
            if (chunk.first_class, chunk.classes, chunk.units, chunk.dtype) != expected:
                raise FormatError(path, where, "readout chunk does not match its index entry", "bad-record")
            itemsize = np.dtype(name).itemsize
            if len(chunk.weights) != ref.classes * layer.units * itemsize or len(chunk.bias) != ref.classes * itemsize:
                raise FormatError(path, where, "readout chunk has the wrong number of bytes", "bad-record")
            weights[rows] = np.frombuffer(chunk.weights, f"<{name[0]}{itemsize}").reshape(ref.classes, layer.units)
            bias[rows] = np.frombuffer(chunk.bias, f"<{name[0]}{itemsize}")
        if not (np.isfinite(weights).all() and np.isfinite(bias).all()):
            raise FormatError(
                path, info.chunks[0].record.offset, "the readout holds NaN or infinite values", "bad-value"
            )
        return Readout(layer.name, weights, bias, source=info.source, residual=info.residual)

    @property
    def footer(self) -> pb.Footer:
        """The file's index as stored (protobuf `deephys.v1.Footer`), for tools that copy or check files."""
        return self._footer

    @property
    def file(self) -> RecordFile:
        """The open file, for tools that walk its records (`validate`, `repair`)."""
        return self._file

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        names = ", ".join(f"{d.name!r} ({d.role}, {len(d)} images)" for d in self.datasets.values())
        return f"<deephys.Run {str(self.path)!r} model={self.model.name!r} datasets=[{names}]>"


class Dataset:
    """One dataset of a run: per-image labels, predictions, images, activations and summaries.

    Attributes: `name`, `role` ("id" or "ood"), `description`, `index` (position in the file), `has_images`,
    `top_k` (length of the summaries' top-image lists), `histogram_bins`, `run` (the `Run` it belongs to).
    """

    def __init__(self, run: Run, index: int, info: pb.DatasetInfo):
        self._run = run
        self.index = index
        self._info = info
        self.name: str = info.name
        self.role: str = "id" if info.role == pb.ROLE_ID else "ood"
        self.description: str = info.description
        self.has_images: bool = info.has_images
        self.top_k: int = info.top_k
        self.histogram_bins: int = info.histogram_bins
        self._refs_chunk: tuple[int, bytes] | None = None  # (first row, image refs) of the last chunk streamed

    @property
    def run(self) -> Run:
        """The opened file this dataset belongs to (its model and classes)."""
        return self._run

    @property
    def info(self) -> pb.DatasetInfo:
        """This dataset's entry in the file's index (protobuf `deephys.v1.DatasetInfo`)."""
        return self._info

    def __len__(self) -> int:
        return int(self._info.images)

    @property
    def num_images(self) -> int:
        return len(self)

    def __repr__(self) -> str:
        return f"<deephys.Dataset {self.name!r} role={self.role} images={len(self)}>"

    # ---- per-image table ----------------------------------------------------

    def iter_table(self) -> Iterator[TableChunk]:
        """The per-image table chunk by chunk, in row order (each chunk checked); bounded memory.

        With `encoded_image(i)` for the rows of the chunk last yielded, a dataset is copied without
        holding its whole table (what `deephys merge` and `deephys bundle --slim` do).
        """
        for chunk_ref in self._info.table:
            chunk = self._table_chunk(chunk_ref)
            self._refs_chunk = (chunk.first_row, chunk.image_refs.tobytes())
            yield chunk

    def _table_chunk(self, chunk_ref: pb.ImageTableChunkRef) -> TableChunk:
        classes = len(self._run.classes)
        path = self._run.file.path
        chunk = self._run.file.record(chunk_ref.record, "table")
        rows = chunk_ref.rows
        where = chunk_ref.record.offset
        if chunk.first_row != chunk_ref.first_row or chunk.rows != rows or chunk.dataset != self.index:
            raise FormatError(path, where, "table chunk does not match its index entry", "bad-record")
        if len(chunk.labels) != rows or len(chunk.predictions) != rows or len(chunk.confidences) != 4 * rows:
            raise FormatError(path, where, f"table chunk of {rows} rows has columns of the wrong length", "bad-record")
        if len(chunk.metadata) not in (0, rows):
            raise FormatError(path, where, "table chunk has metadata for some images only", "bad-record")
        if len(chunk.images) != (IMAGE_REF_SIZE * rows if self.has_images else 0):
            raise FormatError(path, where, "table chunk has the wrong number of image references", "bad-record")
        labels = np.array(chunk.labels, np.int64)
        predictions = np.array(chunk.predictions, np.int64)
        if rows and (labels.max() >= classes or predictions.max() >= classes):
            raise FormatError(path, where, f"label or prediction out of range for {classes} classes", "bad-value")
        confidences = np.frombuffer(chunk.confidences, "<f4").astype(np.float32)
        outside = ~((confidences >= 0) & (confidences <= 1)) & ~np.isnan(confidences)
        if outside.any():
            row = int(np.flatnonzero(outside)[0])
            raise FormatError(
                path,
                where,
                f"the confidence of image {chunk.first_row + row} of {self.name!r} is {confidences[row]}, "
                "outside [0, 1]",
                "bad-value",
            )
        return TableChunk(
            first_row=int(chunk.first_row),
            labels=labels,
            predictions=predictions,
            confidences=confidences,
            metadata=[{e.key: e.value for e in m.entries} for m in chunk.metadata] if chunk.metadata else None,
            image_refs=image_refs_array(chunk.images),
        )

    @cached_property
    def _table(self) -> dict[str, Any]:
        chunks = list(self.iter_table())
        meta: list[dict[str, str] | None] = []
        for chunk in chunks:
            meta.extend(chunk.metadata if chunk.metadata is not None else [None] * chunk.rows)
        return {
            "labels": np.concatenate([c.labels for c in chunks]) if chunks else np.zeros(0, np.int64),
            "predictions": np.concatenate([c.predictions for c in chunks]) if chunks else np.zeros(0, np.int64),
            "confidences": np.concatenate([c.confidences for c in chunks]) if chunks else np.zeros(0, np.float32),
            "metadata": meta,
            "images": b"".join(c.image_refs.tobytes() for c in chunks),
        }

    @property
    def labels(self) -> np.ndarray:
        """Ground-truth class index per image (int64)."""
        return self._table["labels"]  # type: ignore[no-any-return]

    @property
    def predictions(self) -> np.ndarray:
        """Predicted class index per image (int64)."""
        return self._table["predictions"]  # type: ignore[no-any-return]

    @property
    def confidences(self) -> np.ndarray:
        """Softmax probability of the predicted class per image (float32)."""
        return self._table["confidences"]  # type: ignore[no-any-return]

    def metadata(self, i: int) -> dict[str, str]:
        """The key/value metadata of image `i` (empty if none)."""
        return dict(self._table["metadata"][self._check_index(i)] or {})

    # ---- images -------------------------------------------------------------

    def has_image(self, i: int) -> bool:
        """Whether image `i` is in the file (a file may leave some out, e.g. `deephys bundle --slim`)."""
        i = self._check_index(i)
        return self.has_images and any(self._image_ref(i))

    def image_record(self, i: int) -> pb.Image:
        """The stored record of image `i` (protobuf `deephys.v1.Image`); prefer `encoded_image(i)`."""
        i = self._check_index(i)
        if not self.has_images:
            raise NotFoundError(f"dataset {self.name!r} was written without images")
        offset, length, crc = self._image_ref(i)
        if offset == length == crc == 0:
            raise NotFoundError(
                f"image {i} of dataset {self.name!r} is not in this file: it was left out "
                "(e.g. by `deephys bundle --slim`)"
            )
        image: pb.Image = self._run.file.record(pb.RecordRef(offset=offset, length=length, crc32=crc), "image")
        if image.index != i or image.dataset != self.index:
            raise FormatError(
                self._run.file.path, offset, f"image record is not image {i} of {self.name!r}", "bad-reference"
            )
        return image

    def _image_ref(self, i: int) -> tuple[int, int, int]:
        """(offset, length, crc32) of image `i`: from the chunk `iter_table` last yielded if it holds `i`
        (streaming), else from the whole table."""
        streamed = self._refs_chunk
        if "_table" not in self.__dict__ and streamed is not None:
            first, refs = streamed
            if 0 <= i - first < len(refs) // IMAGE_REF_SIZE:
                return unpack_image_ref(refs, i - first)
        return unpack_image_ref(self._table["images"], i)

    def image_refs(self) -> np.ndarray:
        """Where each image's record lies (`IMAGE_REF_DTYPE`: offset, length, crc32; all zero: left out).

        Reads the whole table; empty when the dataset has no images."""
        return image_refs_array(self._table["images"])

    def _image_offset(self, i: int) -> int:
        return self._image_ref(i)[0]

    def encoded_image(self, i: int) -> EncodedImage:
        """Image `i` as stored (encoded bytes, size, channels, encoding), to copy it without re-encoding:
        `DatasetWriter.append(images=[...])` takes it as it is. LookupError if the image is not in the file."""
        record = self.image_record(i)
        return EncodedImage(record.data, record.width, record.height, record.channels, record.encoding)

    def image_bytes(self, i: int) -> tuple[bytes, str]:
        """The encoded image `i` and its MIME type."""
        image = self.image_record(i)
        return image.data, images.MIME.get(image.encoding, "application/octet-stream")

    def image(self, i: int) -> np.ndarray:
        """Image `i` as uint8 (H, W, C), C = 1 (greyscale) or 3 (RGB)."""
        record = self.image_record(i)
        where = self._image_offset(self._check_index(i))
        path = self._run.file.path
        if record.width * record.height > MAX_IMAGE_PIXELS:
            raise FormatError(
                path,
                where,
                f"image {i} of {self.name!r} claims {record.width}x{record.height} "
                f"pixels, more than the {MAX_IMAGE_PIXELS:,} a reader decodes",
                "too-large",
            )
        try:
            # The encoded header must say the record's size before any pixel is decoded: a small
            # record cannot unpack into a huge image.
            array = images.decode(record.data, record.encoding, size=(record.width, record.height))
        except ImageSizeMismatch as exc:
            raise FormatError(
                path, where, f"image {i} of {self.name!r} has the wrong size: {exc}", "bad-image"
            ) from None
        except Exception as exc:  # ImageDecodeError, and Pillow raises many kinds
            raise FormatError(path, where, f"image {i} of {self.name!r} does not decode: {exc}", "bad-image") from None
        if array.shape != (record.height, record.width, record.channels):
            raise FormatError(path, where, f"image {i} of {self.name!r} has the wrong size", "bad-image")
        return array

    # ---- activations --------------------------------------------------------

    def dtype(self, layer: str | int) -> str:
        """How `layer`'s activations are stored: "float32", "float16", "bfloat16" or "float64"."""
        data = self._layer(layer)
        return dtypes.from_proto(data.dtype) or "float32"

    def activations(self, layer: str | int, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Activations of `layer` for images [start, stop) as (N, units).

        Stored dtype is kept (bfloat16 is returned as float32).
        """
        n = len(self)
        stop = n if stop is None else stop
        if not 0 <= start <= stop <= n:
            raise OutOfRangeError(f"rows [{start}, {stop}) out of range for dataset {self.name!r} of {n} images")
        data = self._layer(layer)
        units = self._run.model.layers[data.layer].units
        parts = [chunk for chunk in self._chunks(data, start, stop)]
        if not parts:
            return np.zeros(
                (0, units), np.float32 if data.dtype == pb.DTYPE_BFLOAT16 else dtypes.from_proto(data.dtype)
            )
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def rows(self, layer: str | int, indices: Any) -> np.ndarray:
        """Activations of `layer` for the images `indices` (any order, repeats allowed) as (len, units),
        reading only the chunks that hold them."""
        wanted = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(self)
        if wanted.size and (wanted.min() < 0 or wanted.max() >= n):
            raise OutOfRangeError(f"image indices outside [0, {n}) for dataset {self.name!r}")
        data = self._layer(layer)
        units = self._run.model.layers[data.layer].units
        name = dtypes.from_proto(data.dtype)
        out = np.empty((wanted.size, units), "float32" if name in (None, "bfloat16") else name)
        order = np.argsort(wanted, kind="stable")
        ordered = wanted[order]
        for ref in data.chunks:
            lo, hi = np.searchsorted(ordered, [ref.first_row, ref.first_row + ref.rows])
            if lo == hi:
                continue
            block = self._decode_chunk(data, ref)
            out[order[lo:hi]] = block[ordered[lo:hi] - ref.first_row]
        return out

    def top_maps(self, layer: str | int, unit: int) -> np.ndarray | None:
        """Where `unit` fires on its top images: float32 (m, h, w), aligned with the first m entries of
        `summary(layer).top_images(unit)`; None for a layer stored without maps (docs/format.md, "Maps")."""
        data = self._layer(layer)
        if not data.HasField("maps"):
            return None
        units = self._run.model.layers[data.layer].units
        if not 0 <= unit < units:
            raise OutOfRangeError(f"unit {unit} outside the {units} units of layer {layer!r}")
        ref = next(r for r in data.maps.chunks if r.first_unit <= unit < r.first_unit + r.units)
        maps, present = self._map_chunk(data, ref)
        row = unit - ref.first_unit
        present_maps: np.ndarray = maps[row][present[row]]
        return present_maps

    def all_top_maps(self, layer: str | int) -> np.ndarray | None:
        """Every unit's maps (units, images, h, w) as stored (absent top entries: zeros); None without maps."""
        data = self._layer(layer)
        if not data.HasField("maps"):
            return None
        return np.concatenate([self._map_chunk(data, ref)[0] for ref in data.maps.chunks])

    def _map_chunk(self, data: pb.LayerData, ref: pb.MapChunkRef) -> tuple[np.ndarray, np.ndarray]:
        """The maps of a chunk's units (units, images, h, w) and which of them are present (units, images)."""
        info = data.maps
        chunk = self._run.file.record(ref.record, "maps")
        path, where = self._run.file.path, ref.record.offset
        expected = (self.index, data.layer, ref.first_unit, ref.units, info.images, info.height, info.width)
        found = (chunk.dataset, chunk.layer, chunk.first_unit, chunk.units, chunk.images, chunk.height, chunk.width)
        if found != expected:
            raise FormatError(path, where, "map chunk does not match its index entry", "bad-record")
        count = ref.units * info.images
        if (
            len(chunk.values) != count * info.height * info.width
            or len(chunk.offsets) != 4 * count
            or len(chunk.scales) != 4 * count
        ):
            raise FormatError(path, where, "map chunk has the wrong number of bytes", "bad-record")
        offsets = np.frombuffer(chunk.offsets, "<f4")
        scales = np.frombuffer(chunk.scales, "<f4")
        if not (np.isfinite(offsets).all() and np.isfinite(scales).all() and (scales >= 0).all()):
            raise FormatError(path, where, "map chunk holds NaN, infinite or negative scales", "bad-value")
        values = np.frombuffer(chunk.values, np.uint8).reshape(count, info.height, info.width)
        maps = dequantize(values, offsets, scales).reshape(ref.units, info.images, info.height, info.width)
        top = np.frombuffer(self._run.file.record(data.summary, "summary").top_indices, "<u4")
        top = top.reshape(-1, self.top_k)[ref.first_unit : ref.first_unit + ref.units, : info.images]
        return maps, top != ABSENT_INDEX

    def iter_activations(self, layer: str | int) -> Iterator[tuple[int, np.ndarray]]:
        """(first_row, block) over the stored chunks, in order; bounded memory."""
        data = self._layer(layer)
        for ref in data.chunks:
            yield ref.first_row, self._decode_chunk(data, ref)

    def _chunks(self, data: pb.LayerData, start: int, stop: int) -> Iterator[np.ndarray]:
        for ref in data.chunks:
            lo, hi = ref.first_row, ref.first_row + ref.rows
            if hi <= start or lo >= stop:
                continue
            block = self._decode_chunk(data, ref)
            yield block[max(start, lo) - lo : min(stop, hi) - lo]

    def _decode_chunk(self, data: pb.LayerData, ref: pb.ActivationChunkRef) -> np.ndarray:
        chunk = self._run.file.record(ref.record, "activations")
        units = self._run.model.layers[data.layer].units
        name = dtypes.from_proto(data.dtype)
        path, where = self._run.file.path, ref.record.offset
        if (chunk.dataset, chunk.layer, chunk.first_row, chunk.rows, chunk.units, chunk.dtype) != (
            self.index,
            data.layer,
            ref.first_row,
            ref.rows,
            units,
            data.dtype,
        ):
            raise FormatError(path, where, "activation chunk does not match its index entry", "bad-record")
        if name is None or len(chunk.data) != ref.rows * units * dtypes.ITEMSIZE[name]:
            raise FormatError(path, where, "activation chunk has the wrong number of bytes", "bad-record")
        return dtypes.decode(chunk.data, name, (ref.rows, units))

    def _layer(self, layer: str | int) -> pb.LayerData:
        data: pb.LayerData = self._info.layers[self._run.model.layer_index(layer)]
        return data

    # ---- summaries ----------------------------------------------------------

    def summary(self, layer: str | int) -> LayerSummary:
        """The stored summary of `layer` over this dataset (see docs/format.md)."""
        data = self._layer(layer)
        s = self._run.file.record(data.summary, "summary")
        units = self._run.model.layers[data.layer].units
        classes, k, bins = len(self._run.classes), s.top_k, s.histogram_bins
        name = dtypes.from_proto(data.dtype) or "float32"
        path, where = self._run.file.path, data.summary.offset
        sizes = {
            "min": 8 * units,
            "max": 8 * units,
            "mean": 8 * units,
            "nan_count": 4 * units,
            "inf_count": 4 * units,
            "top_indices": 4 * units * k,
            "top_values": dtypes.ITEMSIZE[name] * units * k,
            "class_means": 4 * classes * units,
            "class_counts": 4 * classes,
            "histogram": 4 * units * bins,
        }
        if (s.dataset, s.layer, s.units, s.classes, s.images) != (self.index, data.layer, units, classes, len(self)):
            raise FormatError(path, where, "summary does not match its dataset and layer", "bad-record")
        if (k, bins) != (self.top_k, self.histogram_bins):
            raise FormatError(
                path,
                where,
                f"summary has top_k {k} and {bins} histogram bins; its dataset {self.name!r} says "
                f"{self.top_k} and {self.histogram_bins}",
                "bad-record",
            )
        for key, size in sizes.items():
            if len(getattr(s, key)) != size:
                raise FormatError(
                    path, where, f"summary field {key} has {len(getattr(s, key))} bytes, not {size}", "bad-record"
                )
        top_indices = np.frombuffer(s.top_indices, "<u4").reshape(units, k)
        outside = (top_indices >= len(self)) & (top_indices != ABSENT_INDEX)
        if outside.any():
            unit = int(np.flatnonzero(outside.any(axis=1))[0])
            raise FormatError(
                path,
                where,
                f"summary of layer {data.layer}: the top list of unit {unit} names image "
                f"{int(top_indices[outside][0])}, outside the {len(self)} images of {self.name!r}",
                "bad-value",
            )
        return LayerSummary(
            images=int(s.images),
            min=np.frombuffer(s.min, "<f8").copy(),
            max=np.frombuffer(s.max, "<f8").copy(),
            mean=np.frombuffer(s.mean, "<f8").copy(),
            nan_count=np.frombuffer(s.nan_count, "<u4").copy(),
            inf_count=np.frombuffer(s.inf_count, "<u4").copy(),
            top_indices=top_indices.copy(),
            top_values=dtypes.decode(s.top_values, name, (units, k)).astype(np.float64),
            class_means=np.frombuffer(s.class_means, "<f4").reshape(classes, units).copy(),
            class_counts=np.frombuffer(s.class_counts, "<u4").copy(),
            histogram=np.frombuffer(s.histogram, "<u4").reshape(units, bins).copy(),
        )

    # ---- sizes ----------------------------------------------------------------

    def stored_bytes(self) -> StoredBytes:
        """Bytes this dataset takes in the file, by kind (reads the table's image references)."""
        frame = FRAME_SIZE
        names = self._run.model.layer_names
        info = self._info
        images = 0
        if self.has_images:
            refs = self.image_refs()
            lengths = refs["length"][refs["length"] > 0]
            images = int(lengths.sum()) + frame * len(lengths)
        return StoredBytes(
            table=sum(frame + ref.record.length for ref in info.table),
            images=images,
            activations={
                name: sum(frame + ref.record.length for ref in data.chunks)
                for name, data in zip(names, info.layers, strict=True)
            },
            summaries={name: frame + data.summary.length for name, data in zip(names, info.layers, strict=True)},
            maps={
                name: sum(frame + ref.record.length for ref in data.maps.chunks)
                for name, data in zip(names, info.layers, strict=True)
                if data.HasField("maps")
            },
        )

    def _check_index(self, i: int) -> int:
        n = len(self)
        if not -n <= i < n:
            raise OutOfRangeError(f"image index {i} out of range for dataset {self.name!r} of {n} images")
        return int(i) % n


def open_run(path: str | os.PathLike[str]) -> Run:
    """Open a .deephys file lazily: only the trailer, header and footer are read now."""
    return Run(path)
