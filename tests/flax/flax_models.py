"""Small Flax models (NNX and Linen) with random weights, and independent reference computations."""

from __future__ import annotations

from collections.abc import Iterator

import jax
import jax.numpy as jnp
import numpy as np
from flax import linen as nn
from flax import nnx

from deephys._flax.modules import iter_modules  # nnx.iter_modules, or the method of older Flax

CLASSES = [f"class {i}" for i in range(5)]
MEAN = np.array([0.5, 0.4, 0.3], np.float32)
STD = np.array([0.25, 0.2, 0.3], np.float32)


def pixels(n: int, size: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """uint8 NHWC images and their labels."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, size, size, 3), dtype=np.uint8), rng.integers(0, len(CLASSES), n)


def normalize(images: np.ndarray) -> np.ndarray:
    return ((images / np.float32(255) - MEAN) / STD).astype(np.float32)


def batches(images: np.ndarray, labels: np.ndarray, size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(images[i : i + size], labels[i : i + size]) for i in range(0, len(labels), size)]


def as_jax_generator(batch_list: list[tuple[np.ndarray, np.ndarray]]) -> Iterator[tuple[jax.Array, jax.Array]]:
    for x, y in batch_list:
        yield jnp.asarray(x), jnp.asarray(y)


def _uniform(key: jax.Array, shape: tuple[int, ...], lo: float, hi: float) -> jax.Array:
    return jax.random.uniform(key, shape, minval=lo, maxval=hi)


# ---- NNX: ResNet-style CNN ----------------------------------------------------------------


def _list(items: list) -> list:
    return nnx.List(items) if hasattr(nnx, "List") else items


class Block(nnx.Module):
    def __init__(self, channels: int, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(channels, channels, (3, 3), use_bias=False, rngs=rngs)
        self.bn1 = nnx.BatchNorm(channels, rngs=rngs)
        self.conv2 = nnx.Conv(channels, channels, (3, 3), rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        h = nnx.relu(self.bn1(self.conv1(x)))
        return nnx.relu(x + self.conv2(h))


class NNXCNN(nnx.Module):
    """Strided stem with batch norm, two residual blocks, dropout, linear head."""

    def __init__(self, rngs: nnx.Rngs, width: int = 8):
        self.stem = nnx.Conv(3, width, (3, 3), strides=2, rngs=rngs)
        self.bn = nnx.BatchNorm(width, rngs=rngs)
        self.blocks = _list([Block(width, rngs), Block(width, rngs)])
        self.dropout = nnx.Dropout(0.5, rngs=rngs)
        self.head = nnx.Linear(width, len(CLASSES), rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = nnx.relu(self.bn(self.stem(x)))
        for block in self.blocks:
            x = block(x)
        return self.head(self.dropout(x.mean(axis=(1, 2))))


def randomize_nnx_batch_norm(model: nnx.Module, seed: int = 0) -> nnx.Module:
    """Non-trivial running statistics, so eval and train modes differ."""
    key = jax.random.key(seed)
    for _, module in iter_modules(model):
        if isinstance(module, nnx.BatchNorm):
            key, k1, k2 = jax.random.split(key, 3)
            module.mean[...] = _uniform(k1, module.mean.shape, -0.5, 0.5)
            module.var[...] = _uniform(k2, module.var.shape, 0.5, 2.0)
    return model


def nnx_cnn_reference(model: NNXCNN, x: jax.Array) -> dict[str, np.ndarray]:
    """Layers "stem" (mean), "blocks.0" (max), "blocks.1.conv2" (ReLU, mean), "head", by direct calls."""
    model.eval()
    stem = model.stem(x)
    b0 = model.blocks[0](nnx.relu(model.bn(stem)))
    b1 = model.blocks[1]
    conv2 = b1.conv2(nnx.relu(b1.bn1(b1.conv1(b0))))
    logits = model.head(b1(b0).mean(axis=(1, 2)))
    return {
        "stem": np.asarray(stem.mean(axis=(1, 2))),
        "blocks.0": np.asarray(b0.max(axis=(1, 2))),
        "blocks.1.conv2": np.asarray(jnp.maximum(conv2, 0).mean(axis=(1, 2))),
        "head": np.asarray(logits),
    }


# ---- NNX: token model ------------------------------------------------------------------------


class TokenNet(nnx.Module):
    """ViT-like: 2x2 patches -> tokens, a CLS token, a pre-norm residual MLP mixer, head on CLS."""

    def __init__(self, rngs: nnx.Rngs, dim: int = 16):
        self.embed = nnx.Linear(12, dim, rngs=rngs)
        self.cls = nnx.Param(jax.random.normal(rngs.params(), (1, 1, dim)))
        self.norm = nnx.LayerNorm(dim, rngs=rngs)
        self.mixer = nnx.Linear(dim, dim, rngs=rngs)
        self.head = nnx.Linear(dim, len(CLASSES), rngs=rngs)

    def tokens(self, x: jax.Array) -> jax.Array:
        n, h, w, c = x.shape
        patches = x.reshape(n, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, -1, 4 * c)
        return self.embed(patches)

    def __call__(self, x: jax.Array) -> jax.Array:
        t = self.tokens(x)
        t = jnp.concatenate([jnp.broadcast_to(self.cls[...], (t.shape[0], 1, t.shape[2])), t], axis=1)
        t = t + self.mixer(self.norm(t))
        return self.head(t[:, 0])


def token_reference(model: TokenNet, x: jax.Array) -> dict[str, np.ndarray]:
    """Layers "embed" (max), "norm" (mean), "mixer" (first), "head", by direct calls."""
    t = model.tokens(x)
    full = jnp.concatenate([jnp.broadcast_to(model.cls[...], (t.shape[0], 1, t.shape[2])), t], axis=1)
    normed = model.norm(full)
    mixed = model.mixer(normed)
    return {
        "embed": np.asarray(t.max(axis=1)),
        "norm": np.asarray(normed.mean(axis=1)),
        "mixer": np.asarray(mixed[:, 0]),
        "head": np.asarray(model.head((full + mixed)[:, 0])),
    }


# ---- Linen: CNN ------------------------------------------------------------------------------


class LinenBlock(nn.Module):
    """Compact block: auto-named submodules "Conv_0" and "BatchNorm_0"."""

    @nn.compact
    def __call__(self, x: jax.Array, train: bool) -> jax.Array:
        h = nn.Conv(x.shape[-1], (3, 3))(x)
        h = nn.BatchNorm(use_running_average=not train)(h)
        return nn.relu(x + nn.relu(h))


class LinenCNN(nn.Module):
    """Stem, a residual block with batch norm, linear head; `train` picks batch-norm statistics."""

    def setup(self) -> None:
        self.stem = nn.Conv(8, (3, 3), strides=2)
        self.block = LinenBlock()
        self.head = nn.Dense(len(CLASSES))

    def __call__(self, x: jax.Array, train: bool = True) -> jax.Array:
        x = self.block(nn.relu(self.stem(x)), train)
        return self.head(x.mean(axis=(1, 2)))


def linen_cnn_variables(seed: int = 0) -> dict:
    variables = LinenCNN().init(jax.random.key(seed), jnp.zeros((1, 8, 8, 3)), train=False)
    k1, k2 = jax.random.split(jax.random.key(seed + 1))
    stats = variables["batch_stats"]["block"]["BatchNorm_0"]
    stats = {"mean": _uniform(k1, stats["mean"].shape, -0.5, 0.5), "var": _uniform(k2, stats["var"].shape, 0.5, 2.0)}
    return {"params": variables["params"], "batch_stats": {"block": {"BatchNorm_0": stats}}}


def linen_cnn_reference(variables: dict, x: jax.Array) -> dict[str, np.ndarray]:
    """Layers "stem" (mean), "block.Conv_0" (max), "block" (mean), "head", by direct calls."""
    bound = LinenCNN().bind(variables)
    stem = bound.stem(x)
    conv = nn.Conv(8, (3, 3)).apply({"params": variables["params"]["block"]["Conv_0"]}, nn.relu(stem))
    block = bound.block(nn.relu(stem), False)
    return {
        "stem": np.asarray(stem.mean(axis=(1, 2))),
        "block.Conv_0": np.asarray(conv.max(axis=(1, 2))),
        "block": np.asarray(block.mean(axis=(1, 2))),
        "head": np.asarray(bound.head(block.mean(axis=(1, 2)))),
    }


# ---- Linen: ResNet (the architecture matrix, bench/architectures.py) ---------------------------


class BasicBlock(nn.Module):
    """A ResNet basic block: two 3x3 convs with batch norm, a 1x1 projection when the shape changes."""

    width: int
    stride: int

    @nn.compact
    def __call__(self, x: jax.Array, train: bool) -> jax.Array:
        h = nn.Conv(self.width, (3, 3), (self.stride, self.stride), use_bias=False)(x)
        h = nn.relu(nn.BatchNorm(use_running_average=not train)(h))
        h = nn.Conv(self.width, (3, 3), use_bias=False)(h)
        h = nn.BatchNorm(use_running_average=not train)(h)
        if x.shape[-1] != self.width or self.stride != 1:
            x = nn.Conv(self.width, (1, 1), (self.stride, self.stride), use_bias=False, name="shortcut")(x)
        return nn.relu(h + x)


class LinenResNet(nn.Module):
    """Stem, stages of residual blocks (the second strided), global mean, dense head."""

    widths: tuple[int, ...] = (8, 16)
    classes: int = 5

    def setup(self) -> None:
        self.stem = nn.Conv(self.widths[0], (3, 3))
        self.stages = [BasicBlock(width, 1 if i == 0 else 2) for i, width in enumerate(self.widths)]
        self.head = nn.Dense(self.classes)

    def features(self, x: jax.Array, train: bool = False) -> list[jax.Array]:
        """Each stage's output (what the reference reads; __call__ uses it too)."""
        x = nn.relu(self.stem(x))
        out = []
        for stage in self.stages:
            x = stage(x, train)
            out.append(x)
        return out

    def __call__(self, x: jax.Array, train: bool = True) -> jax.Array:
        return self.head(self.features(x, train)[-1].mean(axis=(1, 2)))


# ---- small models for error cases -----------------------------------------------------------


class Log(nnx.Module):
    def __call__(self, x: jax.Array) -> jax.Array:
        return jnp.log(x)


class LogNet(nnx.Module):
    """A side branch takes the log of features, NaN where they are negative."""

    def __init__(self, rngs: nnx.Rngs):
        self.fc = nnx.Linear(48, 6, rngs=rngs)
        self.log = Log()
        self.head = nnx.Linear(6, len(CLASSES), rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        h = self.fc(x.reshape(x.shape[0], -1))
        self.log(h)
        return self.head(h)


class Pair(nnx.Module):
    """Returns a tuple (features, their sum), as some modules do."""

    def __init__(self, rngs: nnx.Rngs):
        self.fc = nnx.Linear(48, 6, rngs=rngs)

    def __call__(self, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        h = self.fc(x.reshape(x.shape[0], -1))
        return h, h.sum(axis=1)


class PairNet(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.pair = Pair(rngs)
        self.act = nnx.Linear(6, 6, rngs=rngs)
        self.head = nnx.Linear(6, len(CLASSES), rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        h, _ = self.pair(x)
        return self.head(self.act(self.act(h)))  # "act" runs twice
