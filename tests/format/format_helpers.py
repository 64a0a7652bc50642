"""Helpers shared by the format tests.

Each test module imports `time_limit`, an autouse fixture that fails a test
running past TEST_TIME_LIMIT_S, so that nothing can hang. (It is not in a
conftest.py: a second `conftest` module would shadow tests/conftest.py for
tests that import from it.)
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import deephys

TEST_TIME_LIMIT_S = 60
TRAILER_SIZE = 32

# A tiny model for the writer tests: a 6-unit layer and a 3-class classifier.
MODEL = deephys.Model("m", layers={"fc": 6, "out": 3}, classifier="out")
CLASSES = ["a", "b", "c"]


def batch(n: int, seed: int = 0, with_images: bool = True) -> dict:
    """Keyword arguments of `append`/`add_dataset` for `n` random images of MODEL."""
    rng = np.random.default_rng(seed)
    return dict(
        labels=rng.integers(0, 3, n),
        activations={"fc": rng.random((n, 6), dtype=np.float32), "out": rng.standard_normal((n, 3)).astype(np.float32)},
        images=rng.integers(0, 256, (n, 8, 8, 3), dtype=np.uint8) if with_images else None,
    )


class Hang(Exception):
    """An operation ran past its time limit."""


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum, frame):
        raise Hang(f"test ran longer than {TEST_TIME_LIMIT_S} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TEST_TIME_LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise `Hang` if the block takes longer than `seconds` (main thread, POSIX)."""

    def expire(signum, frame):
        raise Hang(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    remaining = signal.alarm(0)  # the test-wide alarm, restored below
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if remaining:
            signal.alarm(remaining)


def read_everything(path: str | Path) -> dict:
    """Open `path` and read every part of it through the public API: tables, chunks, images, summaries.

    Returns what was read, so that a damaged file that does not raise can be
    compared with the intact one (it must then read the same).
    """
    out: dict = {}
    with deephys.open(path) as run:
        out["model"] = run.model
        out["metadata"] = run.metadata
        for name, dataset in run.datasets.items():
            entry = out[name] = {
                "role": dataset.role,
                "labels": dataset.labels,
                "predictions": dataset.predictions,
                "confidences": dataset.confidences,
                "metadata": [dataset.metadata(i) for i in range(len(dataset))],
            }
            for layer in run.model.layers:
                entry[f"act/{layer.name}"] = dataset.activations(layer.name)
                entry[f"summary/{layer.name}"] = dataset.summary(layer.name)
            if dataset.has_images:
                entry["images"] = [dataset.image(i) for i in range(len(dataset))]
    return out


def assert_same_reads(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        if isinstance(value, dict):
            assert_same_reads(value, b[key])
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, b[key])
        elif isinstance(value, list) and value and isinstance(value[0], np.ndarray):
            assert len(value) == len(b[key])
            for x, y in zip(value, b[key]):
                np.testing.assert_array_equal(x, y)
        elif isinstance(value, deephys.LayerSummary):
            for field in vars(value):
                np.testing.assert_array_equal(getattr(value, field), getattr(b[key], field))
        else:
            assert value == b[key]
