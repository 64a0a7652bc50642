"""What an export wrote: returned by the exporters, usable wherever a path is."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..format.reader import Run, open_run


@dataclass(frozen=True)
class NonFiniteCount:
    """NaN and infinite values recorded for one layer of one dataset, and the images holding them."""

    nan: int = 0
    inf: int = 0
    images: int = 0

    def __add__(self, other: NonFiniteCount) -> NonFiniteCount:
        return NonFiniteCount(self.nan + other.nan, self.inf + other.inf, self.images + other.images)


@dataclass(frozen=True)
class ExportResult(os.PathLike):
    """The file an export wrote: `os.fspath(result)` is its path; `result.open()` reads it.

    `datasets` maps each dataset in the file to its number of images, `layers` each layer to its
    units, `nonfinite` dataset -> layer -> counts for the layers that had NaN or inf values.
    `complete` is False when the export was interrupted and the file holds only the finished datasets.
    """

    path: Path
    datasets: dict[str, int]
    layers: dict[str, int]
    nonfinite: dict[str, dict[str, NonFiniteCount]] = field(default_factory=dict)
    complete: bool = True
    missing: tuple[str, ...] = ()

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    def __str__(self) -> str:
        return os.fspath(self.path)

    def open(self) -> Run:
        return open_run(self.path)

    def describe(self) -> str:
        """One line saying what the file holds."""
        held = ", ".join(f"{name!r} ({n} images)" for name, n in self.datasets.items()) or "no dataset"
        text = f"{self.path} holds {held}"
        if self.missing:
            text += f"; not exported: {', '.join(map(repr, self.missing))}"
        return text
