"""Train the PyTorch ColourNet on the coloured digits: Adam, a few epochs, CPU, seeded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from numpy.typing import NDArray
from torch.nn import functional as F

from .model_torch import ColourNet
from .training import TrainConfig, TrainStats, batch_order, colour_stream, progress_bar, recoloured, steps_per_epoch

__all__ = ["threads", "to_nchw", "train"]


def to_nchw(images: NDArray[np.float32]) -> torch.Tensor:
    """NHWC NumPy images -> an NCHW float32 tensor."""
    return torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2)))


@contextmanager
def threads(n: int) -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, n))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train(
    images: NDArray[np.float32], labels: NDArray[np.int64], config: TrainConfig | None = None, progress: bool = True
) -> tuple[ColourNet, TrainStats]:
    """A trained `ColourNet` (in eval mode) and how the training went. Leaves torch's global RNG as it was."""
    inputs, targets = to_nchw(images), torch.from_numpy(labels)
    config = config or TrainConfig()
    with torch.random.fork_rng(devices=[]), threads(config.threads):
        torch.manual_seed(config.seed)
        model = ColourNet()
        optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
        start = time.perf_counter()
        steps, epoch_loss, epoch_correct, seen = 0, 0.0, 0, 0
        per_epoch = steps_per_epoch(len(labels), config)
        colours = colour_stream(config)
        model.train()
        with progress_bar(len(labels), config, "torch", progress) as bar:
            for index in batch_order(len(labels), config):
                if steps % per_epoch == 0:
                    epoch_loss, epoch_correct, seen = 0.0, 0, 0
                batch = torch.from_numpy(index)
                x = inputs[batch] if colours is None else to_nchw(recoloured(images[index], colours))
                logits = model(x)
                loss = F.cross_entropy(logits, targets[batch])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                steps += 1
                epoch_loss += loss.item() * len(index)
                epoch_correct += int((logits.argmax(1) == targets[batch]).sum())
                seen += len(index)
                bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
                bar.update()
        model.eval()
    stats = TrainStats(time.perf_counter() - start, steps, epoch_loss / seen, epoch_correct / seen)
    return model, stats
