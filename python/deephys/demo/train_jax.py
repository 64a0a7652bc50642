"""Train the Flax NNX ColourNet on the coloured digits: Adam (optax), a few epochs, jitted steps, seeded."""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from numpy.typing import NDArray

from .model_jax import ColourNet
from .training import TrainConfig, TrainStats, batch_order, colour_stream, progress_bar, recoloured, steps_per_epoch

__all__ = ["train"]


@nnx.jit
def _step(
    model: ColourNet, optimizer: nnx.Optimizer, images: jax.Array, labels: jax.Array
) -> tuple[jax.Array, jax.Array]:
    def loss_fn(model: ColourNet) -> tuple[jax.Array, jax.Array]:
        logits = model(images)
        return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean(), logits

    (loss, logits), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)
    optimizer.update(model, grads)
    return loss, jnp.sum(jnp.argmax(logits, axis=-1) == labels)


def train(
    images: NDArray[np.float32], labels: NDArray[np.int64], config: TrainConfig | None = None, progress: bool = True
) -> tuple[ColourNet, TrainStats]:
    """A trained `ColourNet` and how the training went."""
    config = config or TrainConfig()
    model = ColourNet(rngs=nnx.Rngs(config.seed))
    optimizer = nnx.Optimizer(model, optax.adam(config.learning_rate), wrt=nnx.Param)
    start = time.perf_counter()
    steps, epoch_loss, epoch_correct, seen = 0, 0.0, 0, 0
    per_epoch = steps_per_epoch(len(labels), config)
    colours = colour_stream(config)
    with progress_bar(len(labels), config, "jax", progress) as bar:
        for index in batch_order(len(labels), config):
            if steps % per_epoch == 0:
                epoch_loss, epoch_correct, seen = 0.0, 0, 0
            batch = images[index] if colours is None else recoloured(images[index], colours)
            loss, correct = _step(model, optimizer, jnp.asarray(batch), jnp.asarray(labels[index]))
            steps += 1
            epoch_loss += float(loss) * len(index)
            epoch_correct += int(correct)
            seen += len(index)
            bar.set_postfix(loss=f"{float(loss):.3f}", refresh=False)
            bar.update()
    stats = TrainStats(time.perf_counter() - start, steps, epoch_loss / seen, epoch_correct / seen)
    return model, stats
