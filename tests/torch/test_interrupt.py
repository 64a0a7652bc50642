"""Ctrl-C: a valid file with the finished datasets, or nothing; never a half-written file or a temp file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from torch_hooks import ForwardHooks
from torch_models import MLP, image_batches

import deephys
import deephys.torch
from deephys.export import ExportInterrupted


def interrupted_after(batches: list, count: int) -> Iterator:
    """A loader on which the user presses Ctrl-C after `count` batches."""
    yield from batches[:count]
    raise KeyboardInterrupt


def test_ctrl_c_keeps_the_finished_datasets(tmp_path: Path, forward_hooks: ForwardHooks) -> None:
    model = MLP()
    finished = image_batches(20, 8, 8, seed=1)
    path = tmp_path / "run.deephys"
    datasets = {
        "ID": finished,
        "OOD-1": interrupted_after(image_batches(40, 8, 8, seed=2), 2),
        "OOD-2": image_batches(8, 8, 8, seed=3),
    }
    with pytest.raises(KeyboardInterrupt) as caught:
        deephys.torch.export(model, datasets, layers=["fc1", "fc2"], path=path, progress=False)
    error = caught.value
    assert isinstance(error, ExportInterrupted)
    assert "during dataset 'OOD-1' (16 images done)" in str(error)
    assert "holding the finished dataset(s) 'ID' (20 images); not in it: 'OOD-1', 'OOD-2'" in str(error)
    assert error.result is not None and not error.result.complete and error.result.datasets == {"ID": 20}
    assert os.listdir(tmp_path) == ["run.deephys"]
    assert forward_hooks.handles and forward_hooks.live == 0
    with deephys.open(path) as run:
        assert list(run.datasets) == ["ID"]
        dataset = run.datasets["ID"]
        assert len(dataset) == 20 and dataset.image(19).shape == (8, 8, 3)
        np.testing.assert_array_equal(dataset.labels, np.concatenate([y.numpy() for _, y in finished]))
        assert dataset.summary("fc2").images == 20


def test_ctrl_c_in_the_first_dataset_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    with pytest.raises(ExportInterrupted, match="before any dataset was finished: nothing was written"):
        deephys.torch.export(
            MLP(),
            {"ID": interrupted_after(image_batches(24, 8, 8), 1)},
            layers=["fc1", "fc2"],
            path=path,
            progress=False,
        )
    assert os.listdir(tmp_path) == []


def test_ctrl_c_before_the_first_batch_leaves_an_existing_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    path.write_bytes(b"previous")
    with pytest.raises(ExportInterrupted):
        deephys.torch.export(MLP(), {"ID": interrupted_after([], 0)}, layers=["fc1", "fc2"], path=path, progress=False)
    assert path.read_bytes() == b"previous" and os.listdir(tmp_path) == ["run.deephys"]


SIGTERMED_EXPORT = """
import signal, sys, time, torch
signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as a job scheduler's child has it
sys.path.insert(0, sys.argv[2])
from torch_models import MLP, image_batches
import deephys.torch

def batches():
    for i, batch in enumerate(image_batches(64, 8, 8)):
        if i == 2:
            print("ready", flush=True)
            time.sleep(60)  # SIGTERM arrives here
        yield batch

deephys.torch.export(MLP(), {"ID": batches()}, layers=["fc1", "fc2"], path=sys.argv[1], progress=False)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX")
def test_sigterm_aborts_and_leaves_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    path.write_bytes(b"the previous export")
    proc = subprocess.Popen(
        [sys.executable, "-c", SIGTERMED_EXPORT, str(path), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode != 0
    assert b"export terminated by SIGTERM during dataset 'ID' (16 images done): nothing was written" in err
    assert path.read_bytes() == b"the previous export" and os.listdir(tmp_path) == ["run.deephys"]
