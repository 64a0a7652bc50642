"""Spatial maps from the Flax exporter, NNX and Linen (issue 14): reduced in the jitted forward, only the
candidates' maps leaving the device."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import linen, nnx
from flax_models import TokenNet, pixels

import deephys
import deephys.flax
from deephys.format.maps import reduce_maps

SIZE, PATCH = 28, 4
EDGE = PATCH - 1  # the square lies at least EDGE pixels from the borders
KERNEL = np.full((PATCH, PATCH, 3), 1 / (3 * PATCH * PATCH), np.float32)  # the mean of the window
# Unit 0: the window's mean (its map peaks on the square); unit 1: its negative (dead after ReLU); unit 2: half.
KERNELS = np.stack([KERNEL, -KERNEL, 0.5 * KERNEL], axis=-1)  # (PATCH, PATCH, 3, 3) HWIO
BIAS = np.array([0.0, 0.0, 0.05], np.float32)


def patch_images(n: int, seed: int, brightness: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Black NHWC images with one grey square each at a known random place; (images, places)."""
    rng = np.random.default_rng(seed)
    places = rng.integers(EDGE, SIZE - PATCH - EDGE + 1, (n, 2))
    levels = rng.uniform(0.2, 1.0, n) if brightness is None else brightness
    images = np.zeros((n, SIZE, SIZE, 3), np.float32)
    for image, (y, x), level in zip(images, places, levels, strict=True):
        image[y : y + PATCH, x : x + PATCH] = level
    return images, places


class PatchNet(nnx.Module):
    def __init__(self) -> None:
        rngs = nnx.Rngs(0)
        self.conv = nnx.Conv(3, 3, (PATCH, PATCH), padding="VALID", rngs=rngs)
        self.conv.kernel[...] = jnp.asarray(KERNELS)
        self.conv.bias[...] = jnp.asarray(BIAS)
        self.fc = nnx.Linear(3, 4, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.fc(nnx.relu(self.conv(x)).mean(axis=(1, 2)))


class LinenPatchNet(linen.Module):
    @linen.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        x = linen.Conv(3, (PATCH, PATCH), padding="VALID", name="conv")(x)
        return linen.Dense(4, name="fc")(linen.relu(x).mean(axis=(1, 2)))


def reference(images: np.ndarray) -> np.ndarray:
    """The ReLU'd conv maps (N, 3, 25, 25), computed directly with NumPy."""
    windows = np.lib.stride_tricks.sliding_window_view(images, (PATCH, PATCH), axis=(1, 2))  # N, 25, 25, 3, P, P
    maps = np.einsum("nyxcij,ijco->noyx", windows, KERNELS) + BIAS[None, :, None, None]
    return np.maximum(maps, 0)


def export(model: Any, images: np.ndarray, path: Path, **options: Any) -> deephys.Run:
    labels = np.arange(len(images)) % 4
    batches = [(images[i : i + 8], labels[i : i + 8]) for i in range(0, len(images), 8)]
    result = deephys.flax.export(
        model, {"ID": batches}, layers=["conv", "fc"], path=path, progress=False, relu=["conv"], **options
    )
    return deephys.open(result)


def check_maps(run: deephys.Run, images: np.ndarray) -> None:
    """Every kept map is its image's reduced reference map (within the uint8 steps) and averages to the stored
    activation within 1% of the map's maximum."""
    dataset = run.datasets["ID"]
    activations = dataset.activations("conv")
    expected = reduce_maps(reference(images))
    for unit in range(3):
        top, _ = dataset.summary("conv").top_images(unit)
        maps = dataset.top_maps("conv", unit)
        assert maps is not None
        for image, stored in zip(top[: len(maps)], maps, strict=True):
            want = expected[image, unit]
            assert np.abs(stored - want).max() <= (want.max() - want.min()) / 255 + 1e-5, (unit, image)
            assert abs(stored.mean() - activations[image, unit]) <= 0.01 * np.abs(stored).max(), (unit, image)


def test_nnx_maps_peak_where_the_patch_is_and_average_to_the_activation(tmp_path: Path) -> None:
    images, places = patch_images(40, seed=0)
    with export(PatchNet(), images, tmp_path / "r.deephys") as run:
        dataset = run.datasets["ID"]
        maps = dataset.all_top_maps("conv")
        assert maps is not None and maps.shape == (3, 32, 16, 16)
        top, _ = dataset.summary("conv").top_images(0)
        for image, stored in zip(top[:32], dataset.top_maps("conv", 0), strict=True):
            cell = np.unravel_index(np.argmax(stored), stored.shape)
            assert np.abs(np.array(cell) - (places[image] * 16) // 25).max() <= 1, (image, cell, places[image])
        check_maps(run, images)


def test_linen_maps_and_ties_of_the_stored_dtype(tmp_path: Path) -> None:
    variables = LinenPatchNet().init(jax.random.key(0), np.zeros((1, SIZE, SIZE, 3), np.float32))
    params = {**variables["params"], "conv": {"kernel": jnp.asarray(KERNELS), "bias": jnp.asarray(BIAS)}}
    images, _ = patch_images(48, seed=1, brightness=0.9 + 1e-4 * np.arange(48))  # ties once stored as float16
    options: dict[str, Any] = {"variables": {"params": params}, "map_images": 4, "writer_options": {"top_k": 8}}
    with export(LinenPatchNet(), images, tmp_path / "f32.deephys", **options) as run:
        wide = run.datasets["ID"].summary("conv").top_indices[0, :4].tolist()
        check_maps(run, images)
    with export(LinenPatchNet(), images, tmp_path / "f16.deephys", activation_dtype="float16", **options) as run:
        assert run.datasets["ID"].summary("conv").top_indices[0, :4].tolist() != wide
        check_maps(run, images)


@pytest.mark.filterwarnings("ignore::deephys.export.errors.NoReadoutWarning")  # its head reads a normed CLS
def test_token_maps_lie_on_the_patch_grid(tmp_path: Path) -> None:
    images, labels = pixels(12)
    batches = [(images[i : i + 4] / np.float32(255), labels[i : i + 4]) for i in range(0, 12, 4)]
    result = deephys.flax.export(
        TokenNet(nnx.Rngs(0)), {"ID": batches}, layers=["embed", "head"], path=tmp_path / "t.deephys", progress=False
    )
    with deephys.open(result) as run:
        dataset = run.datasets["ID"]
        maps = dataset.all_top_maps("embed")  # 8 x 8 images in 2 x 2 patches: 16 tokens on a 4 x 4 grid
        assert maps is not None and maps.shape[2:] == (4, 4)
        activations = dataset.activations("embed")  # token_mean: each map averages to the activation
        for unit in range(activations.shape[1]):
            top, _ = dataset.summary("embed").top_images(unit)
            for image, stored in zip(top, dataset.top_maps("embed", unit), strict=False):
                assert abs(stored.mean() - activations[image, unit]) <= 0.01 * np.abs(stored).max()
