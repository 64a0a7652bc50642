"""The Flax exporter tests: skipped without JAX and Flax, marked `jax`."""

from __future__ import annotations

import pytest

pytest.importorskip("jax")
pytest.importorskip("flax")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/flax/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.jax)
