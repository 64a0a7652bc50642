"""Helpers for tests that start processes (a module of its own: a second `conftest` would shadow the first)."""

from __future__ import annotations

import sys

# A shell that ran the suite in the background left SIGINT ignored, a child inherits that, and Python keeps
# an ignored SIGINT ignored: the child must restore Ctrl-C itself. (Not with preexec_fn: forking a process
# that runs JAX's threads may deadlock before the exec.)
_RESTORE_CTRL_C = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"


def python_code(code: str) -> list[str]:
    """`python -c code` in a child that the test may Ctrl-C."""
    return [sys.executable, "-c", _RESTORE_CTRL_C + code]


def python_module(module: str) -> list[str]:
    """`python -m module` in a child that the test may Ctrl-C (append its arguments)."""
    run = f"import runpy; runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    return [sys.executable, "-c", _RESTORE_CTRL_C + run]
