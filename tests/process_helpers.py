"""Helpers for tests that start processes (a module of its own: a second `conftest` would shadow the first)."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """`preexec_fn` of a child process the test will Ctrl-C: a shell that ran the suite in the background
    left SIGINT ignored, and a child would inherit that (Python keeps an ignored SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
