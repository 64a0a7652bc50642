"""Shared fixtures: small runs written with deephys.Writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import deephys

CLASSES = ["cat", "dog", "<img src=x onerror=alert(1)>"]


def write_small_run(path: Path, n_id: int = 40, n_ood: int = 30, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    model = deephys.Model("tiny", layers={"features": 8, "logits": 3}, classifier="logits")
    with deephys.Writer(path, model=model, classes=CLASSES) as writer:
        for name, role, n in (("train-like", "id", n_id), ("shifted", "ood", n_ood)):
            writer.add_dataset(
                name,
                role=role,
                images=rng.random((n, 12, 10, 3)),
                labels=rng.integers(0, 3, n),
                activations={
                    "features": np.maximum(rng.standard_normal((n, 8)), 0).astype(np.float32),
                    "logits": rng.standard_normal((n, 3)).astype(np.float32),
                },
            )
    return path


@pytest.fixture
def browser_then_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fakes the browser (records the URLs opened) and a Ctrl-C once it has opened one.

    Returns the list of opened URLs; a served command then stops as if the user pressed Ctrl-C.
    """
    import threading
    import webbrowser

    from deephys.server import ViewerServer

    opened: list[str] = []
    done = threading.Event()

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        done.set()
        return True

    def fake_serve_forever(self: ViewerServer, poll_interval: float = 0.2) -> None:
        done.wait(5)
        raise KeyboardInterrupt  # Ctrl-C

    monkeypatch.setattr(webbrowser, "open", fake_open)
    monkeypatch.setattr(ViewerServer, "serve_forever", fake_serve_forever)
    return opened


@pytest.fixture
def make_small_run():
    """The function that writes the small run, for tests that need to tweak the writer first."""
    return write_small_run


@pytest.fixture
def small_run(tmp_path: Path) -> Path:
    return write_small_run(tmp_path / "small.deephys")
