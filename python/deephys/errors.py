"""Every exception deephys raises, in one family.

Catch `DeephysError` for all of them, or one branch:

- `FormatError`: a file is not a valid Deephys file (it carries a stable `code`, see `FORMAT_CODES`).
- `UsageError`: the library was called with arguments or in a state it cannot work with.
- `ExportError`: an exporter (`deephys.torch`, `deephys.flax`) cannot go on.
- `ServerError`: the local viewer server cannot serve.

Each class also keeps the built-in base its callers catch (`ValueError`, `LookupError`, `OSError`...).
Two exceptions stand outside the family on purpose: `ExportInterrupted` is a `KeyboardInterrupt`, so
that Ctrl-C still stops the program, and `KeyError` from mapping lookups stays what Python expects.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

#: The stable codes of `FormatError`, shared with the viewer (`viewer/src/format/errors.ts`) and listed
#: for each file of the hostile corpus (`tests/corpus/hostile/manifest.json`).
FORMAT_CODES: dict[str, str] = {
    "not-deephys": "the bytes are not a Deephys file (too small, wrong magic bytes, a folder)",
    "truncated": "the file ends early: it has no valid trailer (an interrupted write or a cut copy)",
    "unsupported-version": "made by a newer major version, or the header and trailer disagree on the version",
    "checksum": "a CRC does not match: the bytes are damaged",
    "too-large": "a declared size or count is above a documented limit",
    "bad-reference": "an index entry points outside the file, into the header, or at a record it does not describe",
    "bad-record": "a record disagrees with its index entry or with itself (does not decode, wrong lengths, rows)",
    "bad-value": "a value outside its domain (an unknown dtype or role, a label out of range, duplicate names)",
    "bad-image": "an image record that does not decode as its declared encoding, or not to its declared size",
}


class DeephysError(Exception):
    """Base class of every error deephys raises on purpose."""


# ---- files ------------------------------------------------------------------------------


class FormatError(DeephysError):
    """A file is not a valid Deephys file: truncated, damaged, foreign or hostile.

    The message names the file, the byte offset where the problem was found and
    what is wrong, e.g. ``run.deephys: at byte 1234: record CRC mismatch``; `code`
    is one of `FORMAT_CODES`, the same as the viewer's for the same file.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None, offset: int | None, problem: str, code: str = "bad-record"
    ) -> None:
        if code not in FORMAT_CODES:
            raise UsageError(f"unknown FormatError code {code!r}: use one of {sorted(FORMAT_CODES)}")
        self.path = os.fspath(path) if path is not None else None
        self.offset = offset
        self.problem = problem
        self.code = code
        where = f"at byte {offset}: " if offset is not None else ""
        super().__init__(f"{self.path or '<file>'}: {where}{problem}")

    def __reduce__(self) -> tuple[type[FormatError], tuple[str | None, int | None, str, str]]:
        return (type(self), (self.path, self.offset, self.problem, self.code))


class RemoteError(DeephysError, OSError):
    """A remote file cannot be read as asked: the server refuses, fails, lies about ranges, or the file
    changed while it was read. `url` names it, `status` is the HTTP status when there was one."""

    def __init__(self, url: str, problem: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {problem}")
        self.url, self.problem, self.status = url, problem, status

    def __str__(self) -> str:
        return f"{self.url}: {self.problem}"

    def __reduce__(self) -> tuple[type[RemoteError], tuple[str, str, int | None]]:
        return (type(self), (self.url, self.problem, self.status))


class MergeError(DeephysError, ValueError):
    """The shards cannot be merged: they differ in model, datasets or layout."""


class ConvertError(DeephysError):
    """The inputs of a conversion do not fit together (names, roles, paths)."""


# ---- misuse -----------------------------------------------------------------------------


class UsageError(DeephysError, ValueError):
    """An argument deephys cannot work with: the message says which, what was given and what would do."""


class WrongTypeError(UsageError, TypeError):
    """An argument of a type deephys does not take."""


class WrongStateError(UsageError, RuntimeError):
    """A call that the object's state does not allow now (e.g. writing to a closed `Writer`)."""


class NotFoundError(UsageError, LookupError):
    """A name or index that the run does not have (a dataset, a layer, an image)."""


class UnknownNameError(NotFoundError, KeyError):
    """A layer or dataset name that the model or run does not have (a `KeyError` too)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class OutOfRangeError(NotFoundError, IndexError):
    """An index past the end of a dataset or layer."""


class MissingFileError(UsageError, FileNotFoundError):
    """A file that should exist does not."""


class NothingToRepair(UsageError):
    """`deephys.repair` was given a file that ends with a trailer: no append to it was cut short."""


class ImageDecodeError(UsageError):
    """Encoded image bytes that are not an image of their declared encoding (PNG, JPEG or WebP)."""


class ImageSizeMismatch(ImageDecodeError):
    """An encoded image's own header gives another width and height than the record or the caller expects."""


class PairingError(UsageError):
    """Two files compared do not hold the same datasets (`deephys compare`): the message says what differs."""


class BundleTooLargeError(UsageError):
    """The data is too large for a single HTML file."""


# ---- exporters --------------------------------------------------------------------------


class ExportError(DeephysError, ValueError):
    """An export cannot go on: a bad argument, a layer or label that does not fit, a shape that changed."""


class UnknownLayerError(ExportError):
    """A requested layer name matches no module of the model."""


class DistributedExportError(ExportError):
    """A multi-process export failed on some rank (or its merge failed): the shards were not merged.

    `failed_ranks` lists the ranks that failed; the shards they did write are kept.
    """

    def __init__(self, message: str, failed_ranks: list[int]) -> None:
        super().__init__(message)
        self.failed_ranks = failed_ranks


class ExportInterrupted(KeyboardInterrupt):
    """Raised after Ctrl-C once the file is in a clean state; `result` is None when nothing was written.

    A `KeyboardInterrupt`, not a `DeephysError`: `except Exception` must not swallow a Ctrl-C.
    """

    def __init__(self, message: str, result: os.PathLike[str] | None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result

    def __str__(self) -> str:
        return self.message


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived while a command or an export ran: raised like Ctrl-C, so that every write aborts cleanly."""


# ---- the viewer server ------------------------------------------------------------------


class ServerError(DeephysError):
    """The local viewer server cannot serve."""


class ViewerNotBuiltError(ServerError, FileNotFoundError):
    """The single-file viewer has not been built into the package."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The Deephys viewer is not built: {path} does not exist. "
            "Build it with `make viewer` (needs Node.js; see README.md)."
        )
        self.path = path


class RangeNotSatisfiable(ServerError, ValueError):
    """A Range header none of whose bytes lie in the file (HTTP 416)."""
