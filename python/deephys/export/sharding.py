"""Shard files of multi-process exports: one file per rank, joined by `deephys merge`."""

from __future__ import annotations

import os
from pathlib import Path


def shard_path(path: str | os.PathLike[str], rank: int) -> Path:
    """`run.deephys` -> `run.rank0.deephys` (the suffix stays last so the file type is still clear)."""
    path = Path(path)
    suffix = path.suffix or ".deephys"
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return path.with_name(f"{stem}.rank{rank}{suffix}")
