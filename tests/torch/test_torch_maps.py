"""Spatial maps from the PyTorch exporter (issue 14): where a unit fires on its top images, reduced on the
device in the same pass, only the candidates' maps leaving it; kept by merge and slim."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch_models import ViT, image_batches

import deephys
import deephys.torch
from deephys.format.maps import reduce_maps
from deephys.merge import merge
from deephys.slim import slim

SIZE, PATCH = 28, 4
EDGE = PATCH - 1  # a bright PATCH x PATCH square at least EDGE pixels from the borders


def patch_images(n: int, seed: int, brightness: np.ndarray | None = None) -> tuple[torch.Tensor, np.ndarray]:
    """Black images with one grey square each, at a known random place; (images (n, 3, SIZE, SIZE), places)."""
    rng = np.random.default_rng(seed)
    places = rng.integers(EDGE, SIZE - PATCH - EDGE + 1, (n, 2))
    levels = rng.uniform(0.2, 1.0, n) if brightness is None else brightness
    images = np.zeros((n, 3, SIZE, SIZE), np.float32)
    for image, (y, x), level in zip(images, places, levels, strict=True):
        image[:, y : y + PATCH, x : x + PATCH] = level
    return torch.from_numpy(images), places


class PatchNet(nn.Module):
    """conv (hand-set): unit 0 is the mean of its PATCH x PATCH window, so its map peaks on the square; unit 1
    its negative (dead after ReLU); unit 2 a fixed ramp plus the window mean. Then spatial mean -> fc."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, PATCH)
        with torch.no_grad():
            mean = torch.full((3, PATCH, PATCH), 1 / (3 * PATCH * PATCH))
            self.conv.weight.copy_(torch.stack([mean, -mean, 0.5 * mean]))
            self.conv.bias.copy_(torch.tensor([0.0, 0.0, 0.05]))
        self.fc = nn.Linear(3, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(F.relu(self.conv(x)).mean(dim=(2, 3)))


def conv_maps(model: PatchNet, images: torch.Tensor) -> np.ndarray:
    """The reference: the unpooled ReLU'd conv maps (N, 3, 25, 25), computed directly."""
    with torch.no_grad():
        return F.relu(model.conv(images)).numpy()


def export(model: nn.Module, images: torch.Tensor, path: Path, **options) -> deephys.Run:
    labels = torch.arange(len(images)) % 4
    data = [(images[i : i + 8], labels[i : i + 8]) for i in range(0, len(images), 8)]
    result = deephys.torch.export(
        model, {"ID": data}, layers=["conv", "fc"], path=path, progress=False, relu=["conv"], **options
    )
    return deephys.open(result)


def check_maps(run: deephys.Run, reference: np.ndarray, tolerance: float = 0.0) -> None:
    """Every kept map is the reduced reference map of its image (within the uint8 steps) and averages to the
    stored activation within 1% of the map's maximum."""
    dataset = run.datasets["ID"]
    activations = dataset.activations("conv")
    expected = reduce_maps(reference)
    for unit in range(3):
        images, _ = dataset.summary("conv").top_images(unit)
        maps = dataset.top_maps("conv", unit)
        assert maps is not None and len(maps) == min(len(images), run_map_images(dataset))
        for image, stored in zip(images, maps, strict=False):
            want = expected[image, unit]
            steps = (want.max() - want.min()) / 255
            assert np.abs(stored - want).max() <= steps + tolerance * np.abs(want).max() + 1e-7, (unit, image)
            assert abs(stored.mean() - activations[image, unit]) <= 0.01 * np.abs(stored).max(), (unit, image)


def run_map_images(dataset: deephys.Dataset) -> int:
    maps = dataset.all_top_maps("conv")
    assert maps is not None
    return maps.shape[1]


def test_maps_peak_where_the_patch_is_and_average_to_the_activation(tmp_path: Path) -> None:
    model = PatchNet()
    images, places = patch_images(40, seed=0)
    with export(model, images, tmp_path / "r.deephys") as run:
        dataset = run.datasets["ID"]
        maps = dataset.all_top_maps("conv")
        assert maps is not None and maps.shape == (3, 32, 16, 16)  # 25 x 25 reduced to 16 x 16
        assert dataset.all_top_maps("fc") is None  # vectors have no maps
        top, _ = dataset.summary("conv").top_images(0)
        for image, stored in zip(top[:32], dataset.top_maps("conv", 0), strict=True):
            cell = np.unravel_index(np.argmax(stored), stored.shape)
            # the window at the square's top-left corner covers it; the 16 cells split 25 positions
            expected = (places[image] * 16) // 25
            assert np.abs(np.array(cell) - expected).max() <= 1, (image, cell, places[image])
        assert len(dataset.top_maps("conv", 1)) == 0  # a dead unit has no top images, so no maps
        check_maps(run, conv_maps(model, images))


def test_ties_of_the_stored_dtype_keep_the_writers_top_images(tmp_path: Path) -> None:
    # Brightness rising by 1e-4 per image: distinct in float32, tied in groups once stored as float16, where the
    # writer ranks the earlier image first -- the device's float32 order would pick the later ones.
    model = PatchNet()
    images, _ = patch_images(48, seed=1, brightness=0.9 + 1e-4 * np.arange(48))
    options = {"map_images": 4, "writer_options": {"top_k": 8}}
    with export(model, images, tmp_path / "f32.deephys", **options) as run:
        wide = run.datasets["ID"].summary("conv").top_indices[0, :4].tolist()
    with export(model, images, tmp_path / "f16.deephys", activation_dtype="float16", **options) as run:
        narrow = run.datasets["ID"].summary("conv").top_indices[0, :4].tolist()
        assert run.datasets["ID"].dtype("conv") == "float16"
        check_maps(run, conv_maps(model, images))
    assert narrow != wide  # the cast reordered the top images; their maps are still theirs (checked above)


def test_maps_under_autocast(tmp_path: Path) -> None:
    model = PatchNet()
    images, _ = patch_images(40, seed=2)
    with export(model, images, tmp_path / "r.deephys", autocast=torch.bfloat16) as run:
        with torch.autocast("cpu", dtype=torch.bfloat16), torch.no_grad():
            reference = F.relu(model.conv(images)).float().numpy()
        check_maps(run, reference, tolerance=0.01)


@pytest.mark.filterwarnings("ignore::deephys.export.errors.NoReadoutWarning")  # the ViT's head reads a normed CLS
def test_map_options_and_token_maps(tmp_path: Path) -> None:
    model = PatchNet()
    images, _ = patch_images(24, seed=3)
    with export(model, images, tmp_path / "off.deephys", spatial_maps=False) as run:
        assert run.datasets["ID"].all_top_maps("conv") is None
    with export(model, images, tmp_path / "small.deephys", map_size=5, map_images=3) as run:
        maps = run.datasets["ID"].all_top_maps("conv")
        assert maps is not None and maps.shape == (3, 3, 5, 5)
    with pytest.raises(deephys.ExportError, match="map_size=100"):
        export(model, images, tmp_path / "big.deephys", map_size=100)
    # Token maps (N, 1 + 16, D): the CLS token left out, the 16 patches on their 4 x 4 grid.
    vit = ViT()
    result = deephys.torch.export(
        vit,
        {"ID": image_batches(12, 16, 4)},
        layers=["blocks.0", "head"],
        path=tmp_path / "vit.deephys",
        progress=False,
    )
    with deephys.open(result) as run:
        maps = run.datasets["ID"].all_top_maps("blocks.0")
        assert maps is not None and maps.shape[2:] == (4, 4)


def test_merge_reranks_the_shards_maps_and_slim_keeps_or_drops_them(tmp_path: Path) -> None:
    model = PatchNet()
    images, _ = patch_images(48, seed=4)
    with export(model, images, tmp_path / "whole.deephys") as whole:
        expected = whole.datasets["ID"].all_top_maps("conv")
        top = whole.datasets["ID"].summary("conv").top_indices[:, :32]
    export(model, images[:24], tmp_path / "a.deephys").close()
    export(model, images[24:], tmp_path / "b.deephys").close()
    merge([tmp_path / "a.deephys", tmp_path / "b.deephys"], tmp_path / "merged.deephys")
    with deephys.open(tmp_path / "merged.deephys") as run:
        np.testing.assert_array_equal(run.datasets["ID"].summary("conv").top_indices[:, :32], top)
        maps = run.datasets["ID"].all_top_maps("conv")
        assert maps is not None and expected is not None
        np.testing.assert_allclose(maps, expected, atol=1e-6)
        check_maps(run, conv_maps(model, images))
    slim(tmp_path / "whole.deephys", tmp_path / "slim.deephys")
    with deephys.open(tmp_path / "slim.deephys") as run:
        maps = run.datasets["ID"].all_top_maps("conv")
        assert maps is not None and expected is not None
        np.testing.assert_allclose(maps, expected, atol=1e-6)
    slim(tmp_path / "whole.deephys", tmp_path / "slim16.deephys", dtype="float16")
    with deephys.open(tmp_path / "slim16.deephys") as run:
        assert run.datasets["ID"].all_top_maps("conv") is None  # re-stored: its top images may change


def test_a_dataset_whose_maps_change_grid_is_refused_with_the_fix(tmp_path: Path) -> None:
    batches = [(torch.rand(4, 3, 12, 12), torch.zeros(4, dtype=torch.long)), (torch.rand(4, 3, 14, 14), torch.ones(4))]
    with pytest.raises(deephys.ExportError, match=r"are 11 x 11 cells, 9 x 9 in earlier batches.*spatial_maps=False"):
        deephys.torch.export(
            PatchNet(),
            {"ID": batches},
            layers=["conv", "fc"],
            path=tmp_path / "r.deephys",
            progress=False,
            relu=["conv"],
        )
    result = deephys.torch.export(
        PatchNet(),
        {"ID": batches},
        layers=["conv", "fc"],
        path=tmp_path / "r.deephys",
        progress=False,
        relu=["conv"],
        spatial_maps=False,
    )
    assert result.datasets == {"ID": 8}
