"""Thumbnails for the viewer, made from the batch itself or from a separate display dataset.

Sources, in order of precedence:

- a user function `fn(inputs) -> images` applied to each batch's inputs;
- a separate display dataset that yields the same images, in the same order, in displayable form;
- the inputs themselves: in [0, 1] (or uint8), or normalized with a given `mean`/`std` that is undone.

Images are then shrunk (never enlarged) so that their longer side is at most `size` pixels, keeping the
aspect ratio. Everything here is NumPy/Pillow: frameworks hand over host arrays (see `to_numpy`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from PIL import Image as PILImage

from ..errors import ExportError
from .sources import image_inputs

Layout = Literal["NCHW", "NHWC"]
ToNumpy = Callable[[Any], np.ndarray]
Thumbnails = np.ndarray | list[np.ndarray]  # uint8 (N, h, w[, 3]) or one (h, w[, 3]) array per image
RANGE_TOLERANCE = 0.02  # of the [0, 1] range, for rounding after undoing a normalization (both thumbnail paths)


@dataclass
class Thumbnailer:
    """Turns a batch of framework inputs into a list of uint8 (H, W) or (H, W, 3) thumbnails."""

    to_numpy: ToNumpy
    layout: Layout = "NCHW"
    size: int = 64
    mean: Sequence[float] | None = None
    std: Sequence[float] | None = None
    fn: Callable[[Any], Any] | None = None
    fast_path: Callable[[Any, int, Sequence[float] | None, Sequence[float] | None], np.ndarray | None] | None = None
    """Optional framework shortcut `(inputs, size, mean, std) -> uint8 (N, H, W[, 3]) thumbnails or None`,
    e.g. on the accelerator before the host copy; None falls back to the NumPy path (and its errors)."""

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ExportError(f"thumbnail_size must be a positive number of pixels (e.g. 64), not {self.size}")
        if (self.mean is None) != (self.std is None):
            raise ExportError("give both mean= and std= (the normalization of the inputs), or neither")
        self._normalization = (
            None
            if self.mean is None or self.std is None
            else (np.asarray(self.mean, np.float32).reshape(-1), np.asarray(self.std, np.float32).reshape(-1))
        )

    def from_inputs(self, inputs: Any) -> Thumbnails:
        """Thumbnails of one batch of inputs (through the user function if there is one)."""
        if self.fn is not None:
            return self.from_images(self.to_numpy(self.fn(inputs)), layout=None, denormalize=False)
        if self.fast_path is not None:
            pixels = self.fast_path(inputs, self.size, self.mean, self.std)
            if pixels is not None:
                return pixels
        return self.from_images(self.to_numpy(image_inputs(inputs)), layout=self.layout, denormalize=True)

    def from_images(
        self, batch: np.ndarray | Sequence[np.ndarray], layout: Layout | None, denormalize: bool
    ) -> Thumbnails:
        """uint8 thumbnails of a batch array (N, ...) or a sequence of single images.

        A batch array gives one contiguous uint8 array (N, h, w[, 3]) (what batch encoders like best).
        """
        if not isinstance(batch, np.ndarray):
            return [self._one(np.asarray(image), layout, denormalize) for image in batch]
        if batch.ndim == 3:  # (N, H, W) greyscale
            batch = batch[:, None] if layout != "NHWC" else batch[..., None]
        if batch.ndim != 4:
            raise ExportError(
                f"cannot make thumbnails from inputs of shape {tuple(batch.shape)}: expected images (N, C, H, W) "
                "or (N, H, W, C) with 1 or 3 channels. Pass thumbnails=fn (inputs -> images), a display "
                "dataset, or thumbnails=False"
            )
        channels_last = _channel_axis(batch.shape[1:], layout) == 2
        hwc = batch if channels_last else np.moveaxis(batch, 1, -1)
        pixels = self._to_uint8(hwc, denormalize)
        if max(pixels.shape[1:3], default=0) <= self.size:
            return pixels
        return np.stack([self._shrink(image) for image in pixels]) if len(pixels) else pixels[:, :0, :0]

    def _one(self, image: np.ndarray, layout: Layout | None, denormalize: bool) -> np.ndarray:
        return self.from_images(image[None], layout, denormalize)[0]

    def _to_uint8(self, hwc: np.ndarray, denormalize: bool) -> np.ndarray:
        """(N, H, W, C) of any dtype -> uint8 (N, H, W) or (N, H, W, 3)."""
        if hwc.dtype == np.uint8:
            pixels = hwc
        elif hwc.dtype == np.bool_:
            pixels = hwc.astype(np.uint8) * 255
        elif np.issubdtype(hwc.dtype, np.integer):
            if hwc.size and (hwc.min() < 0 or hwc.max() > 255):
                raise ExportError(
                    f"cannot make thumbnails: integer images must lie in [0, 255]; found values in [{hwc.min()}, "
                    f"{hwc.max()}]. Pass thumbnails=fn returning displayable images, a display dataset, or "
                    "thumbnails=False"
                )
            pixels = hwc.astype(np.uint8)
        else:
            pixels = self._float_to_uint8(hwc, denormalize)
        pixels = pixels[..., 0] if pixels.shape[-1] == 1 else pixels
        return np.ascontiguousarray(pixels)

    def _float_to_uint8(self, hwc: np.ndarray, denormalize: bool) -> np.ndarray:
        values = np.asarray(hwc, np.float32)
        owned = values is not hwc and not np.shares_memory(values, hwc)
        if denormalize and self._normalization is not None:
            mean, std = self._normalization
            channels = values.shape[-1]
            if mean.size not in (1, channels) or std.size not in (1, channels):
                raise ExportError(
                    f"mean= and std= have {mean.size} and {std.size} values but the images have {channels} channels; "
                    "give one value per channel (or one for all)"
                )
            values, owned = values * std + mean, True
        lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
        if not (np.isfinite(lo) and np.isfinite(hi)):  # thumbnails are for looking at: bad pixels black/white
            values, owned = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=0.0), True
            lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
        if lo < -RANGE_TOLERANCE or hi > 1 + RANGE_TOLERANCE:
            raise ExportError(_range_message(lo, hi, denormalize and self._normalization is not None))
        scaled = np.clip(values, 0.0, 1.0, out=values if owned else None)
        np.multiply(scaled, 255.0, out=scaled)
        np.rint(scaled, out=scaled)
        # One contiguous (N, H, W, C) copy, so that every image handed to the encoder is contiguous.
        return np.ascontiguousarray(scaled.astype(np.uint8))

    def _shrink(self, image: np.ndarray) -> np.ndarray:
        height, width = image.shape[:2]
        longer = max(height, width)
        if longer <= self.size:
            return image
        scale = self.size / longer
        new = (max(1, round(width * scale)), max(1, round(height * scale)))
        pil = PILImage.fromarray(np.ascontiguousarray(image))
        return np.asarray(pil.resize(new, PILImage.Resampling.BILINEAR, reducing_gap=2.0))


def _range_message(lo: float, hi: float, denormalized: bool) -> str:
    """Why float images in [lo, hi] cannot be shown, and the fix that fits the range seen."""
    seen = f"cannot make thumbnails: float images must lie in [0, 1], but these lie in [{lo:.4g}, {hi:.4g}]"
    pixel_values = lo >= -RANGE_TOLERANCE and hi <= 255 * (1 + RANGE_TOLERANCE) and hi > 2
    if denormalized and pixel_values:
        return (
            f"{seen} after undoing mean= and std=: those look like 0..255 pixel values, so mean= and std= are "
            "given in 0..255 units; give them in [0, 1] units (divided by 255, e.g. mean=(0.485, 0.456, 0.406), "
            "std=(0.229, 0.224, 0.225)), or pass thumbnails=fn returning displayable images"
        )
    if denormalized:
        return (
            f"{seen} after undoing mean= and std=: those are not the normalization the inputs had; pass the "
            "mean= and std= the inputs were normalized with, thumbnails=fn returning displayable images, a "
            "display dataset, or thumbnails=False"
        )
    if pixel_values:
        return (
            f"{seen}: they look like 0..255 pixel values stored as floats. If the model expects inputs in [0, 1], "
            "scale them (x / 255, e.g. torchvision's ToTensor or ConvertImageDtype); if it takes 0..255 inputs, "
            "pass thumbnails=lambda x: x / 255; or thumbnails=False"
        )
    return (
        f"{seen}: they look normalized, so pass mean= and std= as the model's inputs were normalized (e.g. "
        "ImageNet's mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)) for the exporter to undo it, or "
        "thumbnails=fn returning displayable images, a display dataset, or thumbnails=False"
    )


def _channel_axis(shape: tuple[int, ...], layout: Layout | None) -> int | None:
    """Index (0 or 2) of the channel axis of a single image of `shape`, or None if it is not (C, H, W)/(H, W, C)."""
    if len(shape) != 3:
        return None
    if layout == "NCHW":
        return 0
    if layout == "NHWC":
        return 2
    first, last = shape[0] in (1, 3), shape[-1] in (1, 3)
    if last and not first:
        return 2
    if first and not last:
        return 0
    if first and last:
        raise ExportError(
            f"cannot tell whether images of shape {shape} are channels-first or -last; give images (H, W, C) "
            "with C 1 or 3 (e.g. from thumbnails=fn or the display dataset)"
        )
    raise ExportError(
        f"images of shape {shape} have no channel axis of size 1 or 3 (greyscale or RGB); give images (H, W, C) "
        "with C 1 or 3 (e.g. from thumbnails=fn or the display dataset), or pass thumbnails=False"
    )


class DisplayStream:
    """Images of a separate display dataset, handed out in step with the recorded batches.

    `batches` yields batches (arrays, or tuples whose first element is the images), in the order of the
    recorded dataset; batch sizes may differ from the recorded ones.
    """

    def __init__(self, batches: Iterable[Any], thumbnailer: Thumbnailer, dataset: str):
        self._iter: Iterator[Any] = iter(batches)
        self._thumbnailer = thumbnailer
        self._dataset = dataset
        self._buffer: list[np.ndarray] = []
        self._served = 0

    def take(self, n: int) -> list[np.ndarray]:
        while len(self._buffer) < n:
            try:
                batch = next(self._iter)
            except StopIteration:
                raise ExportError(
                    f"dataset {self._dataset!r}: the display dataset ran out after "
                    f"{self._served + len(self._buffer)} images; it must hold as many images as the dataset, "
                    "in the same order"
                ) from None
            if isinstance(batch, (tuple, list)) and batch and not isinstance(batch[0], (int, float)):
                batch = batch[0]
            elif isinstance(batch, dict):
                batch = image_inputs(batch)
            batch = batch if isinstance(batch, (list, tuple)) else self._thumbnailer.to_numpy(batch)
            self._buffer.extend(self._thumbnailer.from_images(batch, layout=None, denormalize=False))
        taken, self._buffer = self._buffer[:n], self._buffer[n:]
        self._served += n
        return taken
