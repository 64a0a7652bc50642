"""Atomic writes: a failed or interrupted export leaves the previous file (or none) and no temporary files."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from format_helpers import CLASSES, MODEL, batch, read_everything, time_limit  # noqa: F401 (autouse)
from process_helpers import python_code

import deephys
from deephys.format import images as image_module
from deephys.format.atomic import TEMP_MARK, unnamed_files_work
from deephys.format.sink import RecordSink


def write_previous(path: Path) -> bytes:
    with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
        w.add_dataset("old", **batch(20))
    return path.read_bytes()


def folder_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


class Boom(Exception):
    pass


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_error_in_with_leaves_no_file(tmp_path: Path, error: type[BaseException]) -> None:
    path = tmp_path / "run.deephys"
    with pytest.raises(error):
        with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
            w.add_dataset("done", **batch(10))
            with w.dataset("half", role="ood") as d:
                d.append(**batch(5))
                raise error()
    assert folder_listing(path) == []


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_error_in_with_keeps_the_previous_file(tmp_path: Path, error: type[BaseException]) -> None:
    path = tmp_path / "run.deephys"
    previous = write_previous(path)
    with pytest.raises(error):
        with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
            w.add_dataset("new", **batch(10))
            raise error()
    assert path.read_bytes() == previous
    assert folder_listing(path) == ["run.deephys"]


def test_invalid_batch_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    previous = write_previous(path)
    with pytest.raises(ValueError):
        with deephys.Writer(path, model=MODEL, classes=CLASSES) as w, w.dataset("new") as d:
            d.append(**batch(10))
            d.append(**{**batch(3), "labels": [0, 1, 7]})
    assert path.read_bytes() == previous
    assert folder_listing(path) == ["run.deephys"]


def test_interrupt_while_encoding_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C can land in an encoder thread: it must still stop the export cleanly.
    path = tmp_path / "run.deephys"
    previous = write_previous(path)
    calls = {"n": 0}
    encode = image_module.encode_many  # one call per slice of a batch

    def interrupted_encode(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return encode(*args, **kwargs)

    monkeypatch.setattr(image_module, "encode_many", interrupted_encode)
    with pytest.raises(KeyboardInterrupt):
        with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
            w.add_dataset("new", **batch(200), batch_size=16)
    assert path.read_bytes() == previous
    assert folder_listing(path) == ["run.deephys"]


def _failing_disk(monkeypatch: pytest.MonkeyPatch, after_writes: int) -> None:
    """The disk fills up at the write after `after_writes` (what the failed export wrote is then freed)."""
    calls = {"n": 0}
    write = RecordSink.write

    def full(self, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == after_writes + 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        write(self, data)

    monkeypatch.setattr(RecordSink, "write", full)


@pytest.mark.parametrize("after_writes", [1, 4, 12])  # the model record, images, summaries
def test_disk_full_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after_writes: int) -> None:
    path = tmp_path / "run.deephys"
    previous = write_previous(path)
    _failing_disk(monkeypatch, after_writes)
    with pytest.raises(OSError, match="No space"):
        with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
            w.add_dataset("new", **batch(30))
    assert path.read_bytes() == previous
    assert folder_listing(path) == ["run.deephys"]


def test_abort_keep_finished_writes_the_finished_datasets(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    w = deephys.Writer(path, model=MODEL, classes=CLASSES)
    w.add_dataset("done", **batch(10, seed=1))
    d = w.dataset("half", role="ood")
    d.append(**batch(5, seed=2))
    w.abort(keep_finished=True)
    assert folder_listing(path) == ["run.deephys"]
    reads = read_everything(path)
    assert [k for k in reads if k not in ("model", "metadata")] == ["done"]
    np.testing.assert_array_equal(reads["done"]["act/fc"], batch(10, seed=1)["activations"]["fc"])
    w.abort(keep_finished=True)  # a second call does nothing
    w.close()


def test_abort_keep_finished_without_finished_datasets_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    w = deephys.Writer(path, model=MODEL, classes=CLASSES)
    w.dataset("half").append(**batch(5))
    w.abort(keep_finished=True)
    assert folder_listing(path) == []


def test_abort_keep_finished_in_an_append(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    write_previous(path)
    w = deephys.Writer(path, mode="a", in_place=True)
    w.add_dataset("added", **batch(4, seed=3))
    w.dataset("half").append(**batch(4))
    w.abort(keep_finished=True)
    reads = read_everything(path)
    assert [k for k in reads if k not in ("model", "metadata")] == ["old", "added"]
    assert folder_listing(path) == ["run.deephys"]


@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_failed_append_restores_the_original_bytes(tmp_path: Path, in_place: bool, error: type[BaseException]) -> None:
    path = tmp_path / "run.deephys"
    original = write_previous(path)
    with pytest.raises(error):
        with deephys.Writer(path, mode="a", in_place=in_place) as w:
            w.add_dataset("added", **batch(50))
            with w.dataset("half") as d:
                d.append(**batch(50))
                raise error()
    assert path.read_bytes() == original
    assert folder_listing(path) == ["run.deephys"]


@pytest.mark.parametrize("in_place", [False, True])
def test_append_on_a_full_disk_restores_the_original_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_place: bool
) -> None:
    path = tmp_path / "run.deephys"
    original = write_previous(path)
    _failing_disk(monkeypatch, after_writes=10)
    with pytest.raises(OSError):
        with deephys.Writer(path, mode="a", in_place=in_place) as w:
            w.add_dataset("added", **batch(50))
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert folder_listing(path) == ["run.deephys"]


@pytest.mark.parametrize(("mode", "in_place"), [("w", False), ("a", False), ("a", True)])
def test_a_failure_while_finishing_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, in_place: bool
) -> None:
    # The footer is written, then the disk fills up before the trailer.
    path = tmp_path / "run.deephys"
    previous = write_previous(path)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("deephys.format.writer.pack_trailer", no_space)
    with pytest.raises(OSError, match="No space"):
        with deephys.Writer(path, model=MODEL, classes=CLASSES, mode=mode, in_place=in_place) as w:
            w.add_dataset("new", **batch(10))
    assert path.read_bytes() == previous
    assert folder_listing(path) == ["run.deephys"]


def test_a_failed_dataset_can_be_skipped(tmp_path: Path) -> None:
    # The exception leaves `with w.dataset(...)`: that dataset is dropped, the writer goes on.
    path = tmp_path / "run.deephys"
    with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
        w.add_dataset("first", **batch(6, seed=1))
        with pytest.raises(ValueError):
            with w.dataset("broken") as d:
                d.append(**batch(6))
                d.append(**{**batch(2), "labels": [0, 9]})
        w.add_dataset("second", **batch(6, seed=2))
    reads = read_everything(path)
    assert [k for k in reads if k not in ("model", "metadata")] == ["first", "second"]
    np.testing.assert_array_equal(reads["second"]["act/fc"], batch(6, seed=2)["activations"]["fc"])


SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    import deephys

    model = deephys.Model("m", layers={"fc": 6, "out": 3}, classifier="out")
    rng = np.random.default_rng(0)
    with deephys.Writer(sys.argv[1], model=model, classes=["a", "b", "c"], mode=sys.argv[2],
                        in_place=sys.argv[3] == "in-place") as w:
        with w.dataset("slow") as d:
            for i in range(10_000):
                d.append(
                    labels=rng.integers(0, 3, 8),
                    activations={"fc": rng.random((8, 6)), "out": rng.random((8, 3))},
                    images=rng.integers(0, 256, (8, 8, 8, 3), dtype=np.uint8),
                )
                if i == 3:
                    print("started", flush=True)
                time.sleep(0.01)
    """
)


def wait_until_larger(path: Path, size: int, timeout: float = 20) -> None:
    """Wait until the in-place writer has put some bytes of its own into the file."""
    deadline = time.monotonic() + timeout
    while path.stat().st_size <= size:
        assert time.monotonic() < deadline, "the writer wrote nothing into the file"
        time.sleep(0.01)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("mode", ["w", "a", "a-in-place"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_process_leaves_the_previous_file(tmp_path: Path, mode: str, sig: int) -> None:
    path = tmp_path / "run.deephys"
    previous = write_previous(path)
    in_place = mode == "a-in-place"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    arguments = [str(path), mode[0], "in-place" if in_place else "copy"]
    process = subprocess.Popen(
        [*python_code(SLOW_WRITER), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stdout.readline() == b"started\n", process.stderr.read().decode()
        if in_place:
            wait_until_larger(path, len(previous))
        process.send_signal(sig)
        process.wait(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode != 0
    if in_place and sig == signal.SIGKILL:
        # Killed in the middle of its records: the old footer and trailer are intact before them, and
        # repair cuts the file back to exactly the previous bytes.
        assert path.read_bytes()[: len(previous)] == previous
        with pytest.raises(deephys.FormatError, match="deephys repair"):
            deephys.open(path)
        repaired = deephys.repair(path)
        assert repaired.datasets == ("old",)
    assert path.read_bytes() == previous
    read_everything(path)
    if sig == signal.SIGINT:
        assert b"KeyboardInterrupt" in process.stderr.read()
        assert folder_listing(path) == ["run.deephys"]
    elif in_place:
        assert folder_listing(path) == ["run.deephys"]
    elif unnamed_files_work(tmp_path):
        # The new file had no name (O_TMPFILE): SIGKILL leaves nothing behind.
        assert folder_listing(path) == ["run.deephys"]
    else:
        # SIGKILL gives no chance to clean up: a temporary file may stay beside the intact original,
        # with a name that `deephys repair` sweeps.
        assert all(name == "run.deephys" or TEMP_MARK in name for name in folder_listing(path))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_permissions_follow_the_umask_or_the_replaced_file(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    old_umask = os.umask(0o027)
    try:
        write_previous(path)
    finally:
        os.umask(old_umask)
    assert path.stat().st_mode & 0o777 == 0o640  # not the 0o600 of a temporary file
    path.chmod(0o664)
    write_previous(path)
    assert path.stat().st_mode & 0o777 == 0o664
    with deephys.Writer(path, mode="a") as w:
        w.add_dataset("more", **batch(3))
    assert path.stat().st_mode & 0o777 == 0o664
