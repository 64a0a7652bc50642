"""The paper's small CNN in PyTorch: two conv layers, fc 320->50, fc 50->10, ReLU (NCHW input)."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["ColourNet"]


class ColourNet(nn.Module):
    """28x28x3 -> conv 5x5 (10) -> pool -> conv 5x5 (20) -> pool -> fc1 (50) -> fc2 (10 logits).

    The analysed layer is `fc1` after its ReLU (the exporter applies it: `relu=True`).
    """

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(F.max_pool2d(self.conv1(x), 2))  # 24x24 -> 12x12
        x = F.relu(F.max_pool2d(self.conv2(x), 2))  # 8x8 -> 4x4: 20 * 4 * 4 = 320
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)
