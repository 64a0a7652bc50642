"""Thumbnails (normalized inputs, resizing, functions, display datasets) and dtypes (bf16, fp16, autocast)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch_models import MLP, ResNet, image_batches

import deephys.torch

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def export(model: nn.Module, datasets: dict, layers: list, path: Path, **options):
    return deephys.torch.export(model, datasets, layers=layers, path=path, progress=False, **options)


def test_normalized_inputs_are_undone(tmp_path: Path) -> None:
    raw = image_batches(6, 8, 3)
    mean, std = torch.tensor(MEAN)[:, None, None], torch.tensor(STD)[:, None, None]
    normalized = [((x - mean) / std, y) for x, y in raw]
    result = export(MLP(), {"ID": normalized}, ["fc1", "fc2"], tmp_path / "r.deephys", mean=MEAN, std=STD)
    with result.open() as run:
        for i in range(6):
            expected = raw[i // 3][0][i % 3].permute(1, 2, 0).numpy() * 255
            assert np.abs(run.datasets["ID"].image(i).astype(float) - expected).max() <= 1.0


def test_large_images_shrink_keeping_the_aspect_ratio(tmp_path: Path) -> None:
    batches = [(torch.rand(2, 3, 48, 96), torch.zeros(2, dtype=torch.long))]
    model = nn.Sequential(nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(12, 3))
    result = export(model, {"ID": batches}, ["2"], tmp_path / "r.deephys", thumbnail_size=32)
    with result.open() as run:
        assert run.datasets["ID"].image(0).shape == (16, 32, 3)


def test_thumbnail_function_and_display_dataset(tmp_path: Path) -> None:
    batches = image_batches(10, 8, 4)
    grey = export(
        MLP(), {"ID": batches}, ["fc1", "fc2"], tmp_path / "a.deephys", thumbnails=lambda x: x.mean(1)
    )  # (N, H, W) greyscale
    display = [(torch.randint(0, 256, (5, 12, 12, 3), dtype=torch.uint8),) for _ in range(2)]  # other batch size
    shown = export(MLP(), {"ID": batches}, ["fc1", "fc2"], tmp_path / "b.deephys", display={"ID": display})
    with grey.open() as run:
        assert run.datasets["ID"].image(3).shape == (8, 8, 1)
    with shown.open() as run:
        np.testing.assert_array_equal(run.datasets["ID"].image(7), display[1][0][2].numpy())


def test_bfloat16_model_stores_bfloat16_vectors_and_float32_means(tmp_path: Path) -> None:
    model = ResNet().to(torch.bfloat16)
    batches = image_batches(8, 8, 4)
    result = export(model, {"ID": batches}, ["layers.1", "fc"], tmp_path / "r.deephys")
    model.eval()
    with result.open() as run:
        dataset = run.datasets["ID"]
        assert dataset.dtype("fc") == "bfloat16" and dataset.dtype("layers.1") == "float32"
        with torch.no_grad():
            logits = model(torch.cat([x for x, _ in batches]).to(torch.bfloat16)).float().numpy()
        np.testing.assert_array_equal(dataset.activations("fc"), logits)
        np.testing.assert_array_equal(dataset.predictions, logits.argmax(1))


def test_autocast_and_float16(tmp_path: Path) -> None:
    batches = image_batches(8, 8, 4)
    result = export(ResNet(), {"ID": batches}, ["layers.1", "fc"], tmp_path / "r.deephys", autocast=torch.bfloat16)
    with result.open() as run:
        assert run.datasets["ID"].dtype("fc") == "bfloat16"
        assert np.isfinite(run.datasets["ID"].activations("layers.1")).all()
    half = export(MLP().half(), {"ID": batches}, ["fc1", "fc2"], tmp_path / "h.deephys", activation_dtype="float32")
    with half.open() as run:
        assert run.datasets["ID"].dtype("fc2") == "float32"


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_custom_and_named_pooling(tmp_path: Path, pooling: str) -> None:
    model = ResNet()
    result = export(
        model,
        {"ID": image_batches(4, 8, 4)},
        ["layers.1", "fc"],
        tmp_path / "r.deephys",
        pooling={"layers.1": (lambda x: x.flatten(2).std(2)) if pooling == "max" else "mean"},
        thumbnails=False,
    )
    with result.open() as run:
        layer = run.model.layer("layers.1")
        assert layer.pooling == ("custom" if pooling == "max" else "spatial_mean")


def test_device_thumbnails_match_the_numpy_path() -> None:
    """The accelerator path (used off-CPU) gives the NumPy path's pixels, and shrinks like it."""
    from deephys._torch.thumbnails import thumbnail_pixels
    from deephys.export.thumbnails import Thumbnailer

    mean, std = torch.tensor(MEAN)[:, None, None], torch.tensor(STD)[:, None, None]
    x = (torch.rand(5, 3, 20, 40) - mean) / std
    on_device = thumbnail_pixels(x, 64, MEAN, STD)
    on_host = np.stack(Thumbnailer(lambda t: t.numpy(), mean=MEAN, std=STD).from_inputs(x))
    assert on_device.shape == on_host.shape == (5, 20, 40, 3)
    assert np.abs(on_device.astype(int) - on_host).max() <= 1
    assert thumbnail_pixels(x, 16, MEAN, STD).shape == (5, 8, 16, 3)
    assert thumbnail_pixels(x, 64, None, None) is None  # out of [0, 1]: the NumPy path explains
    assert thumbnail_pixels(torch.rand(2, 1, 8, 8), 64, None, None).shape == (2, 8, 8)
