"""The paper's small CNN in Flax NNX: two conv layers, fc 320->50, fc 50->10, ReLU (NHWC input)."""

from __future__ import annotations

import jax
from flax import nnx

__all__ = ["ColourNet"]


class ColourNet(nnx.Module):
    """28x28x3 -> conv 5x5 (10) -> pool -> conv 5x5 (20) -> pool -> fc1 (50) -> fc2 (10 logits).

    The same network as `model_torch.ColourNet`, NHWC. The analysed layer is `fc1` after its ReLU
    (the exporter applies it: `relu=True`).
    """

    def __init__(self, num_classes: int = 10, *, rngs: nnx.Rngs) -> None:
        self.conv1 = nnx.Conv(3, 10, kernel_size=(5, 5), padding="VALID", rngs=rngs)
        self.conv2 = nnx.Conv(10, 20, kernel_size=(5, 5), padding="VALID", rngs=rngs)
        self.fc1 = nnx.Linear(320, 50, rngs=rngs)
        self.fc2 = nnx.Linear(50, num_classes, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = nnx.relu(nnx.max_pool(self.conv1(x), (2, 2), strides=(2, 2)))  # 24x24 -> 12x12
        x = nnx.relu(nnx.max_pool(self.conv2(x), (2, 2), strides=(2, 2)))  # 8x8 -> 4x4: 4 * 4 * 20 = 320
        x = nnx.relu(self.fc1(x.reshape(x.shape[0], -1)))
        return self.fc2(x)
