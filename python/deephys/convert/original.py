"""Reading the files of the original Deephys (PyPI `deephys` <= 0.14.1).

A `.model` file is one CBOR map: `name`, `layers` (maps of `layerID` and
`neurons`, one empty map per unit), `classification_layer`, and in old files
`suffix`. A `.test` file is one CBOR map: `name`, `dtype`, `classes` (missing
in old files) and `images`, an array of maps with `imageID`, `categoryID`,
`category`, `data` (channels x rows of bytes), `features` and `activations`
(big-endian floats, one byte string per model layer, in model order).

The model is read whole (it is small). A test file is read in two steps:
`read_test_header` reads everything but the images and notes where they start;
`iter_images` then streams them one at a time, so memory stays bounded however
large the file. Keys may come in any order; unknown keys are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import FormatError
from ..format.limits import MAX_IMAGE_PIXELS
from .cbor_stream import ARRAY, MAJOR_NAMES, MAP, SIMPLE, TAG, UINT, CborStream, open_stream

ITEMSIZE = {"float32": 4, "float64": 8}
_BIG_ENDIAN: dict[str, np.dtype[Any]] = {"float32": np.dtype(">f4"), "float64": np.dtype(">f8")}
_NATIVE: dict[str, np.dtype[Any]] = {"float32": np.dtype(np.float32), "float64": np.dtype(np.float64)}
_NEW_FORMAT_MAGIC = b"\x89DPHYS\r\n"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class OriginalLayer:
    name: str
    neurons: int


@dataclass(frozen=True)
class OriginalModel:
    path: str
    name: str
    layers: tuple[OriginalLayer, ...]
    classification_layer: str
    suffix: str | None = None

    @cached_property
    def classes(self) -> int:
        """Number of classes: the neuron count of the classification layer."""
        return next(layer.neurons for layer in self.layers if layer.name == self.classification_layer)


@dataclass(frozen=True)
class TestHeader:
    """Everything in a `.test` file but its images, and where the images are."""

    path: str
    name: str | None
    dtype: str
    classes: tuple[str, ...] | None
    images: int
    images_offset: int  # byte offset of the first image
    images_last: bool  # whether `images` is the file's last key (then nothing may follow it)
    size: int


@dataclass
class OriginalImage:
    index: int  # position in the file
    image_id: int | None
    category_id: int
    category: str | None
    pixels: np.ndarray  # uint8, (H, W, 3) or (H, W) for one channel
    features: dict[str, str] | None
    activations: list[np.ndarray]  # one 1-D array per model layer, native-endian, in the file's dtype


# ---- model ---------------------------------------------------------------------------


def read_model(path: str | os.PathLike[str]) -> OriginalModel:
    """Read an original `.model` file."""
    file, stream = _open(path)
    with file:
        fields: dict[str, Any] = {}
        entries = _top_map(stream, "a .model file")
        for _ in range(entries):
            key = _key(stream, "the model")
            if key == "layers":
                fields[key] = _read_layers(stream)
            elif key in ("name", "classification_layer", "suffix"):
                fields[key] = _text_or_none(stream, f"the model's {key!r}")
            elif key == "images":  # say so now rather than after skipping a large file
                raise FormatError(
                    path,
                    None,
                    "not an original Deephys .model file: it has 'images' "
                    "(this looks like a .test file: give the .model file first)",
                )
            else:
                stream.skip(f"the model's {key!r}")
        _check_end(stream, "the model")
    where = os.fspath(path)
    if "layers" not in fields:
        raise FormatError(where, None, "not an original Deephys .model file: it has no 'layers'")
    layers: tuple[OriginalLayer, ...] = fields["layers"]
    names = [layer.name for layer in layers]
    if not layers:
        raise FormatError(where, None, "the model has no layers")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise FormatError(where, None, f"the model has several layers named {', '.join(map(repr, duplicates))}")
    classification = fields.get("classification_layer")
    if classification is None:
        raise FormatError(where, None, "the model has no 'classification_layer'")
    if classification not in names:
        raise FormatError(
            where, None, f"the classification layer {classification!r} is not one of the layers: {', '.join(names)}"
        )
    return OriginalModel(
        path=where,
        name=fields.get("name") or Path(where).stem,
        layers=layers,
        classification_layer=classification,
        suffix=fields.get("suffix"),
    )


def _read_layers(stream: CborStream) -> tuple[OriginalLayer, ...]:
    layers = []
    for index in range(stream.read_array("the model's 'layers'")):
        where = f"layer {index} of the model"
        offset = stream.offset
        name: str | None = None
        neurons: int | None = None
        for _ in range(stream.read_map(where)):
            key = _key(stream, where)
            if key == "layerID":
                name = stream.read_text(f"the 'layerID' of {where}")
            elif key == "neurons":
                neurons = _read_neurons(stream, where)
            else:
                stream.skip(f"{key!r} of {where}")
        if not name:
            raise stream.error(f"{where} has no 'layerID'", offset)
        if neurons is None:
            raise stream.error(f"{where} ({name!r}) has no 'neurons'", offset)
        if neurons < 1:
            raise stream.error(f"{where} ({name!r}) has no neurons", offset)
        layers.append(OriginalLayer(name, neurons))
    return tuple(layers)


def _read_neurons(stream: CborStream, where: str) -> int:
    """`neurons` is an array of one (empty) map per unit; only its length matters."""
    head = stream.next_head()
    if head.major == UINT:  # tolerate a plain count
        return head.arg
    stream.expect(head, ARRAY, f"the 'neurons' of {where}")
    for _ in range(head.arg):
        stream.skip(f"a neuron of {where}")
    return head.arg


# ---- test files ------------------------------------------------------------------------


def read_test_header(path: str | os.PathLike[str]) -> TestHeader:
    """Read a `.test` file's name, dtype and classes, and locate its images (not read)."""
    file, stream = _open(path)
    with file:
        fields: dict[str, Any] = {}
        images: tuple[int, int, bool] | None = None
        entries = _top_map(stream, "a .test file")
        for i in range(entries):
            key = _key(stream, "the test file")
            if key == "images":
                count = stream.read_array("'images'")
                last = i == entries - 1
                images = (count, stream.offset, last)
                if last:
                    break
                for n in range(count):  # not the last key: skip the images now, stream them later
                    stream.skip(f"image {n}")
            elif key in ("name", "dtype"):
                fields[key] = _text_or_none(stream, f"the test's {key!r}")
            elif key == "classes":
                fields[key] = _read_classes(stream)
            elif key == "classification_layer":
                raise FormatError(
                    path,
                    None,
                    "not an original Deephys .test file: it has a 'classification_layer' "
                    "(this looks like a .model file)",
                )
            else:
                stream.skip(f"the test's {key!r}")
        else:
            _check_end(stream, "the test file")
    where = os.fspath(path)
    if images is None:
        raise FormatError(where, None, "not an original Deephys .test file: it has no 'images'")
    dtype = fields.get("dtype") or "float32"  # files older than the dtype key are float32
    if dtype not in ITEMSIZE:
        raise FormatError(where, None, f"unknown dtype {dtype!r}: expected 'float32' or 'float64'")
    count, offset, last = images
    return TestHeader(where, fields.get("name"), dtype, fields.get("classes"), count, offset, last, stream.size)


def _read_classes(stream: CborStream) -> tuple[str, ...] | None:
    offset = stream.offset
    value = stream.read("the test's 'classes'")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise stream.error("'classes' should be an array of text strings", offset)
    return tuple(value)


def iter_images(header: TestHeader, model: OriginalModel, progress: Progress | None = None) -> Iterator[OriginalImage]:
    """Stream the images of a test file, checking each against `model`.

    `progress(n)` is called with the number of bytes consumed after each image.
    """
    file, stream = _open(header.path)
    with file:
        stream.seek(header.images_offset)
        done = header.images_offset
        for index in range(header.images):
            yield _read_image(stream, index, header, model)
            if progress is not None:
                progress(stream.offset - done)
                done = stream.offset
        if header.images_last:
            _check_end(stream, "the test file")


def scan_categories(header: TestHeader, progress: Progress | None = None) -> dict[int, str]:
    """Class id -> `category` text, from the images of a test file (pixels and activations are skipped)."""
    found: dict[int, str] = {}
    file, stream = _open(header.path)
    with file:
        stream.seek(header.images_offset)
        done = header.images_offset
        for index in range(header.images):
            where = f"image {index}"
            category_id: int | None = None
            category: str | None = None
            for _ in range(stream.read_map(where)):
                key = _key(stream, where)
                if key == "categoryID":
                    category_id = _read_index(stream, f"the 'categoryID' of {where}")
                elif key == "category":
                    category = _text_or_none(stream, f"the 'category' of {where}")
                else:
                    stream.skip(f"{key!r} of {where}")
            if category_id is not None and category is not None:
                found.setdefault(category_id, category)
            if progress is not None:
                progress(stream.offset - done)
                done = stream.offset
    return found


def _read_image(stream: CborStream, index: int, header: TestHeader, model: OriginalModel) -> OriginalImage:
    offset = stream.offset
    where = f"image {index}"
    values: dict[str, Any] = {}
    for _ in range(stream.read_map(where)):
        key = _key(stream, where)
        if key in ("imageID", "categoryID"):
            values[key] = _read_index(stream, f"the {key!r} of {where}")
            if key == "imageID":  # it comes first: name the image by it in later messages
                where = f"image {index} (imageID {values[key]})"
        elif key == "category":
            values[key] = _text_or_none(stream, f"the 'category' of {where}")
        elif key == "data":
            values[key] = _read_pixels(stream, where)
        elif key == "features":
            values[key] = _read_features(stream, where)
        elif key == "activations":
            values[key] = _read_activations(stream, where, header.dtype, model)
        else:
            stream.skip(f"{key!r} of {where}")
    for required in ("categoryID", "data", "activations"):
        if required not in values:
            raise stream.error(f"{where} has no {required!r}", offset)
    if values["categoryID"] >= model.classes:
        raise stream.error(
            f"{where}: categoryID {values['categoryID']} is out of range: the classification layer "
            f"{model.classification_layer!r} has {model.classes} neurons",
            offset,
        )
    return OriginalImage(
        index=index,
        image_id=values.get("imageID"),
        category_id=values["categoryID"],
        category=values.get("category"),
        pixels=values["data"],
        features=values.get("features"),
        activations=values["activations"],
    )


def _read_pixels(stream: CborStream, where: str) -> np.ndarray:
    """`data`: channels, each an array of H rows of W bytes -> uint8 (H, W, C), or (H, W) for one channel."""
    offset = stream.offset
    channels: list[np.ndarray] = []
    count = stream.read_array(f"the 'data' of {where}")
    if count not in (1, 3):
        raise stream.error(f"{where} has {count} colour channels; expected 3 (RGB) or 1", offset)
    for c in range(count):
        height = stream.read_array(f"channel {c} of {where}")
        if height > MAX_IMAGE_PIXELS or height > stream.remaining:
            raise stream.error(
                f"{where}: channel {c} declares {height:,} rows of pixels, more than it can hold", offset, "too-large"
            )
        pixels = stream.read_byte_rows(height, f"the pixels of {where}")
        if pixels is None:  # not the plain layout: read row by row
            rows = [stream.read_bytes(f"a pixel row of {where}") for _ in range(height)]
            if any(len(row) != len(rows[0]) for row in rows):
                raise stream.error(f"{where}: the pixel rows of channel {c} have different lengths", offset)
            pixels = np.frombuffer(b"".join(rows), np.uint8).reshape(height, len(rows[0]) if rows else 0)
        if channels and pixels.shape != channels[0].shape:
            raise stream.error(
                f"{where}: channel {c} is {pixels.shape[1]}x{pixels.shape[0]} but channel 0 is "
                f"{channels[0].shape[1]}x{channels[0].shape[0]}",
                offset,
            )
        if pixels.size > MAX_IMAGE_PIXELS:
            raise stream.error(
                f"{where} is {pixels.shape[1]}x{pixels.shape[0]} pixels, more than the {MAX_IMAGE_PIXELS:,} a "
                "Deephys file may hold per image; downscale the images before converting",
                offset,
                "too-large",
            )
        channels.append(pixels)
    if channels[0].size == 0:
        raise stream.error(f"{where} has no pixels", offset)
    return channels[0] if len(channels) == 1 else np.stack(channels, axis=-1)


def _read_activations(stream: CborStream, where: str, dtype: str, model: OriginalModel) -> list[np.ndarray]:
    """`activations`: {"activations": [bytes per layer]} (a bare array is accepted too)."""
    offset = stream.offset
    head = stream.next_head()
    layers: list[bytes] | None = None
    if head.major == MAP:
        for _ in range(head.arg):
            key = _key(stream, f"the 'activations' of {where}")
            if key == "activations":
                layers = _read_layer_bytes(stream, where)
            else:
                stream.skip(f"{key!r} in the 'activations' of {where}")
    elif head.major == ARRAY:
        layers = _read_layer_bytes(stream, where, head.arg)
    else:
        raise stream.error(f"the 'activations' of {where} should be a map, found {stream.describe(head)}", offset)
    if layers is None:
        raise stream.error(f"the 'activations' of {where} have no 'activations' array", offset)
    if len(layers) != len(model.layers):
        raise stream.error(
            f"{where} has activations for {len(layers)} layers but the model "
            f"({Path(model.path).name}) has {len(model.layers)}",
            offset,
        )
    size = ITEMSIZE[dtype]
    arrays = []
    for k, (data, layer) in enumerate(zip(layers, model.layers)):
        if len(data) % size or len(data) // size != layer.neurons:
            raise stream.error(
                f"{where}, layer {k} ({layer.name!r}): {len(data)} bytes of {dtype} "
                f"({len(data) / size:g} values) but the model ({Path(model.path).name}) gives this layer "
                f"{layer.neurons} neurons; is this test file from another model, or in the wrong order?",
                offset,
            )
        arrays.append(np.frombuffer(data, _BIG_ENDIAN[dtype]).astype(_NATIVE[dtype]))
    return arrays


def _read_layer_bytes(stream: CborStream, where: str, count: int | None = None) -> list[bytes]:
    if count is None:
        count = stream.read_array(f"the activations of {where}")
    return [stream.read_bytes(f"the activations of layer {k} of {where}") for k in range(count)]


def _read_features(stream: CborStream, where: str) -> dict[str, str] | None:
    offset = stream.offset
    value = stream.read(f"the 'features' of {where}")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise stream.error(f"the 'features' of {where} should be a map of text to text", offset)
    features = {}
    for key, item in value.items():
        if isinstance(item, (dict, list, bytes)) or isinstance(key, bytes):
            raise stream.error(f"the 'features' of {where} should be a map of text to text", offset)
        features[str(key)] = "" if item is None else str(item)
    return features


# ---- helpers -----------------------------------------------------------------------------


def _open(path: str | os.PathLike[str]) -> tuple[Any, CborStream]:
    file, stream = open_stream(path)
    if file.read(len(_NEW_FORMAT_MAGIC)) == _NEW_FORMAT_MAGIC:
        file.close()
        raise FormatError(path, 0, "this is already a .deephys file (the new format); nothing to convert")
    stream.seek(0)
    return file, stream


def _top_map(stream: CborStream, what: str) -> int:
    major = stream.peek_major()
    if major is not None and major not in (MAP, TAG, SIMPLE):  # (simple values are described once read)
        raise stream.error(
            f"not {what} of the original Deephys: it should hold a CBOR map but starts with {MAJOR_NAMES[major]}"
        )
    head = stream.next_head()
    if head.major != MAP:
        raise stream.error(
            f"not {what} of the original Deephys: it should hold a CBOR map but starts with {stream.describe(head)}",
            head.offset,
        )
    return head.arg


def _key(stream: CborStream, where: str) -> str:
    return stream.read_text(f"a key of {where}")


def _text_or_none(stream: CborStream, what: str) -> str | None:
    offset = stream.offset
    value = stream.read(what)
    if value is not None and not isinstance(value, str):
        raise stream.error(f"{what} should be text, found {type(value).__name__}", offset)
    return value


def _read_index(stream: CborStream, what: str) -> int:
    offset = stream.offset
    value = stream.read(what)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise stream.error(f"{what} should be a non-negative integer, found {_short(value)}", offset)
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_end(stream: CborStream, what: str) -> None:
    if not stream.at_end():
        raise stream.error(f"{stream.remaining} unexpected bytes after the end of {what}")
