"""Turning user image arrays into encoded thumbnails, and back."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Literal

import numpy as np
from PIL import Image as PILImage

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import ImageDecodeError, ImageSizeMismatch, UsageError
from . import png

Layout = Literal["auto", "NHWC", "NCHW"]
ENCODINGS = {"png": pb.IMAGE_ENCODING_PNG, "jpeg": pb.IMAGE_ENCODING_JPEG, "webp": pb.IMAGE_ENCODING_WEBP}
MIME = {pb.IMAGE_ENCODING_PNG: "image/png", pb.IMAGE_ENCODING_JPEG: "image/jpeg", pb.IMAGE_ENCODING_WEBP: "image/webp"}
#: The only formats a reader decodes (the spec's), as Pillow names them: never any other of Pillow's
#: decoders (EPS would run Ghostscript on a stranger's bytes).
PILLOW_FORMATS = {pb.IMAGE_ENCODING_PNG: "PNG", pb.IMAGE_ENCODING_JPEG: "JPEG", pb.IMAGE_ENCODING_WEBP: "WEBP"}
_CHANNELS = (1, 3)


try:  # optional accelerator for JPEG thumbnails (pip install simplejpeg)
    import simplejpeg
except ImportError:  # pragma: no cover - Pillow does the same, slower
    simplejpeg = None


def to_uint8(images: np.ndarray | Sequence[np.ndarray], layout: Layout = "auto") -> np.ndarray | list[np.ndarray]:
    """A batch as uint8: an array (N, H, W), (N, H, W, C) or (N, C, H, W) with C in {1, 3} comes back as one
    new C-contiguous array (N, H, W) or (N, H, W, 3); a sequence of images (of different sizes) as a list."""
    return convert(checked_batch(images, layout))


def checked_batch(images: np.ndarray | Sequence[np.ndarray], layout: Layout = "auto") -> np.ndarray | list[np.ndarray]:
    """Check a batch without converting it, for `convert` to convert later, in slices.

    An array batch comes back as an array (N, H, W) or (N, H, W, 3) of its own dtype, values checked; a
    sequence of images as a list of such (H, W) or (H, W, 3) arrays. Both are often views of `images`.
    """
    if isinstance(images, np.ndarray) or hasattr(images, "__array__"):
        array = np.asarray(images)
        if array.ndim == 4:
            if not _channels_last(array.shape[1:], layout):
                array = array.transpose(0, 2, 3, 1)
        elif array.ndim != 3:
            raise UsageError(f"images must have shape (N, H, W), (N, H, W, C) or (N, C, H, W); got {array.shape}")
        return _checked(array, batch=True)
    return [_checked_image(np.asarray(img), layout) for img in images]


def to_uint8_image(image: np.ndarray, layout: Layout = "auto") -> np.ndarray:
    return convert([_checked_image(image, layout)])[0]


def _checked_image(image: np.ndarray, layout: Layout) -> np.ndarray:
    if image.ndim == 2:
        return _checked(image, batch=False)
    if image.ndim != 3:
        raise UsageError(f"an image must have shape (H, W), (H, W, C) or (C, H, W); got {image.shape}")
    channels_last = _channels_last(image.shape, layout)
    return _checked(image if channels_last else np.moveaxis(image, 0, -1), batch=False)


def _channels_last(shape: tuple[int, ...], layout: Layout) -> bool:
    if layout == "NHWC":
        return True
    if layout == "NCHW":
        return False
    if layout != "auto":
        raise UsageError(f"layout must be 'auto', 'NHWC' or 'NCHW', not {layout!r}")
    last, first = shape[-1] in _CHANNELS, shape[0] in _CHANNELS
    if last and not first:
        return True
    if first and not last:
        return False
    if first and last:
        raise UsageError(
            f"cannot tell whether images of shape {shape} are channels-first or channels-last: "
            "pass layout='NCHW' or layout='NHWC'"
        )
    raise UsageError(f"images of shape {shape} have no channel axis of size 1 or 3 (greyscale or RGB)")


_CONVERT_BYTES = 256 << 10  # float64 scratch per step of a float conversion (stays in the caches)


def _checked(image: np.ndarray, batch: bool) -> np.ndarray:
    """Check channels and values of one image (H, W[, C]) or a batch (N, H, W[, C]); drop a channel axis of 1."""
    colour = 3 + batch
    if image.ndim == colour and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim == colour and image.shape[-1] != 3:
        raise UsageError(f"images must be greyscale or RGB; got {image.shape[-1]} channels")
    if image.dtype in (np.uint8, np.bool_):
        return image
    if np.issubdtype(image.dtype, np.integer):
        low, high = int(image.min(initial=0)), int(image.max(initial=0))
        if low < 0 or high > 255:
            raise UsageError(f"integer images must lie in [0, 255]; found values in [{low}, {high}]")
        return image
    if image.dtype not in (np.float16, np.float32, np.float64):
        image = np.asarray(image, dtype=np.float64)
    if image.size:
        # min/max propagate NaN and reach any inf; they are exact in any float dtype.
        lo, hi = float(image.min()), float(image.max())
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise UsageError("images contain NaN or infinite pixels")
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        if lo < -1e-3 or hi > 1 + 1e-3:
            raise UsageError(
                f"float images must lie in [0, 1]; found values in [{lo:.3g}, {hi:.3g}]. If they are "
                "normalized, undo it (x * std + mean) or let the exporter do it (mean=..., std=...)"
            )
    return image


def convert(images: np.ndarray | list[np.ndarray]) -> np.ndarray | list[np.ndarray]:
    """Checked images (from `checked_batch`) as new C-contiguous uint8 arrays: always a copy, so that
    encoding can go on after the caller's arrays have changed. An array (N, H, W[, 3]) gives an array,
    so does a list of images of one shape; a list of images of several shapes gives a list.

    Floats in [0, 1] become round(clip(x, 0, 1) * 255), as computed exactly (halves to even).
    """
    if isinstance(images, list):
        if images and all(image.shape == images[0].shape for image in images):  # one array, for batch encoding
            out = np.empty((len(images), *images[0].shape), np.uint8)
            for i, image in enumerate(images):
                out[i] = convert(image[None])[0]
            return out
        return [convert(image[None])[0] for image in images]
    if images.dtype == np.uint8:
        return np.array(images, order="C")
    if images.dtype == np.bool_:
        return images.astype(np.uint8, order="C") * np.uint8(255)
    if np.issubdtype(images.dtype, np.integer):
        return images.astype(np.uint8, order="C")
    out = np.empty(images.shape, np.uint8)
    step = max(1, _CONVERT_BYTES // max(1, 8 * int(np.prod(images.shape[1:]))))
    for start in range(0, images.shape[0], step):
        out[start : start + step] = _rounded(images[start : start + step])
    return out


def _rounded(x: np.ndarray) -> np.ndarray:
    """rint(x * 255) in float64 (exact for float16/32 x) for checked floats x.

    Checked values lie in [-1e-3, 1 + 1e-3], so x * 255 rounds into [-0, 255]: clipping x to [0, 1]
    first would change nothing.
    """
    scaled: np.ndarray = np.multiply(x, 255.0, dtype=np.float64)
    np.rint(scaled, out=scaled)
    return scaled


def encode(image: np.ndarray, encoding: str = "png", quality: int = 90) -> bytes:
    """Encode a uint8 (H, W) or (H, W, 3) array."""
    if encoding == "png":
        return png.encode(np.asarray(image))
    if encoding == "jpeg" and simplejpeg is not None:
        return _encode_jpeg_fast(np.ascontiguousarray(image), quality)
    pil = PILImage.fromarray(np.ascontiguousarray(image))  # (H, W) -> L, (H, W, 3) -> RGB
    buffer = io.BytesIO()
    if encoding == "jpeg":
        pil.save(buffer, format="JPEG", quality=quality, optimize=True)  # optimal Huffman tables: a third smaller
    elif encoding == "webp":
        pil.save(buffer, format="WEBP", quality=quality)
    else:
        raise UsageError(f"unknown image encoding {encoding!r}; choose png, jpeg or webp")
    return buffer.getvalue()


def _encode_jpeg_fast(image: np.ndarray, quality: int) -> bytes:
    # libjpeg-turbo through simplejpeg: about 4x faster than Pillow on thumbnails, and it releases
    # the GIL, so the writer's encoding threads really run in parallel.
    grey = image.ndim == 2
    pixels = image[..., None] if grey else image
    encoded: bytes = simplejpeg.encode_jpeg(
        pixels, quality=quality, colorspace="GRAY" if grey else "RGB", colorsubsampling="Gray" if grey else "420"
    )
    return encoded


def encode_many(pictures: np.ndarray | Sequence[np.ndarray], encoding: str = "png", quality: int = 90) -> list[bytes]:
    """Encode uint8 images: an array (N, H, W[, 3]) or a sequence of (H, W[, 3]) arrays.

    PNG goes through `png.encode_batch`, a whole array (or each run of same-shaped images) at once.
    """
    if encoding != "png":
        return [encode(picture, encoding, quality) for picture in pictures]
    if isinstance(pictures, np.ndarray):
        return png.encode_batch(pictures)
    out: list[bytes] = []
    start = 0
    while start < len(pictures):
        stop = start + 1
        while stop < len(pictures) and pictures[stop].shape == pictures[start].shape:
            stop += 1
        out += png.encode_batch(np.stack(pictures[start:stop]))
        start = stop
    return out


def signature_matches(data: bytes, encoding: int) -> bool:
    """Whether `data` starts as an image of `encoding` must (PNG, JPEG or WebP magic bytes)."""
    if encoding == pb.IMAGE_ENCODING_PNG:
        return data.startswith(png.SIGNATURE)
    if encoding == pb.IMAGE_ENCODING_JPEG:
        return data.startswith(b"\xff\xd8\xff")
    if encoding == pb.IMAGE_ENCODING_WEBP:
        return len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return False


def decode(data: bytes, encoding: int, size: tuple[int, int] | None = None) -> np.ndarray:
    """Decode image bytes of `encoding` (a `pb.ImageEncoding`) to uint8 (H, W, C) with C = 1 or 3.

    Only the declared format's decoder runs, and only on bytes that start as that format does. With
    `size` (width, height), the image's own header is checked against it before any pixel is decoded.
    """
    name = PILLOW_FORMATS.get(encoding)  # type: ignore[call-overload]
    if name is None:
        raise ImageDecodeError(f"unknown image encoding {encoding}: a reader decodes PNG, JPEG and WebP only")
    if not signature_matches(data, encoding):
        raise ImageDecodeError(f"the bytes are not a {name} image, as the record declares")
    with PILImage.open(io.BytesIO(data), formats=[name]) as pil:
        if size is not None and tuple(pil.size) != tuple(size):
            raise ImageSizeMismatch(
                f"the encoded image is {pil.size[0]}x{pil.size[1]}, the record says {size[0]}x{size[1]}"
            )
        pil.load()
        array = np.asarray(pil if pil.mode in ("L", "RGB") else pil.convert("RGB"))
    return array[..., None] if array.ndim == 2 else array
