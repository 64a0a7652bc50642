"""Turning user image arrays into encoded thumbnails, and back."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Literal

import numpy as np
from PIL import Image as PILImage

from .._generated.deephys.v1 import deephys_pb2 as pb

Layout = Literal["auto", "NHWC", "NCHW"]
ENCODINGS = {"png": pb.IMAGE_ENCODING_PNG, "jpeg": pb.IMAGE_ENCODING_JPEG, "webp": pb.IMAGE_ENCODING_WEBP}
MIME = {pb.IMAGE_ENCODING_PNG: "image/png", pb.IMAGE_ENCODING_JPEG: "image/jpeg", pb.IMAGE_ENCODING_WEBP: "image/webp"}
_CHANNELS = (1, 3)


def to_uint8_batch(images: np.ndarray | Sequence[np.ndarray], layout: Layout = "auto") -> list[np.ndarray]:
    """Split a batch into per-image uint8 arrays of shape (H, W) or (H, W, 3).

    Accepts an array (N, H, W), (N, H, W, C) or (N, C, H, W) with C in {1, 3},
    or a sequence of per-image arrays (for images of different sizes).
    """
    if isinstance(images, np.ndarray) or hasattr(images, "__array__"):
        array = np.asarray(images)
        if array.ndim == 3:
            return [_to_uint8(img) for img in array]
        if array.ndim != 4:
            raise ValueError(
                f"images must have shape (N, H, W), (N, H, W, C) or (N, C, H, W); got {array.shape}"
            )
        channels_last = _channels_last(array.shape[1:], layout)
        return [_to_uint8(img if channels_last else np.moveaxis(img, 0, -1)) for img in array]
    return [to_uint8_image(np.asarray(img), layout) for img in images]


def to_uint8_image(image: np.ndarray, layout: Layout = "auto") -> np.ndarray:
    if image.ndim == 2:
        return _to_uint8(image)
    if image.ndim != 3:
        raise ValueError(f"an image must have shape (H, W), (H, W, C) or (C, H, W); got {image.shape}")
    channels_last = _channels_last(image.shape, layout)
    return _to_uint8(image if channels_last else np.moveaxis(image, 0, -1))


def _channels_last(shape: tuple[int, ...], layout: Layout) -> bool:
    if layout == "NHWC":
        return True
    if layout == "NCHW":
        return False
    if layout != "auto":
        raise ValueError(f"layout must be 'auto', 'NHWC' or 'NCHW', not {layout!r}")
    last, first = shape[-1] in _CHANNELS, shape[0] in _CHANNELS
    if last and not first:
        return True
    if first and not last:
        return False
    if first and last:
        raise ValueError(
            f"cannot tell whether images of shape {shape} are channels-first or channels-last: "
            "pass layout='NCHW' or layout='NHWC'"
        )
    raise ValueError(f"images of shape {shape} have no channel axis of size 1 or 3 (greyscale or RGB)")


def _to_uint8(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim == 3 and image.shape[-1] != 3:
        raise ValueError(f"images must be greyscale or RGB; got {image.shape[-1]} channels")
    if image.dtype == np.uint8:
        return np.ascontiguousarray(image)
    if image.dtype == np.bool_:
        return image.astype(np.uint8) * 255
    if np.issubdtype(image.dtype, np.integer):
        lo, hi = int(image.min(initial=0)), int(image.max(initial=0))
        if lo < 0 or hi > 255:
            raise ValueError(f"integer images must lie in [0, 255]; found values in [{lo}, {hi}]")
        return image.astype(np.uint8)
    values = np.asarray(image, dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError("images contain NaN or infinite pixels")
    lo, hi = float(values.min(initial=0.0)), float(values.max(initial=0.0))
    if lo < -1e-3 or hi > 1 + 1e-3:
        raise ValueError(
            f"float images must lie in [0, 1]; found values in [{lo:.3g}, {hi:.3g}]. If they are "
            "normalized, undo it (x * std + mean) or let the exporter do it (mean=..., std=...)"
        )
    return np.rint(np.clip(values, 0.0, 1.0) * 255.0).astype(np.uint8)


def encode(image: np.ndarray, encoding: str = "png", quality: int = 90) -> bytes:
    """Encode a uint8 (H, W) or (H, W, 3) array."""
    pil = PILImage.fromarray(np.ascontiguousarray(image))  # (H, W) -> L, (H, W, 3) -> RGB
    buffer = io.BytesIO()
    if encoding == "png":
        pil.save(buffer, format="PNG", compress_level=6)
    elif encoding == "jpeg":
        pil.save(buffer, format="JPEG", quality=quality)
    elif encoding == "webp":
        pil.save(buffer, format="WEBP", quality=quality)
    else:
        raise ValueError(f"unknown image encoding {encoding!r}; choose png, jpeg or webp")
    return buffer.getvalue()


def decode(data: bytes) -> np.ndarray:
    """Decode to uint8 (H, W, C) with C = 1 or 3."""
    with PILImage.open(io.BytesIO(data)) as pil:
        pil.load()
        if pil.mode not in ("L", "RGB"):
            pil = pil.convert("RGB")
        array = np.asarray(pil)
    return array[..., None] if array.ndim == 2 else array
