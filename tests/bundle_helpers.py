"""Helpers of the bundle and notebook tests: the files a page embeds, a run with images to leave out."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path

import numpy as np

import deephys
from deephys.bundle import EMBED_TYPE


class _Embedded(HTMLParser):
    """The embedded elements of a page: (data-name, base64 text), as a browser parses them."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[tuple[str, str]] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == EMBED_TYPE:
            self._current = {"name": attributes.get("data-name"), "text": []}

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["text"].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.files.append((self._current["name"], "".join(self._current["text"])))
            self._current = None


def embedded(page: str) -> list[tuple[str, bytes]]:
    parser = _Embedded()
    parser.feed(page)
    return [(name, base64.b64decode(text, validate=True)) for name, text in parser.files]


def write_run(path: Path, n: int = 120, top_k: int = 4, seed: int = 0) -> Path:
    """A run whose top-k lists and class lists cover only some of its images."""
    rng = np.random.default_rng(seed)
    model = deephys.Model("bundled", layers={"features": 6, "logits": 3}, classifier="logits")
    with deephys.Writer(path, model=model, classes=["a", "b", "<c>"], top_k=top_k, histogram_bins=8) as w:
        for name, role in (("id", "id"), ("ood", "ood")):
            w.add_dataset(
                name,
                role=role,
                images=rng.integers(0, 256, (n, 6, 5, 3), dtype=np.uint8),
                labels=rng.integers(0, 3, n),
                activations={
                    "features": rng.standard_normal((n, 6)).astype(np.float32),
                    "logits": rng.standard_normal((n, 3)).astype(np.float32),
                },
            )
    return path
