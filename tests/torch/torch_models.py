"""Small real architectures with random weights, and independent reference computations for them."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

CLASSES = [f"class {i}" for i in range(10)]


def randomize_batch_norm(model: nn.Module) -> nn.Module:
    """Non-trivial running statistics and affine parameters, so eval and train modes differ."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            with torch.no_grad():
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    return model


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.downsample = (
            nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
            if stride != 1 or cin != cout
            else nn.Identity()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.downsample(x))


class ResNet(nn.Module):
    """ResNet-style CNN: stem, stages of basic blocks with skip connections and batch norm, linear head.

    `ResNet((32, 64, 128, 256), blocks=2, classes=100)` is ResNet-18's layout at half width (the model of
    bench/export_overhead.py, which imports it from here).
    """

    def __init__(self, widths: tuple[int, ...] = (8, 16), blocks: int = 1, classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU())
        stages, cin = [], widths[0]
        for i, width in enumerate(widths):
            stage = [BasicBlock(cin if j == 0 else width, width, 2 if (i and j == 0) else 1) for j in range(blocks)]
            stages.append(nn.Sequential(*stage))
            cin = width
        self.layers = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


def resnet_reference(model: ResNet, x: torch.Tensor) -> dict[str, np.ndarray]:
    """The recorded layers computed by calling the submodules directly."""
    with torch.no_grad():
        stem = model.stem(x)
        stage0 = model.layers[0](stem)
        stage1 = model.layers[1](stage0)
        logits = model.fc(stage1.mean(dim=(2, 3)))
    return {
        "stem": stem.mean(dim=(2, 3)).numpy(),
        "layers.0": stage0.amax(dim=(2, 3)).numpy(),
        "layers.1": stage1.mean(dim=(2, 3)).numpy(),
        "fc": logits.numpy(),
    }


class ViT(nn.Module):
    """ViT-style transformer: patch embedding, CLS token, position embedding, encoder blocks, head on CLS."""

    def __init__(self, dim: int = 32, depth: int = 2, patch: int = 4, image: int = 16, classes: int = 10):
        super().__init__()
        self.embed = nn.Conv2d(3, dim, patch, patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.1)
        self.pos = nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, dim) * 0.1)
        self.blocks = nn.Sequential(
            *[
                nn.TransformerEncoderLayer(dim, 4, 2 * dim, dropout=0.1, batch_first=True, norm_first=True)
                for _ in range(depth)
            ]
        )
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def tokens(self, x: torch.Tensor) -> torch.Tensor:
        patches = self.embed(x).flatten(2).transpose(1, 2)
        return torch.cat([self.cls.expand(x.shape[0], -1, -1), patches], 1) + self.pos

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.blocks(self.tokens(x)))[:, 0])


def vit_reference(model: ViT, x: torch.Tensor) -> dict[str, np.ndarray]:
    with torch.no_grad():
        block0 = model.blocks[0](model.tokens(x))
        block1 = model.blocks[1](block0)
        logits = model.head(model.norm(block1)[:, 0])
    return {"blocks.0": block0.mean(dim=1).numpy(), "blocks.1": block1[:, 0].numpy(), "head": logits.numpy()}


class MLP(nn.Module):
    def __init__(self, inputs: int = 3 * 8 * 8, hidden: int = 24, classes: int = 10):
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.act = nn.ReLU()
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.drop(self.act(self.fc1(x.flatten(1)))))


def mlp_reference(model: MLP, x: torch.Tensor) -> dict[str, np.ndarray]:
    with torch.no_grad():
        hidden = model.fc1(x.flatten(1))
        logits = model.fc2(torch.relu(hidden))
    return {"fc1": torch.relu(hidden).numpy(), "fc2": logits.numpy()}


def image_batches(
    n: int, size: int, batch: int, seed: int = 0, classes: int = 10
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(images in [0, 1], labels) batches; the last one may be smaller."""
    generator = torch.Generator().manual_seed(seed)
    images = torch.rand(n, 3, size, size, generator=generator)
    labels = torch.randint(0, classes, (n,), generator=generator)
    return [(images[i : i + batch], labels[i : i + batch]) for i in range(0, n, batch)]
