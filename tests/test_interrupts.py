"""SIGTERM aborts a command or an export cleanly: the previous file stays, nothing is left beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner
from process_helpers import python_code

import deephys
from deephys.cli import main
from deephys.errors import Terminated
from deephys.interrupts import sigterm_as_interrupt

SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    import deephys
    from deephys.interrupts import sigterm_as_interrupt

    model = deephys.Model("m", layers={"out": 3}, classifier="out")
    with sigterm_as_interrupt(), deephys.Writer(sys.argv[1], model=model, classes=["a", "b", "c"]) as w:
        with w.dataset("slow") as d:
            for i in range(10_000):
                d.append(labels=[0, 1], activations={"out": np.ones((2, 3))}, images=np.zeros((2, 8, 8), np.uint8))
                if i == 3:
                    print("started", flush=True)
                time.sleep(0.01)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_during_a_write_keeps_the_previous_file_and_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    model = deephys.Model("m", layers={"out": 3}, classifier="out")
    with deephys.Writer(path, model=model, classes=["a", "b", "c"]) as w:
        w.add_dataset("old", labels=[0], activations={"out": np.ones((1, 3))})
    previous = path.read_bytes()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [*python_code(SLOW_WRITER), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == b"started\n"
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode != 0 and b"Terminated: terminated by SIGTERM" in err
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.deephys"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_handler_runs_the_previous_one_first_and_is_removed_after() -> None:
    calls: list[int] = []

    def record(signum: int, frame: object) -> None:
        calls.append(signum)

    before = signal.signal(signal.SIGTERM, record)
    try:
        with pytest.raises(Terminated), sigterm_as_interrupt():
            signal.raise_signal(signal.SIGTERM)
        assert calls == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is record
        signal.raise_signal(signal.SIGTERM)  # the previous handler is back, alone
        assert calls == [signal.SIGTERM, signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, before)


def test_every_command_runs_with_sigterm_as_an_interrupt() -> None:
    seen = []

    @click.command("probe-sigterm")
    def probe() -> None:
        seen.append(signal.getsignal(signal.SIGTERM))

    main.add_command(probe)
    try:
        assert CliRunner().invoke(main, ["probe-sigterm"]).exit_code == 0
    finally:
        main.commands.pop("probe-sigterm")
    assert callable(seen[0]) and seen[0].__qualname__.startswith("sigterm_as_interrupt")
