"""Shared fixtures of the format tests: a per-test time limit, so that no test can hang."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator

import pytest

TEST_TIME_LIMIT_S = 60


class TestTimeout(Exception):
    """Raised in a test that ran past TEST_TIME_LIMIT_S: something hangs."""


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum, frame):
        raise TestTimeout(f"test ran longer than {TEST_TIME_LIMIT_S} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TEST_TIME_LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
