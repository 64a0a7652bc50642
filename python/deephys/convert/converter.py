"""Original Deephys files (`.model` + `.test`...) -> one `.deephys` file, streamed."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._version import __version__
from ..errors import ConvertError, FormatError
from ..format.writer import Writer
from ..model import Layer, Model, Producer
from .original import (
    OriginalImage,
    OriginalModel,
    TestHeader,
    iter_images,
    read_model,
    read_test_header,
    scan_categories,
)

ROLES = ("id", "ood")
BATCH_IMAGES = 256
BATCH_BYTES = 32 << 20

Warn = Callable[[str], None]


@dataclass(frozen=True)
class ConvertedDataset:
    name: str
    role: str
    images: int
    dtype: str
    source: str


@dataclass(frozen=True)
class ConvertResult:
    path: str
    model: str
    classes: tuple[str, ...]
    datasets: list[ConvertedDataset] = field(default_factory=list)


def convert(
    model_path: str | os.PathLike[str],
    test_paths: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    roles: Mapping[str, str] | None = None,
    progress: bool | None = False,
    warn: Warn | None = None,
) -> ConvertResult:
    """Convert an original `.model` and its `.test` files into one `.deephys` file at `output`.

    Test files are tied to the model by position (their layers are the model's,
    in order) and become one dataset each, named by their `name`: the first is
    the in-distribution set ("id"), the others "ood", unless `roles` maps a
    dataset name to a role. Activations keep their dtype (float32 or float64)
    bit for bit. `progress`: show a progress bar per file (None: only on a terminal).
    On any error nothing is written at `output`.
    """
    warn = warn or (lambda message: warnings.warn(message, stacklevel=3))
    if not test_paths:
        raise ConvertError("give at least one .test file")
    _check_output(output, [model_path, *test_paths])
    original = read_model(model_path)
    headers = [read_test_header(path) for path in test_paths]
    classes = resolve_classes(original, headers, warn, progress)
    names = dataset_names(headers, warn)
    dataset_roles = assign_roles(names, roles or {})
    model = to_model(original, classes)
    metadata = {"converted_from": ", ".join(Path(p).name for p in [model_path, *test_paths])}
    if original.suffix:
        metadata["original_suffix"] = original.suffix
    result = ConvertResult(os.fspath(output), original.name, classes)
    with Writer(output, model=model, classes=classes, metadata=metadata) as writer:
        for header, name, role in zip(headers, names, dataset_roles):
            count = _write_dataset(writer, original, header, name, role, progress)
            result.datasets.append(ConvertedDataset(name, role, count, header.dtype, header.path))
    return result


def to_model(original: OriginalModel, classes: Sequence[str]) -> Model:
    layers = [Layer(layer.name, layer.neurons, pooling="none") for layer in original.layers]
    try:
        return Model(
            original.name,
            layers,
            classifier=original.classification_layer,
            classes=classes,
            producer=Producer("deephys convert", __version__, "original deephys (CBOR)", ""),
        )
    except ValueError as exc:
        raise FormatError(original.path, None, str(exc)) from None


def resolve_classes(
    original: OriginalModel, headers: Sequence[TestHeader], warn: Warn, progress: bool | None = False
) -> tuple[str, ...]:
    """Class names: the first test file's `classes`, else the images' `category` texts, else "0".."K-1"."""
    count = original.classes
    given = [h for h in headers if h.classes is not None]
    for header in given:
        assert header.classes is not None
        if len(header.classes) != count:
            raise FormatError(
                header.path,
                None,
                f"{len(header.classes)} class names, but the classification layer "
                f"{original.classification_layer!r} of the model has {count} neurons",
            )
    if given:
        first = given[0]
        for header in given[1:]:
            if header.classes != first.classes:
                warn(f"{header.path}: its class names differ from those of {first.path}; using the latter")
        assert first.classes is not None
        return first.classes
    found: dict[int, str] = {}
    for header in headers:
        with _bar(header, f"classes of {Path(header.path).name}", progress) as bar:
            for class_id, name in scan_categories(header, bar.update).items():
                found.setdefault(class_id, name)
    return tuple(found.get(i, str(i)) for i in range(count))


def dataset_names(headers: Sequence[TestHeader], warn: Warn) -> list[str]:
    """Each test file's `name` (or its file name), made unique with " (2)", " (3)"..."""
    names: list[str] = []
    for header in headers:
        base = header.name or Path(header.path).stem
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base} ({n})"
        if name != base:
            warn(f"{header.path}: a dataset named {base!r} already exists; this one is named {name!r}")
        names.append(name)
    return names


def assign_roles(names: Sequence[str], overrides: Mapping[str, str]) -> list[str]:
    unknown = [name for name in overrides if name not in names]
    if unknown:
        raise ConvertError(
            f"no dataset named {', '.join(map(repr, unknown))}; the datasets are: {', '.join(map(repr, names))}"
        )
    for name, role in overrides.items():
        if role not in ROLES:
            raise ConvertError(f"the role of {name!r} must be 'id' or 'ood', not {role!r}")
    return [overrides.get(name, "id" if i == 0 else "ood") for i, name in enumerate(names)]


def _write_dataset(
    writer: Writer, original: OriginalModel, header: TestHeader, name: str, role: str, progress: bool | None
) -> int:
    layer_names = [layer.name for layer in original.layers]
    batch: list[OriginalImage] = []
    batch_bytes = 0
    written = 0
    with (
        writer.dataset(name, role=role, activation_dtype=header.dtype, total=header.images) as dataset,
        _bar(header, Path(header.path).name, progress) as bar,
    ):

        def flush() -> None:
            nonlocal batch, batch_bytes, written
            dataset.append(
                labels=np.array([image.category_id for image in batch], np.int64),
                activations={
                    layer: np.stack([image.activations[k] for image in batch])
                    if batch
                    else np.zeros((0, original.layers[k].neurons), header.dtype)
                    for k, layer in enumerate(layer_names)
                },
                images=[image.pixels for image in batch] if batch else None,
                metadata=[image.features or {} for image in batch],
                layout="NHWC",
            )
            written += len(batch)
            batch, batch_bytes = [], 0

        for image in iter_images(header, original, bar.update):
            batch.append(image)
            batch_bytes += image.pixels.nbytes + sum(a.nbytes for a in image.activations)
            if len(batch) >= BATCH_IMAGES or batch_bytes >= BATCH_BYTES:
                flush()
        if batch or not written:
            flush()
    return written


def _bar(header: TestHeader, desc: str, progress: bool | None):
    from tqdm.auto import tqdm

    disable = None if progress is None else not progress
    return tqdm(
        total=header.size - header.images_offset, desc=desc, unit="B", unit_scale=True, leave=False, disable=disable
    )


def _check_output(output: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]) -> None:
    target = Path(output).resolve()
    for path in inputs:
        if Path(path).resolve() == target:
            raise ConvertError(f"the output {os.fspath(output)} is also an input; choose another file name")
