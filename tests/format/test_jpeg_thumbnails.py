"""JPEG thumbnails: the libjpeg-turbo fast path and Pillow's give the same kind of file."""

import numpy as np
import pytest

from deephys.format import images


@pytest.mark.parametrize("shape", [(17, 23), (17, 23, 3), (1, 5, 3), (64, 48, 3)])
@pytest.mark.parametrize("fast", [True, False])
def test_jpeg_round_trip_keeps_size_and_channels(shape, fast, monkeypatch):
    if fast and images.simplejpeg is None:
        pytest.skip("simplejpeg not installed")
    if not fast:
        monkeypatch.setattr(images, "simplejpeg", None)
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    smooth = ((yy * 7 + xx * 3) % 256).astype(np.uint8)
    picture = smooth if len(shape) == 2 else np.stack([smooth, 255 - smooth, smooth // 2], axis=-1)
    data = images.encode(picture, "jpeg", 85)
    assert data[:2] == b"\xff\xd8"
    decoded = images.decode(data, images.ENCODINGS["jpeg"])
    channels = 1 if len(shape) == 2 else 3
    assert decoded.shape == (shape[0], shape[1], channels)
    if shape[0] > 8 and shape[1] > 8:
        expected = picture.reshape(decoded.shape).astype(int)
        assert np.abs(decoded.astype(int) - expected).mean() < 12
