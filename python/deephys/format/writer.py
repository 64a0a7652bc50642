"""`deephys.Writer`: streams datasets into a .deephys file with bounded memory."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import shutil
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .._generated.deephys.v1 import deephys_pb2 as pb
from .._version import __version__
from ..errors import UsageError, WrongStateError, WrongTypeError
from ..model import Model
from .atomic import AtomicFile
from .container import Trailer, pack_header, pack_trailer
from .dataset_writer import DatasetEvents, DatasetSettings, DatasetWriter
from .limits import (
    DEFAULT_CHUNK_BYTES,
    DEFAULT_HISTOGRAM_BINS,
    DEFAULT_TOP_K,
    FORMAT_MAJOR,
    FORMAT_MINOR,
    FRAME_SIZE,
    MAX_RECORD,
    TRAILER_SIZE,
)
from .maps import DEFAULT_MAP_IMAGES, DEFAULT_MAP_SIZE, MAX_MAP_CELLS
from .reader import open_run
from .readout import READOUT_DTYPES, Readout, readout_chunks
from .sink import RecordSink
from .summaries import summary_record_bytes

Role = Literal["id", "ood"]


class Writer:
    """Write one model and its datasets to a `.deephys` file.

    >>> with deephys.Writer("run.deephys", model=model, classes=names) as w:
    ...     w.add_dataset("CIFAR-10", images=x, labels=y, activations={"fc": a})           # role "id"
    ...     with w.dataset("CIFAR-10.2") as d:                                             # role "ood"
    ...         for x, y, a in batches:
    ...             d.append(images=x, labels=y, activations=a)

    The file appears at `path` only when the writer closes successfully; until
    then data goes to a temporary file beside it, so an interrupted export leaves
    the previous file (or nothing) at `path`. `mode="a"` adds datasets to an
    existing file (on a copy, or in place with `in_place=True`: no copy, but a
    killed process leaves a file that `deephys.repair` cuts back to the previous one).

    Roles follow the exporters' rule unless `role=` says otherwise: the file's first dataset is the
    in-distribution one ("id"), every later one "ood". Closing a file of several datasets none of which
    is "ood" warns: the viewer has no shift to analyse.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        model: Model | None = None,
        classes: Sequence[str] | None = None,
        *,
        mode: Literal["w", "a"] = "w",
        in_place: bool = False,
        activation_dtype: str | Mapping[str, str] | None = None,
        image_encoding: Literal["png", "jpeg", "webp"] = "png",
        image_quality: int = 90,
        top_k: int = DEFAULT_TOP_K,
        histogram_bins: int = DEFAULT_HISTOGRAM_BINS,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        encode_threads: int | None = None,
        metadata: Mapping[str, str] | None = None,
        progress: bool = False,
        readout: Readout | None = None,
        map_size: int = DEFAULT_MAP_SIZE,
        map_images: int = DEFAULT_MAP_IMAGES,
    ):
        if mode not in ("w", "a"):
            raise UsageError(
                f"{path}: mode must be 'w' or 'a', not {mode!r} ('w' writes a new file, 'a' adds datasets)"
            )
        if top_k < 1 or histogram_bins < 1 or chunk_bytes < 1:
            raise UsageError(
                f"{path}: top_k, histogram_bins and chunk_bytes must be positive "
                f"(given {top_k}, {histogram_bins}, {chunk_bytes})"
            )
        self.path = Path(path)
        self.image_encoding = image_encoding
        self.image_quality = image_quality
        self.top_k = top_k
        self.histogram_bins = histogram_bins
        self.chunk_bytes = chunk_bytes
        self.encode_threads = encode_threads or min(4, os.cpu_count() or 1)
        self.progress = progress
        if map_size < 1 or map_images < 1 or map_size * map_size > MAX_MAP_CELLS:
            raise UsageError(
                f"{path}: map_size must be 1..{int(MAX_MAP_CELLS**0.5)} and map_images positive "
                f"(given {map_size}, {map_images})"
            )
        self.map_size, self.map_images = map_size, map_images
        self._activation_dtype = activation_dtype
        self._datasets: list[pb.DatasetInfo] = []
        self._open_dataset: DatasetWriter | None = None
        self._closed = False
        self._in_place = False
        self._original_size: int | None = None  # in place: the size to truncate back to on failure
        self._earlier_footers: list[int] = []
        self._sink: RecordSink | None = None
        self._atomic: AtomicFile | None = None  # the new file, until it is moved into place (not in place)
        self._readout: pb.ReadoutInfo | None = None
        self._metadata = {"created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")}
        self._metadata.update(metadata or {})

        try:
            if mode == "a":
                self._open_for_append(model, classes, in_place)
            else:
                if model is None:
                    raise WrongTypeError(f"{path}: Writer(path, model=...) needs a model when creating a file")
                self.model = model.with_classes(classes)
                self._check_summary_sizes(itemsize=2)
                self._producer_defaults()
                self._atomic = AtomicFile(self.path)
                self._sink = RecordSink(self._atomic.file)
                self._sink.write(pack_header())
                self._sink.write_record(pb.Record(model=self.model.to_proto()))
            if readout is not None:
                self._write_readout(readout)
        except BaseException:
            if self._sink is not None:  # no temporary file may outlive a failed start
                self.abort()
            raise

    # ---- public API ---------------------------------------------------------

    @property
    def classes(self) -> tuple[str, ...]:
        assert self.model.classes is not None
        return self.model.classes

    @property
    def dataset_names(self) -> list[str]:
        return [d.name for d in self._datasets]

    def dataset(
        self,
        name: str,
        role: Role | str | None = None,
        description: str = "",
        activation_dtype: str | Mapping[str, str] | None = None,
        total: int | None = None,
    ) -> DatasetWriter:
        """Start a dataset to fill batch by batch with `append`; use it as a context manager.

        `role`: "id" or "ood"; None (default) makes the file's first dataset "id" and the others "ood".
        """
        sink = self._writable()
        if role is None:
            role = "ood" if self._datasets else "id"
        if self._open_dataset is not None:
            raise WrongStateError(f"{self.path}: dataset {self._open_dataset.name!r} is still open; close it first")
        if not isinstance(name, str) or not name:
            raise UsageError(f"{self.path}: a dataset name must be a non-empty string, not {name!r}")
        if name in self.dataset_names:
            raise UsageError(f"{self.path}: this file already has a dataset named {name!r}; choose another name")
        if role not in ("id", "ood"):
            raise UsageError(f"{self.path}: dataset {name!r}: role must be 'id' or 'ood', not {role!r}")
        self._open_dataset = DatasetWriter(
            sink,
            DatasetSettings(
                model=self.model,
                top_k=self.top_k,
                histogram_bins=self.histogram_bins,
                chunk_bytes=self.chunk_bytes,
                encode_threads=self.encode_threads,
                image_encoding=self.image_encoding,
                image_quality=self.image_quality,
                progress=self.progress,
                map_size=self.map_size,
                map_images=self.map_images,
            ),
            DatasetEvents(done=self._dataset_done, discarded=self._dataset_discarded, failed=self._drop_dataset),
            index=len(self._datasets),
            name=name,
            role=role,
            description=description,
            dtype_choice=activation_dtype if activation_dtype is not None else self._activation_dtype,
            total=total,
        )
        return self._open_dataset

    def add_dataset(
        self,
        name: str,
        *,
        labels: Any,
        activations: Mapping[str, Any],
        images: Any = None,
        role: Role | str | None = None,
        predictions: Any = None,
        metadata: Sequence[Mapping[str, str]] | None = None,
        description: str = "",
        layout: Literal["auto", "NHWC", "NCHW"] = "auto",
        activation_dtype: str | Mapping[str, str] | None = None,
        batch_size: int = 1024,
        maps: Mapping[str, Any] | None = None,
    ) -> None:
        """Write a whole dataset held in memory (it is streamed in batches). `maps`: see `DatasetWriter.append`."""
        labels = np.asarray(labels)
        n = labels.shape[0] if labels.ndim else 0
        _check_rows(
            self.path,
            name,
            n,
            {
                **{f"activations[{layer!r}]": value for layer, value in activations.items()},
                **{f"maps[{layer!r}]": value for layer, value in (maps or {}).items()},
                "images": images,
                "predictions": predictions,
                "metadata": metadata,
            },
        )
        with self.dataset(name, role, description, activation_dtype, total=n) as d:
            if n == 0:
                d.append(
                    labels=labels,
                    activations=activations,
                    images=images,
                    predictions=predictions,
                    metadata=metadata,
                    layout=layout,
                    maps=maps,
                )
            for start in range(0, n, batch_size):
                stop = min(n, start + batch_size)
                d.append(
                    labels=labels[start:stop],
                    activations={k: v[start:stop] for k, v in activations.items()},
                    images=None if images is None else images[start:stop],
                    predictions=None if predictions is None else np.asarray(predictions)[start:stop],
                    metadata=None if metadata is None else metadata[start:stop],
                    layout=layout,
                    maps=None if maps is None else {k: v[start:stop] for k, v in maps.items()},
                )

    def close(self) -> None:
        """Finish the file and move it into place."""
        if self._closed:
            return
        try:
            if self._open_dataset is not None:
                self._open_dataset.close()
            self._finish()
        except BaseException:
            self.abort()  # a failure while finishing (a full disk) leaves the previous file too
            raise
        if len(self._datasets) > 1 and all(info.role == pb.ROLE_ID for info in self._datasets):
            warnings.warn(
                f"{self.path}: all {len(self._datasets)} datasets are in-distribution (role 'id'), so the viewer "
                "has no shift to analyse; give the shifted datasets role='ood' (the default for every dataset "
                "after the first)",
                UserWarning,
                stacklevel=2,
            )

    def abort(self, keep_finished: bool = False) -> None:
        """Stop writing after a failure.

        With `keep_finished=False` nothing changes at `path` (the previous file,
        or nothing, stays). With `keep_finished=True` the datasets that were
        completed are written out as a valid file and the one in progress is dropped.
        """
        if self._closed:
            return
        dataset = self._open_dataset
        self._open_dataset = None
        if dataset is not None:
            dataset.discard()
        if keep_finished and self._datasets:
            if dataset is not None:
                self._truncate(dataset.start_offset)
            self._finish()
            return
        self._closed = True
        assert self._sink is not None
        self._sink.join_sync()
        try:
            if self._in_place:
                self._rollback_in_place()
        finally:
            if self._atomic is not None:
                self._atomic.discard()  # nothing is left, even when the disk is full
            else:
                self._sink.close()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # ---- what the open DatasetWriter reports (DatasetEvents) -----------------

    def _dataset_done(self, info: pb.DatasetInfo) -> None:
        self._datasets.append(info)
        self._open_dataset = None

    def _dataset_discarded(self) -> None:
        self._open_dataset = None

    def _drop_dataset(self, dataset: DatasetWriter) -> None:
        """Forget a dataset that failed and cut its records off; the writer can go on without it."""
        dataset.discard()
        self._truncate(dataset.start_offset)

    # ---- file handling ------------------------------------------------------

    def _producer_defaults(self) -> None:
        producer = self.model.producer
        if producer.name == "deephys" and not producer.version:
            filled = dataclasses.replace(
                producer, version=__version__, framework_version=producer.framework_version or np.__version__
            )
            self.model = dataclasses.replace(self.model, producer=filled)

    def _open_for_append(self, model: Model | None, classes: Sequence[str] | None, in_place: bool) -> None:
        with open_run(self.path) as run:
            existing = run.model
            footer = run.footer
            footer_offset = run.trailer.footer_offset
            size = run.size
        given = None if model is None else model.with_classes(classes or existing.classes)
        # The producer says what wrote the file, not which model: it may differ.
        if given is not None and dataclasses.replace(given, producer=existing.producer) != existing:
            raise UsageError(
                f"{self.path}: the model given differs from the one in the file; append only datasets of the same model"
            )
        if classes is not None and tuple(classes) != existing.classes:
            raise UsageError(f"{self.path}: the classes given differ from those in the file; pass the file's classes")
        self.model = existing
        self._datasets = list(footer.datasets)
        self._readout = footer.readout if footer.HasField("readout") else None
        self._metadata = {**dict(footer.metadata), **{k: v for k, v in self._metadata.items() if k != "created"}}
        self._metadata["modified"] = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        if in_place:
            # The old footer and trailer stay where they are and the new records follow them: until the new
            # trailer is written the file ends with garbage, and `deephys repair` cuts back to the old one.
            self._in_place = True
            self._sink = RecordSink(open(self.path, "r+b"))  # noqa: SIM115 - closed in _finish/abort
            self._original_size = size
            self._earlier_footers = [*footer.earlier_footers, footer_offset]
            self._truncate(size)
        else:
            self._atomic = AtomicFile(self.path)
            self._sink = RecordSink(self._atomic.file)
            with open(self.path, "rb") as source:
                shutil.copyfileobj(source, self._atomic.file, 16 << 20)
            self._earlier_footers = [offset for offset in footer.earlier_footers if offset < footer_offset]
            self._truncate(footer_offset)

    def _truncate(self, offset: int) -> None:
        assert self._sink is not None
        self._sink.truncate(offset)

    def _rollback_in_place(self) -> None:
        if self._original_size is None or self._sink is None:  # failed before anything was changed
            return
        self._sink.truncate(self._original_size)
        self._sink.sync()

    def _finish(self) -> None:
        footer = pb.Footer(
            format_major=FORMAT_MAJOR,
            format_minor=FORMAT_MINOR,
            model=self.model.to_proto(),
            datasets=self._datasets,
            metadata=self._metadata,
            earlier_footers=self._earlier_footers,
            readout=self._readout,
        )
        sink = self._sink
        assert sink is not None
        if self._in_place:
            # The records must be on the disk before the trailer that makes them part of the file: after a
            # power loss, a file that ends with a valid trailer must hold what that trailer points at.
            sink.sync()
        footer_offset = sink.offset
        ref = sink.write_record(pb.Record(footer=footer))
        sink.write(pack_trailer(Trailer(footer_offset, ref.length, ref.crc32, FORMAT_MAJOR, FORMAT_MINOR)))
        assert footer_offset + FRAME_SIZE + ref.length + TRAILER_SIZE == sink.offset
        sink.sync()
        if self._atomic is not None:
            self._atomic.publish()
        else:
            sink.close()
        self._closed = True

    def _write_readout(self, readout: Readout) -> None:
        if self._readout is not None:
            raise UsageError(
                f"{self.path}: the file holds a readout already; a readout cannot be replaced in place "
                "(write a new file with deephys.Writer(..., readout=...))"
            )
        readout.check(self.model, str(self.path))
        sink = self._writable()
        chunks = [
            pb.ReadoutChunkRef(
                first_class=chunk.first_class, classes=chunk.classes, record=sink.write_record(pb.Record(readout=chunk))
            )
            for chunk in readout_chunks(readout, self.chunk_bytes, MAX_RECORD)
        ]
        self._readout = pb.ReadoutInfo(
            layer=self.model.layer_index(readout.layer),
            dtype=READOUT_DTYPES[readout.dtype],
            chunks=chunks,
            source=readout.source,
            residual=readout.residual,
        )

    def _check_summary_sizes(self, itemsize: int) -> None:
        """Refuse, before anything is written, a layer whose summary record would exceed the format's limit."""
        classes = len(self.classes)
        for layer in self.model.layers:
            size = summary_record_bytes(layer.units, classes, self.top_k, self.histogram_bins, itemsize)
            if size > MAX_RECORD:
                raise UsageError(
                    f"{self.path}: layer {layer.name!r}: {layer.units:,} units with {classes:,} classes, top_k="
                    f"{self.top_k} and {self.histogram_bins} histogram bins make a summary of about {size:,} "
                    f"bytes, over the format's {MAX_RECORD:,}-byte record limit; record fewer units (pool or "
                    "select them), or lower top_k / histogram_bins"
                )

    def _writable(self) -> RecordSink:
        if self._closed or self._sink is None:
            raise WrongStateError(f"{self.path}: the writer is closed; open a new one (mode='a' adds datasets)")
        return self._sink


def _check_rows(path: Path, dataset: str, n: int, arrays: Mapping[str, Any]) -> None:
    """Every per-image array of `add_dataset` has one row per label: none is cut or padded silently."""
    lengths = {name: len(value) for name, value in arrays.items() if value is not None and hasattr(value, "__len__")}
    wrong = {name: length for name, length in lengths.items() if length != n}
    if wrong:
        listed = ", ".join(f"{name} has {length}" for name, length in wrong.items())
        raise UsageError(
            f"{path}: dataset {dataset!r}: labels has {n} rows but {listed}; give every array one row per image"
        )
