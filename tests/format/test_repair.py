"""`deephys.repair`: a file cut anywhere in an in-place append is restored to exactly its previous bytes."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest
from format_helpers import CLASSES, MODEL, TRAILER_SIZE, batch, read_everything, time_limit  # noqa: F401 (autouse)

import deephys
from deephys.errors import NothingToRepair


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Three versions of one file, each made from the last by an in-place append (small chunks: many records)."""
    path = tmp_path_factory.mktemp("versions") / "run.deephys"
    with deephys.Writer(path, model=MODEL, classes=CLASSES, chunk_bytes=64) as w:
        w.add_dataset("first", **batch(10, seed=1))
    out = [path.read_bytes()]
    for name, seed in (("second", 2), ("third", 3)):
        with deephys.Writer(path, mode="a", in_place=True, chunk_bytes=64) as w:
            w.add_dataset(name, **batch(10, seed=seed))
        out.append(path.read_bytes())
    return out


def frame_boundaries(data: bytes, start: int, end: int) -> list[int]:
    """Where each frame of data[start:end] starts and ends (and where each trailer ends)."""
    points, offset = [], start
    while offset < end:
        points.append(offset)
        if data[offset + 24 : offset + 32] == b"DPHYSEND":
            offset += TRAILER_SIZE
            continue
        offset += 8 + struct.unpack_from("<I", data, offset)[0]
    return points


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "cut.deephys"
    path.write_bytes(data)
    return path


def test_a_cut_at_every_frame_boundary_of_the_append_is_repaired(tmp_path: Path, versions) -> None:
    previous, complete = versions[1], versions[2]
    cuts = frame_boundaries(complete, len(previous), len(complete))
    cuts += [cut + 1 for cut in cuts] + [cut + 8 for cut in cuts] + [len(complete) - 1, len(complete) - 31]
    cuts = sorted({cut for cut in cuts if len(previous) < cut < len(complete)})
    assert len(cuts) > 50
    for cut in cuts:
        path = write(tmp_path, complete[:cut])
        with pytest.raises(deephys.FormatError, match="deephys repair"):
            deephys.open(path)
        repaired = deephys.repair(path)
        assert path.read_bytes() == previous, f"cut at {cut}"
        assert (repaired.size, repaired.restored_size, repaired.cut) == (cut, len(previous), cut - len(previous))
        assert repaired.datasets == ("first", "second")


def test_a_cut_at_random_offsets_of_the_append_is_repaired(tmp_path: Path, versions) -> None:
    previous, complete = versions[1], versions[2]
    for cut in np.random.default_rng(0).integers(len(previous) + 1, len(complete), 60):
        path = write(tmp_path, complete[:cut])
        deephys.repair(path)
        assert path.read_bytes() == previous, f"cut at {cut}"
        read_everything(path)


def test_the_first_append_cut_short_restores_the_first_version(tmp_path: Path, versions) -> None:
    for cut in frame_boundaries(versions[1], len(versions[0]), len(versions[1]))[1:]:
        path = write(tmp_path, versions[1][:cut])
        assert deephys.repair(path).datasets == ("first",)
        assert path.read_bytes() == versions[0]


@pytest.mark.parametrize("tail", [b"\0" * 5000, b"\0" * 7, b"\xff" * 100, bytes(range(256)) * 9, b"DPHYSEND"])
def test_what_a_power_loss_may_leave_after_the_trailer_is_cut(tmp_path: Path, versions, tail: bytes) -> None:
    path = write(tmp_path, versions[2] + tail)
    deephys.repair(path)
    assert path.read_bytes() == versions[2]


def test_dry_run_changes_nothing(tmp_path: Path, versions) -> None:
    data = versions[2][:-100]
    path = write(tmp_path, data)
    plan = deephys.repair(path, dry_run=True)
    assert plan.dry_run and plan.restored_size == len(versions[1]) and plan.cut == len(data) - len(versions[1])
    assert path.read_bytes() == data


@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_complete_file_is_refused(tmp_path: Path, versions, which: int) -> None:
    path = write(tmp_path, versions[which])
    with pytest.raises(NothingToRepair, match="nothing to repair"):
        deephys.repair(path)
    assert path.read_bytes() == versions[which]


def test_a_file_ending_with_a_trailer_is_never_cut(tmp_path: Path, versions) -> None:
    # The last footer is damaged: the append finished, something else broke the file; repair must not
    # throw the third dataset away.
    data = bytearray(versions[2])
    data[len(data) - TRAILER_SIZE - 10] ^= 1
    path = write(tmp_path, bytes(data))
    with pytest.raises(NothingToRepair):
        deephys.repair(path)
    assert path.read_bytes() == bytes(data)


@pytest.mark.parametrize("cut", [16, 17, 100, 1000, -33, -32, -1])
def test_a_file_without_a_complete_version_is_refused(tmp_path: Path, versions, cut: int) -> None:
    data = versions[0][:cut]
    path = write(tmp_path, data)
    with pytest.raises(deephys.FormatError, match="no complete version found"):
        deephys.repair(path)
    assert path.read_bytes() == data


@pytest.mark.parametrize("data", [b"", b"\x89DPHYS", b"not a deephys file" * 20])
def test_a_foreign_file_is_refused(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    with pytest.raises(deephys.FormatError):
        deephys.repair(path)
    assert path.read_bytes() == data


def test_a_damaged_old_trailer_is_not_trusted(tmp_path: Path, versions) -> None:
    # The second version's trailer is damaged: the only verified one left is the first version's.
    data = bytearray(versions[2][:-1])
    data[len(versions[1]) - 5] ^= 1
    path = write(tmp_path, bytes(data))
    deephys.repair(path)
    assert path.read_bytes() == versions[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    path = tmp_path / "pipe.deephys"
    os.mkfifo(path)
    with pytest.raises(deephys.FormatError, match="not a regular file"):
        deephys.repair(path)
