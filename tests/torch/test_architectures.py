"""Exported activations of real architectures equal an independent computation of the same layers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn
from torch_models import (
    CLASSES,
    MLP,
    ResNet,
    ViT,
    image_batches,
    mlp_reference,
    randomize_batch_norm,
    resnet_reference,
    vit_reference,
)

import deephys
import deephys.torch


@dataclass
class Case:
    make: Callable[[], nn.Module]
    reference: Callable[[Any, torch.Tensor], dict[str, np.ndarray]]
    layers: list[str]
    image_size: int
    options: dict[str, Any]
    poolings: dict[str, str]


CASES = {
    "resnet": Case(
        lambda: randomize_batch_norm(ResNet()),
        resnet_reference,
        ["stem", "layers.0", "layers.1", "fc"],
        24,
        {"pooling": {"layers.0": "max"}},
        {"stem": "spatial_mean", "layers.0": "spatial_max", "layers.1": "spatial_mean", "fc": "none"},
    ),
    "vit": Case(
        ViT,
        vit_reference,
        ["blocks.0", "blocks.1", "head"],
        16,
        {"pooling": {"blocks.1": "first"}},
        {"blocks.0": "token_mean", "blocks.1": "token_first", "head": "none"},
    ),
    "mlp": Case(
        MLP,
        mlp_reference,
        ["fc1", "fc2"],
        8,
        {"relu": ["fc1"]},
        {"fc1": "none", "fc2": "none"},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_activations_labels_predictions_thumbnails(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    model = case.make()
    model.train()  # the exporter must switch to eval (dropout, batch norm) and back
    id_batches = image_batches(40, case.image_size, 16, seed=1)
    ood_batches = image_batches(24, case.image_size, 10, seed=2)
    result = deephys.torch.export(
        model,
        {"ID": id_batches, "OOD": ood_batches},
        layers=case.layers,
        classes=CLASSES,
        path=tmp_path / "run.deephys",
        progress=False,
        **case.options,
    )
    assert model.training and all(m.training for m in model.modules())
    assert result.datasets == {"ID": 40, "OOD": 24}

    model.eval()
    with deephys.open(result) as run:
        assert [layer.pooling for layer in run.model.layers] == [case.poolings[n] for n in case.layers]
        assert run.model.classifier == case.layers[-1] and list(run.classes) == CLASSES
        assert [d.role for d in run.datasets.values()] == ["id", "ood"]
        for dataset_name, batches in (("ID", id_batches), ("OOD", ood_batches)):
            dataset = run.datasets[dataset_name]
            inputs = torch.cat([x for x, _ in batches])
            expected = case.reference(model, inputs)
            for layer in case.layers:
                np.testing.assert_allclose(
                    dataset.activations(layer),
                    expected[layer],
                    rtol=1e-5,
                    atol=1e-5,
                    err_msg=f"{name} {dataset_name} {layer}",
                )
            labels = torch.cat([y for _, y in batches]).numpy()
            np.testing.assert_array_equal(dataset.labels, labels)
            np.testing.assert_array_equal(dataset.predictions, expected[case.layers[-1]].argmax(1))
            image = dataset.image(len(dataset) - 1)
            assert image.shape == (case.image_size, case.image_size, 3)
            pixels = np.rint(inputs[-1].permute(1, 2, 0).numpy() * 255)
            np.testing.assert_array_equal(image, pixels.astype(np.uint8))  # PNG is lossless


def test_mlp_relu_is_recorded(tmp_path: Path) -> None:
    result = deephys.torch.export(
        MLP(),
        {"ID": image_batches(8, 8, 8)},
        layers=["fc1", "fc2"],
        relu=True,
        path=tmp_path / "r.deephys",
        progress=False,
        thumbnails=False,
    )
    with result.open() as run:
        assert [layer.relu for layer in run.model.layers] == [True, False]  # never the classifier
        assert (run.datasets["ID"].activations("fc1") >= 0).all()
        assert not run.datasets["ID"].has_images


def test_datasets_as_torch_datasets_and_loaders(tmp_path: Path) -> None:
    from torch.utils.data import DataLoader, TensorDataset

    x, y = torch.rand(30, 3, 8, 8), torch.randint(0, 10, (30,))
    dataset = TensorDataset(x, y)
    dataset.classes = CLASSES  # torchvision style: picked up when classes= is not given
    result = deephys.torch.export(
        MLP(),
        {"ID": dataset, "OOD": DataLoader(dataset, batch_size=7)},
        layers=["fc1", "fc2"],
        path=tmp_path / "r.deephys",
        batch_size=8,
        progress=False,
        roles=["id", "id"],
    )
    with result.open() as run:
        assert list(run.classes) == CLASSES
        assert [d.role for d in run.datasets.values()] == ["id", "id"]
        for d in run.datasets.values():
            np.testing.assert_array_equal(d.labels, y.numpy())


def test_layers_as_modules_and_classifier(tmp_path: Path) -> None:
    model = MLP()
    result = deephys.torch.export(
        model,
        {"ID": image_batches(8, 8, 4)},
        layers=[model.fc2, model.fc1],
        classifier=model.fc2,
        path=tmp_path / "r.deephys",
        progress=False,
    )
    with result.open() as run:
        assert run.model.layer_names == ["fc2", "fc1"] and run.model.classifier == "fc2"
