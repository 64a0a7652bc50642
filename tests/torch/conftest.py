"""The PyTorch exporter tests: skipped without torch, marked `torch`, threads kept few for 2-core CI."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/torch/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.torch)


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)
