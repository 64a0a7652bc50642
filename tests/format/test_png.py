"""The NumPy + zlib PNG encoder: valid files that Pillow and Chromium decode to exactly the input,
filters chosen as libpng does, and the float -> uint8 conversion of thumbnails."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
from format_helpers import time_limit  # noqa: F401 (autouse: no test may hang)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from deephys.format import images, png

SHAPES = [(1, 1), (1, 9), (9, 1), (5, 7), (1, 1, 3), (1, 9, 3), (9, 1, 3), (17, 33, 3), (32, 32, 3), (3, 300, 3)]


def decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as pil:
        pil.load()
        assert pil.format == "PNG"
        return np.asarray(pil)


def pictures(shape: tuple[int, ...], seed: int = 0) -> list[np.ndarray]:
    """Noise, flat (exercises full deflate), a gradient and stripes of the shape."""
    rng = np.random.default_rng(seed)
    gradient = (np.arange(int(np.prod(shape))).reshape(shape) * 7 % 256).astype(np.uint8)
    stripes = np.zeros(shape, np.uint8)
    stripes[::2] = 255
    return [rng.integers(0, 256, shape, dtype=np.uint8), np.full(shape, 200, np.uint8), gradient, stripes]


@pytest.mark.parametrize("shape", SHAPES)
def test_pillow_decodes_exactly_what_was_encoded(shape: tuple[int, ...]) -> None:
    batch = np.stack(pictures(shape))
    for picture, data in zip(batch, png.encode_batch(batch)):
        np.testing.assert_array_equal(decode(data), picture)
        assert data == png.encode(picture)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.uint8,
        st.tuples(st.integers(1, 4), st.integers(1, 12), st.integers(1, 12), st.sampled_from([1, 3])),
        elements=st.integers(0, 255),
    )
)
def test_any_batch_round_trips(batch: np.ndarray) -> None:
    batch = batch[..., 0] if batch.shape[-1] == 1 else batch
    for picture, data in zip(batch, png.encode_batch(batch)):
        np.testing.assert_array_equal(decode(data), picture)


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == png.SIGNATURE
    out, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack_from(">I", data, offset)
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack_from(">I", data, offset + 8 + length)
        assert crc == zlib.crc32(kind + body)
        out.append((kind, body))
        offset += 12 + length
    return out


def reference_filter(picture: np.ndarray) -> bytes:
    """Each row filtered with the type whose output has the least sum of |signed bytes| (ties: lower type),
    one byte at a time as the PNG specification writes the filters."""
    height = picture.shape[0]
    bpp = 3 if picture.ndim == 3 else 1
    rows = picture.reshape(height, -1).astype(int)
    out = bytearray()
    for y in range(height):
        row = rows[y]
        up = rows[y - 1] if y else np.zeros_like(row)
        candidates = []
        for kind in range(5):
            line = []
            for i, x in enumerate(row):
                a = row[i - bpp] if i >= bpp else 0
                b = up[i]
                c = up[i - bpp] if i >= bpp else 0
                if kind == 0:
                    predictor = 0
                elif kind == 1:
                    predictor = a
                elif kind == 2:
                    predictor = b
                elif kind == 3:
                    predictor = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    predictor = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line.append((x - predictor) % 256)
            candidates.append((sum(v if v < 128 else 256 - v for v in line), kind, line))
        _, kind, line = min(candidates, key=lambda c: (c[0], c[1]))
        out += bytes([kind, *line])
    return bytes(out)


@pytest.mark.parametrize("shape", [(1, 1), (4, 9), (9, 1), (6, 5, 3), (1, 7, 3)])
def test_file_structure_and_filters(shape: tuple[int, ...]) -> None:
    for picture in pictures(shape, seed=3):
        parts = chunks(png.encode(picture))
        assert [kind for kind, _ in parts] == [b"IHDR", b"IDAT", b"IEND"]
        width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", parts[0][1])
        assert (height, width, depth, colour) == (shape[0], shape[1], 8, 2 if len(shape) == 3 else 0)
        assert (compression, filtering, interlace) == (0, 0, 0)
        assert zlib.decompress(parts[1][1]) == reference_filter(picture)


@pytest.mark.parametrize("shape", [(9, 20, 3), (7, 5), (1, 30, 3)])
def test_large_images_are_filtered_in_bands(shape: tuple[int, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(png, "_FILTER_BYTES", 40)  # a few rows per band, one row per band, or part of a row
    for picture in pictures(shape, seed=4):
        assert zlib.decompress(chunks(png.encode(picture))[1][1]) == reference_filter(picture)


def test_flat_pictures_get_full_deflate() -> None:
    flat = np.zeros((64, 64, 3), np.uint8)
    flat[16:48, 16:48] = (200, 30, 90)
    data = png.encode(flat)
    assert len(data) < 200  # Huffman coding alone needs at least 1 bit per byte: over 1.5 KB
    np.testing.assert_array_equal(decode(data), flat)


def test_header_refuses_empty_images() -> None:
    with pytest.raises(ValueError, match="1 to"):
        png.header(0, 5, 3)
    assert png.encode_batch(np.zeros((0, 4, 4, 3), np.uint8)) == []


def chromium() -> str | None:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("DEEPHYS_REQUIRE_BROWSER"):
        pytest.fail("Chromium is required (DEEPHYS_REQUIRE_BROWSER) but not found")
    return found


def test_chromium_decodes_exactly_what_was_encoded(tmp_path: Path) -> None:
    browser = chromium()
    if browser is None:
        pytest.skip("Chromium not found")
    cases = [picture for shape in SHAPES for picture in pictures(shape, seed=5)]
    tags = "".join(f'<img src="data:image/png;base64,{base64.b64encode(png.encode(p)).decode()}">' for p in cases)
    page = tmp_path / "decode.html"
    page.write_text(f"""<!doctype html><html><body>{tags}<pre id="out"></pre><script>
window.addEventListener("load", () => {{
  const result = [];
  for (const img of document.querySelectorAll("img")) {{
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    result.push([img.naturalWidth, img.naturalHeight,
                 Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data)]);
  }}
  document.getElementById("out").textContent = JSON.stringify(result);
}});
</script></body></html>""")
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="out">(.+?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    decoded = json.loads(html.unescape(found.group(1)))
    assert len(decoded) == len(cases)
    for picture, (width, height, rgba) in zip(cases, decoded):
        assert (height, width) == picture.shape[:2]
        rgba = np.array(rgba, np.uint8).reshape(height, width, 4)
        want = picture if picture.ndim == 3 else np.repeat(picture[..., None], 3, axis=2)
        np.testing.assert_array_equal(rgba[..., :3], want)
        assert (rgba[..., 3] == 255).all()


# ---- float pixels to uint8 ----------------------------------------------------------------


def reference_uint8(x: np.ndarray) -> np.ndarray:
    return np.rint(np.clip(x.astype(np.float64), 0.0, 1.0) * 255.0).astype(np.uint8)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_pixels_round_as_before(dtype) -> None:
    # Exact halves k + 0.5 (after * 255), their neighbours, the ends of the allowed range, and random values.
    halves = (np.arange(256) + 0.5) / 255
    values = np.concatenate(
        [
            halves,
            np.nextafter(halves, 2),
            np.nextafter(halves, -1),
            np.random.default_rng(0).random(5000),
            [0.0, 1.0, -1e-3, 1 + 1e-3, -0.0],
        ]
    ).astype(dtype)
    wide = values.astype(np.float64)
    values = values[(wide >= -1e-3) & (wide <= 1 + 1e-3)]  # what the check lets through
    got = images.to_uint8(values.reshape(1, 1, -1))
    np.testing.assert_array_equal(got.ravel(), reference_uint8(values))


def test_batch_conversion_equals_one_image_at_a_time() -> None:
    rng = np.random.default_rng(2)
    nchw = rng.random((7, 3, 5, 6), dtype=np.float32)
    batch = images.to_uint8(nchw)
    assert batch.shape == (7, 5, 6, 3) and batch.flags.c_contiguous
    for i in range(7):
        np.testing.assert_array_equal(batch[i], images.to_uint8_image(nchw[i]))
        np.testing.assert_array_equal(batch[i], reference_uint8(np.moveaxis(nchw[i], 0, -1)))
    grey = rng.integers(0, 256, (4, 5, 2, 1), dtype=np.uint8)
    np.testing.assert_array_equal(images.to_uint8(grey), grey[..., 0])
    assert not np.shares_memory(images.to_uint8(grey), grey)  # a copy: the caller may change its array
