"""One dataset being streamed into a file: batches in, bounded records out."""

from __future__ import annotations

import sys
import threading
import warnings
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import UsageError, WrongStateError
from ..model import Model
from . import dtypes, images
from .confidence import prediction_confidence
from .limits import ABSENT_INDEX, MAX_IMAGE_PIXELS, MAX_RECORD, TABLE_CHUNK_ROWS
from .maps import DEFAULT_MAP_IMAGES, DEFAULT_MAP_SIZE, MapKeeper, SparseMaps, quantize, reduce_maps
from .records import ABSENT_IMAGE_REF, EncodedImage, pack_image_ref
from .sink import RecordSink
from .summaries import HistogramBuilder, SummaryBuilder

__all__ = ["DatasetEvents", "DatasetSettings", "DatasetWriter", "EncodedImage"]

_SLICE_BYTES = 256 << 10  # raw pixels per encoding task: enough to amortize the task
_PENDING_BYTES = 8 << 20  # raw pixels waiting to be encoded and written, at most (beyond 2 tasks per thread)


@dataclass(frozen=True)
class DatasetSettings:
    """What the `Writer` decides for each of its datasets."""

    model: Model
    top_k: int
    histogram_bins: int
    chunk_bytes: int
    encode_threads: int
    image_encoding: str
    image_quality: int
    progress: bool
    map_size: int = DEFAULT_MAP_SIZE
    map_images: int = DEFAULT_MAP_IMAGES


@dataclass(frozen=True)
class DatasetEvents:
    """How a dataset tells its writer that it is done (with its index entry), dropped, or failed mid-way
    (the writer then cuts its bytes off and may go on without it)."""

    done: Callable[[pb.DatasetInfo], None]
    discarded: Callable[[], None]
    failed: Callable[[DatasetWriter], None]


class _LayerStream:
    """Buffers one layer's rows into chunks of bounded size and summarises them."""

    def __init__(self, index: int, units: int, dtype: str, rows_per_chunk: int, summary: SummaryBuilder):
        self.index, self.units, self.dtype = index, units, dtype
        self.rows_per_chunk = rows_per_chunk
        self.summary = summary
        self.pending: list[np.ndarray] = []
        self.pending_rows = 0
        self.chunks: list[pb.ActivationChunkRef] = []
        self.rows_written = 0
        self.overflow = 0  # finite values given that became inf in `dtype`
        self.maps: MapKeeper | None = None  # the maps of the units' top images, when the batches give them


@dataclass
class _ImageSlice:
    """Consecutive images being encoded by one task, which returns their encoded bytes."""

    first: int
    shapes: Sequence[tuple[int, ...]]
    encodings: list[int] | None  # None: the writer's encoding
    future: Future[list[bytes]]
    raw_bytes: int = 0


class DatasetWriter:
    """Returned by `Writer.dataset(...)`; call `append` once per batch."""

    def __init__(
        self,
        sink: RecordSink,
        settings: DatasetSettings,
        events: DatasetEvents,
        *,
        index: int,
        name: str,
        role: str,
        description: str,
        dtype_choice: str | Mapping[str, str] | None,
        total: int | None,
    ):
        self._sink = sink
        self._settings = settings
        self._events = events
        self.index = index
        self.name = name
        self.role = role
        self.description = description
        self.start_offset = sink.offset
        self._dtype_choice = dtype_choice
        self._model = settings.model
        self._classes = len(settings.model.classes or ())
        self._classifier = self._model.layer_index(self._model.classifier)
        self._layers: list[_LayerStream] | None = None
        self.rows = 0
        self._has_images: bool | None = None
        self._table: list[tuple[int, int, float, Mapping[str, str] | None]] = []
        self._image_refs: dict[int, bytes] = {}
        self._table_refs: list[pb.ImageTableChunkRef] = []
        self._table_start = 0
        self._pending_images: deque[_ImageSlice] = deque()
        self._pending_bytes = 0
        self._pool: ThreadPoolExecutor | None = None
        self._progress = None
        if settings.progress:
            from tqdm.auto import tqdm

            self._progress = tqdm(total=total, desc=name, unit="img", leave=False)
        self._closed = False
        self._nonfinite_logits = 0  # images whose classifier outputs are not all finite
        self._maps_started = False  # a first batch was seen: layers cannot start giving maps later

    # ---- public -------------------------------------------------------------

    def append(
        self,
        *,
        labels: Any,
        activations: Mapping[str, Any],
        images: Any = None,
        predictions: Any = None,
        metadata: Sequence[Mapping[str, str]] | None = None,
        layout: str = "auto",
        confidences: Any = None,
        maps: Mapping[str, Any] | None = None,
    ) -> None:
        """Add a batch: `labels` (N,), `activations` {layer: (N, units)}, optional images (N, ...).

        `images` may also be a list of `EncodedImage`, copied into the file as they are. `predictions`
        default to the argmax of the classifier layer, `confidences` to the softmax probability of each
        prediction over all classes (give both when predicting among some classes only). `maps` gives, for
        layers recorded with spatial or token pooling, the unpooled maps {layer: (N, units, h, w)} (any size:
        reduced to the writer's map_size), or some of them as `SparseMaps` (those of the images that can enter
        a unit's kept top entries); the maps of each unit's top images are kept (docs/format.md, "Maps").
        """
        if self._closed:
            raise WrongStateError(f"dataset {self.name!r} is closed: start a new one with `writer.dataset(...)`")
        labels = self._check_labels(labels)
        n = labels.shape[0]
        values = self._check_activations(activations, n)
        assert self._layers is not None
        # As stored (e.g. float16), and the same values exactly as float32/float64 for the summaries.
        stored = [dtypes.store(v, layer.dtype) for v, layer in zip(values, self._layers)]
        exact = [dtypes.exact(s, layer.dtype) for s, layer in zip(stored, self._layers)]
        logits = np.asarray(exact[self._classifier], dtype=np.float64)
        if n and not (np.isfinite(logits.min()) and np.isfinite(logits.max())):
            self._nonfinite_logits += int(np.count_nonzero(~np.isfinite(logits).all(axis=1)))
        preds = self._predictions(predictions, logits, n)
        confidence = prediction_confidence(logits, preds) if confidences is None else self._confidences(confidences, n)
        if metadata is not None and len(metadata) != n:
            raise UsageError(f"dataset {self.name!r}: {len(metadata)} metadata entries for {n} images")
        batch_images, converted = self._check_images(images, n, layout)
        batch_maps = self._check_maps(maps, n)
        first = self.rows
        converting: list[threading.Event] = []
        try:
            if batch_images is not None:  # encoding runs in threads while the summaries are computed
                converting = self._submit_images(first, batch_images, converted)
            for layer, value, kept, exact_values in zip(self._layers, values, stored, exact):
                layer.overflow += _overflow(value, exact_values)
                layer.summary.add(exact_values, labels)
                if layer.maps is not None:
                    layer.maps.update(layer.summary.top_indices, first, batch_maps[layer.index])
                layer.pending.append(kept)
                layer.pending_rows += n
                self._flush_layer(layer, final=False, source=value)
                self._drain_images(block=False)  # write what is encoded: it is not kept in memory meanwhile
            self._table.extend(
                zip(labels.tolist(), preds.tolist(), confidence.tolist(), [None] * n if metadata is None else metadata)
            )
            # The caller may change its arrays once we return: wait until every slice is converted (a copy),
            # writing the images encoded meanwhile. Then at most two slices per thread go on encoding.
            while not all(event.is_set() for event in converting):
                self._drain_images(block=True, keep=len(self._pending_images) - 1)
            self._drain_images(block=True, keep=2 * self._settings.encode_threads)
        except BaseException:
            for event in converting:
                event.wait()
            raise
        self.rows += n
        self._flush_table(final=False)
        if self._progress is not None:
            self._progress.update(n)

    def close(self) -> None:
        if self._closed:
            return
        if self._layers is None:
            raise UsageError(f"dataset {self.name!r} has no batches: append at least one (it may be empty)")
        for layer in self._layers:
            self._flush_layer(layer, final=True)
        self._sink.sync_soon()
        # Histograms and summaries first: the threads finish encoding the last images meanwhile.
        infos = [self._finish_layer(layer) for layer in self._layers]
        self._drain_images(block=True)
        self._flush_table(final=True)
        self._shutdown()
        if self._nonfinite_logits:
            warnings.warn(
                f"dataset {self.name!r}: {self._nonfinite_logits} image(s) have NaN or infinite outputs in the "
                f"classifier layer {self._model.classifier!r}; their confidences are stored as NaN (undefined) and "
                "their predictions ignore the NaN outputs",
                RuntimeWarning,
                stacklevel=_caller_level(),
            )
        for layer in self._layers:
            if layer.overflow:
                warnings.warn(
                    f"dataset {self.name!r}, layer {self._model.layers[layer.index].name!r}: {layer.overflow} "
                    f"finite value(s) beyond the {layer.dtype} range (+-{dtypes.RANGE[layer.dtype]:.5g}) were "
                    "stored as inf; use activation_dtype='float32' to keep them",
                    RuntimeWarning,
                    stacklevel=_caller_level(),
                )
        self._events.done(
            pb.DatasetInfo(
                name=self.name,
                role=pb.ROLE_ID if self.role == "id" else pb.ROLE_OOD,
                description=self.description,
                images=self.rows,
                table=self._table_refs,
                layers=infos,
                has_images=bool(self._has_images),
                top_k=self._settings.top_k,
                histogram_bins=self._settings.histogram_bins,
            )
        )

    def discard(self) -> None:
        """Drop this dataset (after an error); its bytes are cut off by the writer."""
        for pending in self._pending_images:
            pending.future.cancel()
        self._pending_images.clear()
        self._pending_bytes = 0
        self._shutdown()
        self._events.discarded()

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc_type is None:
            self.close()
        elif not self._closed:
            # Drop this dataset: the writer may go on without it, or be aborted.
            self._events.failed(self)

    # ---- validation ---------------------------------------------------------

    def _check_labels(self, labels: Any) -> np.ndarray:
        labels = np.asarray(labels)
        if labels.ndim != 1:
            raise UsageError(f"dataset {self.name!r}: labels must be a 1-D array, got shape {labels.shape}")
        if labels.size and not np.issubdtype(labels.dtype, np.integer):
            if not np.all(np.equal(np.mod(labels, 1), 0)):
                raise UsageError(f"dataset {self.name!r}: labels must be integer class indices")
        labels = labels.astype(np.int64)
        bad = np.flatnonzero((labels < 0) | (labels >= self._classes))
        if bad.size:
            raise UsageError(
                f"dataset {self.name!r}: label {labels[bad[0]]} of image {self.rows + bad[0]} is out of range: "
                f"there are {self._classes} classes (0..{self._classes - 1})"
            )
        checked: np.ndarray = labels
        return checked

    def _check_activations(self, activations: Mapping[str, Any], n: int) -> list[np.ndarray]:
        expected = self._model.layer_names
        missing = [name for name in expected if name not in activations]
        extra = [name for name in activations if name not in expected]
        if missing or extra:
            raise UsageError(
                f"dataset {self.name!r}: activations must have exactly the model's layers "
                f"{expected}; missing {missing}, unknown {extra}"
            )
        arrays = []
        for name, layer in zip(expected, self._model.layers):
            value = np.asarray(activations[name])
            if value.ndim != 2 or value.shape != (n, layer.units):
                raise UsageError(
                    f"dataset {self.name!r}, layer {name!r}: expected activations of shape "
                    f"({n}, {layer.units}), got {value.shape}"
                    + (" (pool feature maps to one value per unit first)" if value.ndim > 2 else "")
                )
            arrays.append(value)
        if self._layers is None:
            self._layers = []
            for i, (layer, value) in enumerate(zip(self._model.layers, arrays)):
                dtype = dtypes.choose(self._dtype_choice, layer.name, value)
                row_bytes = layer.units * dtypes.ITEMSIZE[dtype]
                if row_bytes > MAX_RECORD - 1024:
                    raise UsageError(f"layer {layer.name!r}: one row of {row_bytes} bytes is too large")
                rows = max(1, min(self._settings.chunk_bytes // row_bytes, (MAX_RECORD - 1024) // row_bytes))
                summary = SummaryBuilder(
                    layer.units, self._classes, self._settings.top_k, self._settings.histogram_bins
                )
                self._layers.append(_LayerStream(i, layer.units, dtype, rows, summary))
        return arrays

    def _predictions(self, predictions: Any, logits: np.ndarray, n: int) -> np.ndarray:
        if predictions is None:
            return np.argmax(np.where(np.isnan(logits), -np.inf, logits), axis=1) if n else np.zeros(0, np.int64)
        preds = np.asarray(predictions).astype(np.int64)
        if preds.shape != (n,):
            raise UsageError(f"dataset {self.name!r}: predictions must have shape ({n},), got {preds.shape}")
        if preds.size and (preds.min() < 0 or preds.max() >= self._classes):
            raise UsageError(f"dataset {self.name!r}: predictions out of range 0..{self._classes - 1}")
        return preds

    def _confidences(self, confidences: Any, n: int) -> np.ndarray:
        values = np.asarray(confidences, dtype=np.float64)
        if values.shape != (n,):
            raise UsageError(f"dataset {self.name!r}: confidences must have shape ({n},), got {values.shape}")
        outside = np.flatnonzero((values < 0) | (values > 1))  # NaN stays: undefined
        if outside.size:
            raise UsageError(
                f"dataset {self.name!r}: confidence {values[outside[0]]!r} of image {self.rows + int(outside[0])} is "
                "outside [0, 1]; give probabilities (or NaN where undefined)"
            )
        return values

    def _check_images(
        self, batch: Any, n: int, layout: str
    ) -> tuple[np.ndarray | list[np.ndarray] | list[EncodedImage] | None, bool]:
        """The batch's images checked, and whether they are encodable as they are (else they are still
        the caller's arrays, to convert: see `images.checked_batch`)."""
        has = batch is not None
        if self._has_images is None:
            self._has_images = has
        elif has != self._has_images and n:
            raise UsageError(f"dataset {self.name!r}: give images with every batch or with none")
        if not has:
            return None, True
        if isinstance(batch, (list, tuple)) and batch and isinstance(batch[0], EncodedImage):
            if len(batch) != n or not all(isinstance(image, EncodedImage) for image in batch):
                raise UsageError(f"dataset {self.name!r}: {len(batch)} encoded images for {n} labels")
            for i, image in enumerate(batch):
                self._check_pixels(i, image.width, image.height)
            return list(batch), True
        checked = images.checked_batch(batch, layout)  # type: ignore[arg-type]
        if len(checked) != n:
            raise UsageError(f"dataset {self.name!r}: {len(checked)} images for {n} labels")
        for i, image in enumerate(checked[:1] if isinstance(checked, np.ndarray) else checked):
            self._check_pixels(i, image.shape[1], image.shape[0])
        return checked, False

    def _check_pixels(self, i: int, width: int, height: int) -> None:
        if width * height > MAX_IMAGE_PIXELS:
            raise UsageError(
                f"dataset {self.name!r}: image {self.rows + i} has {width}x{height} pixels, more than "
                f"readers accept ({MAX_IMAGE_PIXELS:,}); make a smaller thumbnail"
            )

    # ---- records ------------------------------------------------------------

    def _flush_layer(self, layer: _LayerStream, final: bool, source: np.ndarray | None = None) -> None:
        """Write the full chunks pending (all with `final`); rows left pending are copied if they
        may still be the caller's memory (`source`), which may change once `append` returns."""
        while layer.pending_rows >= layer.rows_per_chunk or (final and layer.pending_rows):
            block = np.concatenate(layer.pending) if len(layer.pending) > 1 else layer.pending[0]
            take = min(layer.rows_per_chunk, block.shape[0])
            chunk, rest = block[:take], block[take:]
            layer.pending = [rest] if rest.shape[0] else []
            layer.pending_rows = rest.shape[0]
            record = pb.Record(
                activations=pb.ActivationChunk(
                    dataset=self.index,
                    layer=layer.index,
                    first_row=layer.rows_written,
                    rows=take,
                    units=layer.units,
                    dtype=dtypes.to_proto(layer.dtype),
                    data=chunk.tobytes(),
                )
            )
            ref = self._sink.write_record(record)
            layer.chunks.append(pb.ActivationChunkRef(first_row=layer.rows_written, rows=take, record=ref))
            layer.rows_written += take
        if source is not None and layer.pending and np.may_share_memory(layer.pending[-1], source):
            layer.pending[-1] = layer.pending[-1].copy()

    def _finish_layer(self, layer: _LayerStream) -> pb.LayerData:
        partial = layer.summary.partial()
        histogram = HistogramBuilder(
            np.nan_to_num(partial.min), np.nan_to_num(partial.max), self._settings.histogram_bins
        )
        # Second, bounded-memory pass over the chunks just written: bin ranges
        # are only known once every value has been seen.
        for ref in layer.chunks:
            payload = self._sink.read_at(ref.record.offset + 8, ref.record.length)
            chunk = pb.Record.FromString(payload).activations
            stored = dtypes.decode(chunk.data, layer.dtype, (chunk.rows, chunk.units))
            histogram.add(dtypes.exact(stored, "float16") if layer.dtype == "float16" else stored)
        stored_top = dtypes.encode(partial.top_values, layer.dtype)
        summary = pb.LayerSummary(
            dataset=self.index,
            layer=layer.index,
            units=layer.units,
            classes=self._classes,
            images=self.rows,
            min=partial.min.astype("<f8").tobytes(),
            max=partial.max.astype("<f8").tobytes(),
            mean=partial.mean.astype("<f8").tobytes(),
            nan_count=partial.nan_count.astype("<u4").tobytes(),
            inf_count=partial.inf_count.astype("<u4").tobytes(),
            top_k=self._settings.top_k,
            top_indices=partial.top_indices.astype("<u4").tobytes(),
            top_values=stored_top,
            class_means=partial.class_means.astype("<f4").tobytes(),
            class_counts=partial.class_counts.astype("<u4").tobytes(),
            histogram_bins=self._settings.histogram_bins,
            histogram=histogram.result().astype("<u4").tobytes(),
        )
        ref = self._sink.write_record(pb.Record(summary=summary))
        data = pb.LayerData(layer=layer.index, dtype=dtypes.to_proto(layer.dtype), chunks=layer.chunks, summary=ref)
        if layer.maps is not None:
            data.maps.CopyFrom(self._write_maps(layer.index, layer.maps))
        return data

    def _write_maps(self, layer: int, keeper: MapKeeper) -> pb.MapsInfo:
        units = keeper.indices.shape[0]
        per_unit = keeper.images * (keeper.height * keeper.width + 8)
        step = max(1, min(self._settings.chunk_bytes // per_unit, (MAX_RECORD - 1024) // per_unit))
        info = pb.MapsInfo(images=keeper.images, height=keeper.height, width=keeper.width)
        absent = keeper.indices == ABSENT_INDEX
        for start in range(0, units, step):
            stop = min(units, start + step)
            maps = keeper.maps[start:stop].reshape(-1, keeper.height, keeper.width)
            values, offsets, scales = quantize(maps)
            gone = absent[start:stop].reshape(-1)
            values[gone], offsets[gone], scales[gone] = 0, 0.0, 0.0
            chunk = pb.MapChunk(
                dataset=self.index,
                layer=layer,
                first_unit=start,
                units=stop - start,
                images=keeper.images,
                height=keeper.height,
                width=keeper.width,
                values=values.tobytes(),
                offsets=offsets.astype("<f4").tobytes(),
                scales=scales.astype("<f4").tobytes(),
            )
            ref = self._sink.write_record(pb.Record(maps=chunk))
            info.chunks.append(pb.MapChunkRef(first_unit=start, units=stop - start, record=ref))
        return info

    def _check_maps(self, maps: Mapping[str, Any] | None, n: int) -> dict[int, np.ndarray | SparseMaps]:
        """The batch's maps by layer index, reduced; the first batch decides which layers have maps."""
        assert self._layers is not None
        given = dict(maps or {})
        unknown = [name for name in given if name not in self._model.layer_names]
        if unknown:
            raise UsageError(f"dataset {self.name!r}: maps of {unknown}, which are not layers of the model")
        first = self.rows == 0 and all(layer.maps is None for layer in self._layers) and not self._maps_started
        out: dict[int, np.ndarray | SparseMaps] = {}
        for layer in self._layers:
            name = self._model.layers[layer.index].name
            value = given.get(name)
            if value is None:
                if layer.maps is not None:
                    raise UsageError(
                        f"dataset {self.name!r}: layer {name!r} had maps in the first batch: give them in every batch"
                    )
                continue
            if isinstance(value, SparseMaps):
                value.check(n, layer.units, f"dataset {self.name!r}, layer {name!r}")
                values = reduce_maps(np.asarray(value.values), self._settings.map_size)
                reduced: np.ndarray | SparseMaps = SparseMaps(value.shape, value.rows, value.units, values)
                grid = values.shape[1:]
            else:
                array = np.asarray(value)
                if array.ndim != 4 or array.shape[:2] != (n, layer.units):
                    raise UsageError(
                        f"dataset {self.name!r}, layer {name!r}: maps must be (images, units, height, width) = "
                        f"({n}, {layer.units}, h, w); got {array.shape}"
                    )
                reduced = reduce_maps(array, self._settings.map_size)
                grid = reduced.shape[2:]
            if layer.maps is None:
                if not first:
                    raise UsageError(f"dataset {self.name!r}: layer {name!r} has maps, but not in the first batch")
                images = min(self._settings.map_images, self._settings.top_k)
                layer.maps = MapKeeper(layer.units, images, *grid)
            out[layer.index] = reduced
        self._maps_started = True
        return out

    def _submit_images(
        self, first: int, batch: np.ndarray | list[np.ndarray] | list[EncodedImage], converted: bool
    ) -> list[threading.Event]:
        """Start encoding a batch, in slices, in the threads. An array batch not `converted` yet is converted
        to uint8 there too: the events returned are set once each slice no longer reads the caller's array."""
        if isinstance(batch, list) and batch and isinstance(batch[0], EncodedImage):
            self._submit_encoded(first, [image for image in batch if isinstance(image, EncodedImage)])
            return []
        return self._submit_pixels(first, batch, converted)  # type: ignore[arg-type]  # arrays, not EncodedImage

    def _submit_encoded(self, first: int, batch: list[EncodedImage]) -> None:
        """Queue images encoded already: they are written as they are."""
        done: Future[list[bytes]] = Future()
        done.set_result([image.data for image in batch])
        shapes = [(image.height, image.width, image.channels) for image in batch]
        self._pending_images.append(_ImageSlice(first, shapes, [image.encoding for image in batch], done))

    def _submit_pixels(
        self, first: int, batch: np.ndarray | list[np.ndarray], converted: bool
    ) -> list[threading.Event]:
        threads = self._settings.encode_threads
        if self._pool is None:
            self._pool = ThreadPoolExecutor(threads, thread_name_prefix="deephys-encode")
        encoding, quality = self._settings.image_encoding, self._settings.image_quality
        n = len(batch)
        image_bytes = max(1, sum(int(image.size) for image in batch[:8]) // max(1, min(n, 8)))
        step = max(1, min(-(-n // threads), _SLICE_BYTES // image_bytes))
        converting: list[threading.Event] = []
        for start in range(0, n, step):
            part = batch[start : start + step]
            shapes = [part.shape[1:]] * len(part) if isinstance(part, np.ndarray) else [p.shape for p in part]
            if not converted:
                converting.append(threading.Event())
                # In a list that the task empties: the caller's arrays are not kept alive once converted.
                future = self._pool.submit(_convert_and_encode, [part], encoding, quality, converting[-1])
            else:
                future = self._pool.submit(images.encode_many, part, encoding, quality)
            self._pending_images.append(_ImageSlice(first + start, shapes, None, future, len(part) * image_bytes))
            self._pending_bytes += len(part) * image_bytes
            self._drain_images(block=False)
            while self._pending_bytes > _PENDING_BYTES and len(self._pending_images) > 2 * threads:
                self._drain_images(block=True, keep=len(self._pending_images) - 1)  # bounded memory: the oldest
        return converting

    def _drain_images(self, block: bool, keep: int = 0) -> None:
        """Write the images encoded so far, in order; with `block`, wait until at most `keep` slices are left."""
        default_encoding = images.ENCODINGS.get(self._settings.image_encoding, pb.IMAGE_ENCODING_UNSPECIFIED)
        while self._pending_images and (
            block and len(self._pending_images) > keep or self._pending_images[0].future.done()
        ):
            pending = self._pending_images.popleft()
            self._pending_bytes -= pending.raw_bytes
            payloads: list[bytes] = []
            indices: list[int] = []
            # One message, its fields set as they change (a new message per image costs three times as much).
            record = pb.Record(image=pb.Image(dataset=self.index, encoding=default_encoding))
            image, last_shape = record.image, None
            for j, data in enumerate(pending.future.result()):
                if not data:  # EncodedImage.absent(): left out, an all-zero reference
                    self._image_refs[pending.first + j] = ABSENT_IMAGE_REF
                    continue
                indices.append(pending.first + j)
                shape = pending.shapes[j]
                if shape != last_shape:
                    image.height, image.width = shape[0], shape[1]
                    image.channels = shape[2] if len(shape) == 3 else 1
                    last_shape = shape
                if pending.encodings is not None:
                    image.encoding = pending.encodings[j]  # type: ignore[assignment]  # an enum value from a file
                image.index = pending.first + j
                image.data = data
                payloads.append(record.SerializeToString())
            for index, ref in zip(indices, self._sink.write_payloads(payloads), strict=True):
                self._image_refs[index] = pack_image_ref(*ref)

    def _flush_table(self, final: bool) -> None:
        while len(self._table) >= TABLE_CHUNK_ROWS or (final and self._table):
            rows = min(TABLE_CHUNK_ROWS, len(self._table))
            first = self._table_start
            if self._has_images and any(first + i not in self._image_refs for i in range(rows)):
                return  # images of these rows are still being encoded
            entries, self._table = self._table[:rows], self._table[rows:]
            refs = b"".join(self._image_refs.pop(first + i, ABSENT_IMAGE_REF) for i in range(rows))
            has_metadata = any(e[3] for e in entries)
            chunk = pb.ImageTableChunk(
                dataset=self.index,
                first_row=first,
                rows=rows,
                labels=[e[0] for e in entries],
                predictions=[e[1] for e in entries],
                confidences=np.array([e[2] for e in entries], "<f4").tobytes(),
                metadata=[
                    pb.ImageMetadata(entries=[pb.KeyValue(key=str(k), value=str(v)) for k, v in (e[3] or {}).items()])
                    for e in entries
                ]
                if has_metadata
                else [],
                images=refs if self._has_images else b"",
            )
            ref = self._sink.write_record(pb.Record(table=chunk))
            self._table_refs.append(pb.ImageTableChunkRef(first_row=first, rows=rows, record=ref))
            self._table_start += rows

    def _shutdown(self) -> None:
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._progress is not None:
            self._progress.close()


def _caller_level() -> int:
    """`stacklevel` for a warning raised here that points at the first caller outside deephys."""
    package = str(Path(__file__).resolve().parents[1])
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _convert_and_encode(
    holder: list[np.ndarray | list[np.ndarray]], encoding: str, quality: int, converted: threading.Event
) -> list[bytes]:
    """Encoding task of a slice of a checked batch (see `images.checked_batch`), given in `holder`."""
    try:
        pixels = images.convert(holder.pop())  # a copy of the caller's memory
    finally:
        converted.set()
    return images.encode_many(pixels, encoding, quality)


def _overflow(given: np.ndarray, exact: np.ndarray) -> int:
    """How many finite values of `given` became inf once stored (`exact`: the stored values)."""
    if exact.size == 0 or (np.isfinite(exact.min()) and np.isfinite(exact.max())):
        return 0
    with np.errstate(over="ignore", invalid="ignore"):
        return int(np.count_nonzero(np.isinf(exact) & np.isfinite(given)))
