"""Real architectures of torchvision, timm and Hugging Face transformers, built from configs with random
weights (nothing is downloaded): each export reads back, and one of its layers equals an independent
forward pass. In CI (DEEPHYS_REQUIRE_MODELS=1) a missing library fails instead of skipping."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from model_libraries import require
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

import deephys
import deephys.torch
from deephys.export import ExportError

pytestmark = pytest.mark.slow
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
DATASET_CLASSES = [f"kind {i}" for i in range(10)]
MAPPED = [3, 17, 42, 99, 150, 301, 512, 640, 777, 999]  # the model class of each of the 10 dataset classes


def images(n: int, size: int, seed: int, classes: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, size, size, generator=generator), torch.randint(0, classes, (n,), generator=generator)


def ten_class_set(n: int, size: int, seed: int) -> TensorDataset:
    """A torchvision-style dataset of 10 classes (`.classes`), e.g. a subset of ImageNet's."""
    dataset = TensorDataset(*images(n, size, seed))
    dataset.classes = DATASET_CLASSES  # type: ignore[attr-defined]
    return dataset


def export(model: nn.Module, datasets: dict, layers: list, path: Path, **options: Any) -> deephys.export.ExportResult:
    return deephys.torch.export(model, datasets, layers=layers, path=path, progress=False, batch_size=8, **options)


def read(path: Path, dataset: str, layer: str) -> np.ndarray:
    with deephys.open(path) as run:
        return run.datasets[dataset].activations(layer)


# ---- torchvision --------------------------------------------------------------------------------------


def resnet18_features(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """layer4's output of torchvision's ResNet, computed by calling its parts."""
    with torch.no_grad():
        h = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        return model.layer4(model.layer3(model.layer2(model.layer1(h))))


def test_torchvision_resnet18_on_a_ten_class_subset_with_label_map(tmp_path: Path) -> None:
    models = require("torchvision.models")
    model = models.resnet18(num_classes=1000).eval()  # an ImageNet model; the data has 10 of its classes
    ood = ten_class_set(20, 32, seed=2)
    full = TensorDataset(*images(24, 32, seed=1, classes=1000))  # the ID set uses all 1000 classes
    datasets = {"ImageNet": full, "ten classes": ood}
    with pytest.raises(ExportError, match=r"dataset 'ten classes' has 10 classes \(its .classes\) but the classifier"):
        export(model, datasets, ["layer4", "fc"], tmp_path / "refused.deephys")
    with pytest.raises(ExportError, match=r"taken to be 'layer4'.*The model's output is 'fc''s: put 'fc' last"):
        export(model, datasets, ["fc", "layer4"], tmp_path / "refused.deephys", label_map={"ten classes": MAPPED})
    assert not list(tmp_path.iterdir())

    path = tmp_path / "run.deephys"
    export(
        model,
        datasets,
        ["layer3", "layer4", "fc"],
        path,
        label_map={"ten classes": MAPPED},
        restrict_predictions=True,
    )
    x, y = ood.tensors
    expected = resnet18_features(model, x).mean(dim=(2, 3)).numpy()
    np.testing.assert_allclose(read(path, "ten classes", "layer4"), expected, **TOLERANCE)
    with deephys.open(path) as run:
        assert len(run.classes) == 1000
        subset = run.datasets["ten classes"]
        np.testing.assert_array_equal(subset.labels, np.array(MAPPED)[y.numpy()])  # stored as the model's classes
        logits = subset.activations("fc")
        np.testing.assert_array_equal(subset.predictions, np.array(MAPPED)[logits[:, MAPPED].argmax(1)])
        whole = run.datasets["ImageNet"]  # no map: labels and predictions over all 1000 classes
        np.testing.assert_array_equal(whole.labels, full.tensors[1].numpy())
        np.testing.assert_array_equal(whole.predictions, whole.activations("fc").argmax(1))
        assert json.loads(run.metadata["label_map"]) == {"ten classes": {str(i): c for i, c in enumerate(MAPPED)}}
        assert json.loads(run.metadata["predictions"]) == {"ten classes": "restricted to mapped classes"}


def test_torchvision_vit_token_layers(tmp_path: Path) -> None:
    models = require("torchvision.models")
    # vit_b_16's class at a small size: 32x32 images in 8x8 patches, 2 layers of width 32
    model = models.VisionTransformer(32, 8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10)
    model.eval()
    x, y = images(12, 32, seed=3)
    path = tmp_path / "vit.deephys"
    layers = ["encoder.layers.encoder_layer_0", "encoder.ln", "heads"]
    export(model, {"ID": TensorDataset(x, y)}, layers, path, pooling={"encoder.ln": "first"})
    with torch.no_grad():
        tokens = model.conv_proj(x).flatten(2).transpose(1, 2)
        tokens = torch.cat([model.class_token.expand(len(x), -1, -1), tokens], dim=1) + model.encoder.pos_embedding
        first = model.encoder.layers[0](tokens)
    np.testing.assert_allclose(read(path, "ID", layers[0]), first.mean(dim=1).numpy(), **TOLERANCE)
    with torch.no_grad():
        np.testing.assert_allclose(read(path, "ID", "heads"), model(x).numpy(), **TOLERANCE)
    with deephys.open(path) as run:
        assert [layer.pooling for layer in run.model.layers] == ["token_mean", "token_first", "none"]


# ---- timm ---------------------------------------------------------------------------------------------


def test_timm_vit_small(tmp_path: Path) -> None:
    timm = require("timm")
    model = timm.create_model(
        "vit_small_patch16_224", pretrained=False, img_size=32, patch_size=8, depth=2, embed_dim=48, num_heads=2
    ).eval()
    x, y = images(10, 32, seed=4, classes=1000)
    path = tmp_path / "timm.deephys"
    export(
        model, {"ID": [(x[:6], y[:6]), (x[6:], y[6:])]}, ["blocks.0", "norm", "head"], path, pooling={"norm": "first"}
    )
    with torch.no_grad():
        np.testing.assert_allclose(read(path, "ID", "norm"), model.forward_features(x)[:, 0].numpy(), **TOLERANCE)
        np.testing.assert_allclose(read(path, "ID", "head"), model(x).numpy(), **TOLERANCE)


# ---- Hugging Face transformers ------------------------------------------------------------------------


class PixelValues(Dataset):
    """Examples as a `datasets` set_transform gives them: {"pixel_values": (3, H, W), "labels": int}."""

    def __init__(self, n: int, size: int, seed: int):
        self.x, self.y = images(n, size, seed)

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return {"pixel_values": self.x[i], "labels": int(self.y[i])}


def hf_loader(dataset: PixelValues) -> DataLoader:
    transformers = require("transformers")
    return DataLoader(dataset, batch_size=4, collate_fn=transformers.DefaultDataCollator())  # dict batches


def test_hugging_face_vit_with_dict_batches_and_id2label(tmp_path: Path) -> None:
    transformers = require("transformers")
    config = transformers.ViTConfig(
        image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64
    )
    config.id2label = {i: f"hf class {i}" for i in range(10)}
    config.label2id = {name: i for i, name in config.id2label.items()}
    model = transformers.ViTForImageClassification(config).eval()
    data = PixelValues(10, 32, seed=5)
    loader = hf_loader(data)
    with pytest.raises(ExportError, match=r"layer 'vit' returned a BaseModelOutputWithPooling .*'last_hidden_state'"):
        export(model, {"ID": loader}, ["vit", "classifier"], tmp_path / "r.deephys")
    path = tmp_path / "hf-vit.deephys"
    # "output" is the model itself: its ImageClassifierOutput is recorded by its logits
    export(model, {"ID": loader}, ["vit.layers.0", "vit.layernorm", "output"], path, pooling={"vit.layernorm": "first"})
    with torch.no_grad():
        hidden = model.vit(pixel_values=data.x).last_hidden_state
        logits = model(pixel_values=data.x).logits
    np.testing.assert_allclose(read(path, "ID", "vit.layernorm"), hidden[:, 0].numpy(), **TOLERANCE)
    np.testing.assert_allclose(read(path, "ID", "output"), logits.numpy(), **TOLERANCE)
    with deephys.open(path) as run:
        assert list(run.classes) == [f"hf class {i}" for i in range(10)]  # config.id2label, not "0".."9"
        dataset = run.datasets["ID"]
        np.testing.assert_array_equal(dataset.labels, data.y.numpy())
        assert dataset.image(0).shape == (32, 32, 3)  # thumbnails from pixel_values


@dataclass(frozen=True)
class HFCase:
    make: Callable[[Any], nn.Module]
    layer: str
    hidden_state: int  # the index in `output_hidden_states` of the layer's output
    pool: Callable[[torch.Tensor], torch.Tensor]
    options: dict


HF_CASES = {
    "resnet": HFCase(
        lambda t: t.ResNetForImageClassification(
            t.ResNetConfig(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], num_labels=10)
        ),
        "resnet.encoder.stages.1",
        2,
        lambda h: h.mean(dim=(2, 3)),
        {},
    ),
    "convnext": HFCase(
        lambda t: t.ConvNextForImageClassification(
            t.ConvNextConfig(num_stages=2, hidden_sizes=[8, 16], depths=[1, 1], num_labels=10)
        ),
        "convnext.encoder.stages.0",
        1,
        lambda h: h.mean(dim=(2, 3)),
        {},
    ),
    "swin": HFCase(
        lambda t: t.SwinForImageClassification(
            t.SwinConfig(
                image_size=32, patch_size=2, embed_dim=16, depths=[1, 1], num_heads=[2, 2], window_size=4, num_labels=10
            )
        ),
        "swin.encoder.layers.0",
        1,
        lambda h: h.mean(dim=1),
        {"select": {"swin.encoder.layers.0": 0}},  # a Swin stage returns (tokens, maps, None)
    ),
}


@pytest.mark.parametrize("name", list(HF_CASES))
def test_hugging_face_cnns_and_swin(name: str, tmp_path: Path) -> None:
    transformers = require("transformers")
    case = HF_CASES[name]
    model = case.make(transformers).eval()
    data = PixelValues(9, 32, seed=6)
    path = tmp_path / f"{name}.deephys"
    export(model, {"ID": hf_loader(data)}, [case.layer, "classifier"], path, **case.options)
    with torch.no_grad():
        out = model(pixel_values=data.x, output_hidden_states=True)
    expected = case.pool(out.hidden_states[case.hidden_state]).numpy()
    np.testing.assert_allclose(read(path, "ID", case.layer), expected, **TOLERANCE)
    np.testing.assert_allclose(read(path, "ID", "classifier"), out.logits.numpy(), **TOLERANCE)


def test_a_missing_library_skips_here_but_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEEPHYS_REQUIRE_MODELS", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require("deephys_no_such_library")
    monkeypatch.setenv("DEEPHYS_REQUIRE_MODELS", "1")
    with pytest.raises(ModuleNotFoundError):
        require("deephys_no_such_library")
