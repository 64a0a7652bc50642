"""Exceptions raised by deephys."""

from __future__ import annotations

import os


class DeephysError(Exception):
    """Base class of every error deephys raises on purpose."""


class FormatError(DeephysError):
    """A file is not a valid Deephys file: truncated, damaged, foreign or hostile.

    The message names the file, the byte offset where the problem was found and
    what is wrong, e.g. ``run.deephys: at byte 1234: record CRC mismatch``.
    """

    def __init__(self, path: str | os.PathLike[str] | None, offset: int | None, problem: str):
        self.path = os.fspath(path) if path is not None else None
        self.offset = offset
        self.problem = problem
        where = f"at byte {offset}: " if offset is not None else ""
        super().__init__(f"{self.path or '<file>'}: {where}{problem}")


class NothingToRepair(DeephysError):
    """`deephys.repair` was given a file that ends with a trailer: no append to it was cut short."""
