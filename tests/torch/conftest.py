"""The PyTorch exporter tests: skipped without torch, marked `torch`, threads kept few for 2-core CI."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
from model_libraries import declare_torchvision_operators  # noqa: E402  (after the skip: they import torch)
from torch_hooks import ForwardHooks  # noqa: E402

declare_torchvision_operators()  # before any test imports torchvision, timm or transformers (model_libraries.py)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/torch/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.torch)


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)


@pytest.fixture
def forward_hooks(monkeypatch: pytest.MonkeyPatch) -> ForwardHooks:
    """The forward hooks registered during the test (`.handles`) and how many are left (`.live`)."""
    return ForwardHooks().watch(monkeypatch)
