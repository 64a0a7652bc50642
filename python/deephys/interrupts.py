"""SIGTERM as a clean abort, for the command line and the exporters (never installed by the library itself:
a handler in a user's process would hijack torchrun, notebooks and servers)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import Terminated


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM raises `Terminated` (a KeyboardInterrupt) in the main thread, after
    any handler that was there before has run; writers then abort as on Ctrl-C and leave nothing behind.
    A process that ignores SIGTERM keeps ignoring it; other threads change nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_IGN:
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        if callable(previous):
            previous(signum, frame)
        raise Terminated("terminated by SIGTERM")

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
