"""Ctrl-C policy of the exporters.

On KeyboardInterrupt the exporter finishes a valid file holding the datasets that were completed (the
one in progress is dropped) and says exactly what the file holds, or leaves nothing new at the path when
no dataset was finished. Either way it then raises `ExportInterrupted`, a KeyboardInterrupt whose
message says what happened and whose `result` describes the file (None when nothing was written).

SIGTERM (`deephys.errors.Terminated`, see `deephys.interrupts.sigterm_as_interrupt`) aborts the whole
export instead: a job scheduler that stops an export must not replace a complete earlier file with a
part of the new one, so the previous file (or nothing) stays at the path.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import ExportInterrupted
from ..format.writer import Writer
from .result import ExportResult


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold a second Ctrl-C while the file is being finished, so it cannot be left half-written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    except ValueError:  # not allowed here (e.g. some embedded interpreters)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def handle_interrupt(
    writer: Writer | None,
    path: Path,
    finished: dict[str, int],
    layers: dict[str, int],
    in_progress: str | None,
    images_done: int,
    all_datasets: Sequence[str],
) -> ExportInterrupted:
    """Bring the file to a clean state after Ctrl-C; return the exception to raise."""
    missing = tuple(name for name in all_datasets if name not in finished)
    where = f" during dataset {in_progress!r} ({images_done} images done)" if in_progress else ""
    with sigint_deferred():
        if writer is not None and finished:
            writer.abort(keep_finished=True)
            result = ExportResult(path, dict(finished), dict(layers), complete=False, missing=missing)
            message = (
                f"export interrupted{where}: {path} is a valid file holding the finished "
                f"dataset(s) {', '.join(f'{n!r} ({c} images)' for n, c in finished.items())}; "
                f"not in it: {', '.join(map(repr, missing))}. Add them later with "
                f"deephys.Writer({str(path)!r}, mode='a') or export again"
            )
            return ExportInterrupted(message, result)
        if writer is not None:
            writer.abort()
    message = (
        f"export interrupted{where} before any dataset was finished: nothing was written ({path} was left as it was)"
    )
    return ExportInterrupted(message, None)


def handle_termination(
    writer: Writer | None, path: Path, in_progress: str | None, images_done: int
) -> ExportInterrupted:
    """Abort the whole export after SIGTERM (nothing new at `path`); return the exception to raise."""
    where = f" during dataset {in_progress!r} ({images_done} images done)" if in_progress else ""
    with sigint_deferred():
        if writer is not None:
            writer.abort()
    return ExportInterrupted(
        f"export terminated by SIGTERM{where}: nothing was written ({path} was left as it was)", None
    )
