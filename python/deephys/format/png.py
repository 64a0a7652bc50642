"""A PNG encoder in NumPy + zlib, for batches of thumbnails.

Pillow encodes one image per call and spends most of its time in per-call
overhead with the GIL held. Here the five PNG filters (None, Sub, Up, Average,
Paeth) are computed for a whole batch at once: every predictor reads the raw
(unfiltered) neighbour bytes, so all rows of all images are filtered in a few
vectorized passes. Each row gets the filter whose output has the smallest sum
of absolute values (bytes read as signed), the heuristic of libpng. Then each
image is deflated with `zlib` (which releases the GIL, so worker threads run in
parallel) and wrapped in the IHDR, IDAT and IEND chunks.

Deflate: Huffman coding alone (`Z_HUFFMAN_ONLY`, no LZ77 matching) is as small
as full deflate on the filtered rows of photographs and noisy pictures, where
long matches are rare (often smaller: level 6 spends bits on short matches),
and two to three times faster. On flat, synthetic-looking images (large uniform
areas, repeated patterns) matching pays off; so when Huffman coding alone
already shrinks an image below `_RETRY_RATIO` of its raw size, full deflate
(level 6) is tried too and the smaller stream is kept.

Output: 8-bit greyscale (colour type 0) or RGB (colour type 2), no interlace,
one IDAT chunk; decoders (Pillow, browsers) return exactly the input pixels.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from ..errors import UsageError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IHDR = struct.Struct(">IIBBBBB")
_LENGTH = struct.Struct(">I")
_COLOUR_TYPE = {1: 0, 3: 2}  # channels -> PNG colour type (grey, RGB)
_RETRY_RATIO = 0.4
_RETRY_LEVEL = 6
_FILTER_BYTES = 64 << 10  # raw bytes filtered per step: the work arrays (about 20 times as big) stay in the caches
MAX_SIDE = 2**31 - 1  # PNG's limit on width and height


def chunk(kind: bytes, data: bytes) -> bytes:
    return _LENGTH.pack(len(data)) + kind + data + _LENGTH.pack(zlib.crc32(data, zlib.crc32(kind)))


IEND = chunk(b"IEND", b"")


def header(width: int, height: int, channels: int) -> bytes:
    """Signature and IHDR chunk of an 8-bit image of this size."""
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise UsageError(f"a PNG image must be 1 to {MAX_SIDE} pixels wide and high, not {width}x{height}")
    return SIGNATURE + chunk(b"IHDR", _IHDR.pack(width, height, 8, _COLOUR_TYPE[channels], 0, 0, 0))


def filter_rows(rows: np.ndarray, bpp: int) -> np.ndarray:
    """Filter a batch of images given as raw rows (N, H, row bytes) uint8.

    Returns (N, H, 1 + row bytes) uint8: each row preceded by its filter type,
    as it goes into the zlib stream.
    """
    n, height, width = rows.shape
    # Each image is laid out with a zero row above it and `bpp` zero bytes left of
    # each row, all in one flat buffer (after `guard` zero bytes): then the
    # neighbours a (left), b (up) and c (up-left) of every byte are the same
    # buffer shifted by bpp, span and span + bpp bytes, and every filter is a
    # few ufunc calls over contiguous memory. The padding positions get
    # filtered too, and are dropped at the end.
    span = width + bpp
    size = n * (height + 1) * span
    guard = span + bpp
    buffer = np.zeros(guard + size, np.uint8)
    buffer[guard:].reshape(n, height + 1, span)[:, 1:, bpp:] = rows
    x = buffer[guard:]
    a = buffer[guard - bpp : guard - bpp + size]
    b = buffer[guard - span : guard - span + size]
    c = buffer[:size]

    filtered = np.empty((5, size), np.uint8)  # None, Sub, Up, Average, Paeth
    filtered[0] = x
    np.subtract(x, a, out=filtered[1])
    np.subtract(x, b, out=filtered[2])
    average = filtered[3]  # floor((a + b) / 2) without overflow: ((a ^ b) >> 1) + (a & b)
    np.bitwise_xor(a, b, out=average)
    average >>= 1
    average += a & b
    np.subtract(x, average, out=average)
    # Paeth: p = a + b - c; pa = |p - a| = |b - c|, pb = |p - b| = |a - c|, pc = |p - c| = |(b - c) + (a - c)|;
    # the predictor is a if pa <= pb and pa <= pc, else b if pb <= pc, else c.
    pa = np.subtract(b, c, dtype=np.int16)
    pb = np.subtract(a, c, dtype=np.int16)
    pc = np.add(pa, pb)
    np.abs(pa, out=pa)
    np.abs(pb, out=pb)
    np.abs(pc, out=pc)
    # Selections by masks of 0x00/0xFF bytes: sel(m, p, q) = q ^ ((p ^ q) & m).
    mask = np.less_equal(pb, pc).view(np.uint8)
    np.negative(mask, out=mask)
    predictor = np.bitwise_xor(b, c)
    predictor &= mask
    predictor ^= c
    use_a = np.less_equal(pa, pb)
    use_a &= np.less_equal(pa, pc)
    mask = use_a.view(np.uint8)
    np.negative(mask, out=mask)
    mask &= np.bitwise_xor(a, predictor)
    predictor ^= mask
    np.subtract(x, predictor, out=filtered[4])
    del pa, pb, pc, mask, use_a, predictor

    # Per row, the filter with the least sum of |byte read as int8|, ties to the lower type (libpng's heuristic).
    # abs(int8) leaves -128 as -128, which reads back as 128 in uint8.
    scores = np.empty((5, n, height), np.uint32)
    for kind in range(5):
        magnitude = np.abs(filtered[kind].view(np.int8)).view(np.uint8).reshape(n, height + 1, span)
        np.sum(magnitude[:, 1:, bpp:], axis=-1, dtype=np.uint32, out=scores[kind])
    choice = np.argmin(scores, axis=0).ravel()
    # Gather each row of the chosen filter with the byte before it, which becomes the filter type.
    by_row = filtered.reshape(5, n * (height + 1), span)
    row = (np.arange(n)[:, None] * (height + 1) + np.arange(1, height + 1)).ravel()
    by_row[choice, row, bpp - 1] = choice
    return by_row[choice, row, bpp - 1 :].reshape(n, height, width + 1)


def deflate(data: bytes | memoryview, raw_size: int | None = None) -> bytes:
    """zlib stream of one image's filtered rows (see the module's notes)."""
    raw_size = len(data) if raw_size is None else raw_size
    compressor = zlib.compressobj(1, zlib.DEFLATED, 15, 8, zlib.Z_HUFFMAN_ONLY)
    stream = compressor.compress(data) + compressor.flush()
    if len(stream) < _RETRY_RATIO * raw_size:
        full = zlib.compress(data, _RETRY_LEVEL)
        if len(full) < len(stream):
            return full
    return stream


def encode_batch(images: np.ndarray) -> list[bytes]:
    """PNG files of a batch of uint8 images (N, H, W) (grey) or (N, H, W, 3) (RGB)."""
    if images.dtype != np.uint8 or images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[3] not in (1, 3)):
        raise UsageError(
            f"encode_batch takes uint8 (N, H, W) or (N, H, W, 3) arrays, not {images.dtype} {images.shape}"
        )
    n, height, width = images.shape[:3]
    channels = 1 if images.ndim == 3 else images.shape[3]
    if n == 0:
        return []
    head = header(width, height, channels)
    rows = images.reshape(n, height, width * channels)
    raw_size = height * width * channels
    if raw_size > _FILTER_BYTES:  # large images: filtered a band of rows at a time
        return [head + chunk(b"IDAT", deflate(_filter_bands(image, channels), raw_size)) + IEND for image in rows]
    step = _FILTER_BYTES // raw_size
    out = []
    for start in range(0, n, step):
        for image in filter_rows(rows[start : start + step], channels):
            out.append(head + chunk(b"IDAT", deflate(image.tobytes(), raw_size)) + IEND)
    return out


def _filter_bands(rows: np.ndarray, bpp: int) -> bytes:
    """Filtered rows of one image (H, row bytes), a band of rows at a time, so that the work arrays stay
    small: a band starts with the row above it, whose own filtered row is dropped."""
    band = max(1, _FILTER_BYTES // rows.shape[1])
    parts = []
    for start in range(0, rows.shape[0], band):
        above = min(start, 1)
        parts.append(filter_rows(rows[None, start - above : start + band], bpp)[0, above:].tobytes())
    return b"".join(parts)


def encode(image: np.ndarray) -> bytes:
    """PNG file of one uint8 image (H, W) or (H, W, 3)."""
    return encode_batch(np.asarray(image)[None])[0]
