"""In-place appends keep the old footer and trailer where they are; validate accepts exactly those dead footers."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from format_helpers import CLASSES, MODEL, TRAILER_SIZE, batch, read_everything, time_limit  # noqa: F401 (autouse)
from make_malicious import finish, flip_bit, parse_record

import deephys
from deephys._generated.deephys.v1 import deephys_pb2 as pb
from deephys.format.validate import validate


def footer_offset_of(data: bytes) -> int:
    return struct.unpack_from("<Q", data, len(data) - TRAILER_SIZE)[0]


def footer_of(data: bytes) -> pb.Footer:
    return parse_record(data, footer_offset_of(data)).footer


def with_final_footer(data: bytes, edit: Callable[[pb.Footer], None]) -> bytes:
    """The file with its (last) footer changed by `edit` and rewritten with valid CRCs."""
    footer = footer_of(data)
    edit(footer)
    return finish(data[: footer_offset_of(data)], footer)


@pytest.fixture
def appended_twice(tmp_path: Path) -> tuple[Path, list[bytes]]:
    """A file written once and appended to in place twice; the bytes of each version."""
    path = tmp_path / "run.deephys"
    with deephys.Writer(path, model=MODEL, classes=CLASSES) as w:
        w.add_dataset("first", **batch(12, seed=1))
    versions = [path.read_bytes()]
    for name, seed in (("second", 2), ("third", 3)):
        with deephys.Writer(path, mode="a", in_place=True) as w:
            w.add_dataset(name, role="ood", **batch(9, seed=seed))
        versions.append(path.read_bytes())
    return path, versions


def problems(tmp_path: Path, data: bytes) -> list[str]:
    path = tmp_path / "damaged.deephys"
    path.write_bytes(data)
    return validate(path).problems


def test_each_version_stays_a_prefix_of_the_next(appended_twice) -> None:
    _, versions = appended_twice
    for older, newer in zip(versions, versions[1:]):
        assert newer[: len(older)] == older


def test_two_in_place_appends_validate_and_read_back(appended_twice) -> None:
    path, versions = appended_twice
    report = validate(path)
    assert report.ok, report.problems
    assert report.bytes_checked == footer_offset_of(versions[-1]) - 16  # the old footers and trailers included
    reads = read_everything(path)
    assert [k for k in reads if k not in ("model", "metadata")] == ["first", "second", "third"]
    for name, seed, n in (("first", 1, 12), ("second", 2, 9), ("third", 3, 9)):
        expected = batch(n, seed)
        np.testing.assert_array_equal(reads[name]["act/fc"], expected["activations"]["fc"])
        np.testing.assert_array_equal(reads[name]["labels"], expected["labels"])


def test_the_footer_lists_the_footers_left_in_place(appended_twice) -> None:
    _, versions = appended_twice
    assert list(footer_of(versions[0]).earlier_footers) == []
    assert list(footer_of(versions[1]).earlier_footers) == [footer_offset_of(versions[0])]
    assert list(footer_of(versions[2]).earlier_footers) == [
        footer_offset_of(versions[0]),
        footer_offset_of(versions[1]),
    ]


def test_a_copying_append_carries_the_list_forward(appended_twice) -> None:
    path, versions = appended_twice
    with deephys.Writer(path, mode="a") as w:
        w.add_dataset("fourth", **batch(5, seed=4))
    data = path.read_bytes()
    assert data[: footer_offset_of(versions[-1])] == versions[-1][: footer_offset_of(versions[-1])]
    assert list(footer_of(data).earlier_footers) == list(footer_of(versions[-1]).earlier_footers)
    assert validate(path).ok


def test_a_failed_in_place_append_cuts_back_to_the_old_size(appended_twice) -> None:
    path, versions = appended_twice
    with pytest.raises(RuntimeError):
        with deephys.Writer(path, mode="a", in_place=True) as w:
            w.add_dataset("fourth", **batch(5, seed=4))
            raise RuntimeError("stop")
    assert path.read_bytes() == versions[-1]


def test_validate_rejects_a_dead_footer_that_is_not_listed(tmp_path: Path, appended_twice) -> None:
    _, versions = appended_twice
    dead = footer_offset_of(versions[0])
    data = with_final_footer(versions[-1], lambda f: f.earlier_footers.remove(dead))
    [problem] = problems(tmp_path, data)
    assert f"at byte {dead}: footer record inside the data area" in problem


def test_validate_rejects_a_listed_offset_that_holds_another_record(tmp_path: Path, appended_twice) -> None:
    _, versions = appended_twice
    table = footer_of(versions[-1]).datasets[1].table[0].record.offset
    data = with_final_footer(versions[-1], lambda f: f.earlier_footers.append(table))
    [problem] = problems(tmp_path, data)
    assert f"at byte {table}: the footer lists an earlier footer here, but this is a table record" in problem


@pytest.mark.parametrize("where", [0, 16, 17, 1 << 40])
def test_validate_rejects_a_listed_offset_where_no_record_starts(tmp_path: Path, appended_twice, where: int) -> None:
    _, versions = appended_twice
    data = with_final_footer(versions[-1], lambda f: f.earlier_footers.append(where))
    [problem] = problems(tmp_path, data)
    assert "earlier footer" in problem


@pytest.mark.parametrize("byte", [0, 8, 12, 16, 20, 24, 31])
def test_validate_rejects_a_damaged_old_trailer(tmp_path: Path, appended_twice, byte: int) -> None:
    _, versions = appended_twice
    old_trailer = len(versions[0]) - TRAILER_SIZE
    [problem] = problems(tmp_path, flip_bit(versions[-1], (old_trailer + byte) * 8 + 3))
    assert f"at byte {old_trailer}: the trailer of the earlier footer" in problem


def test_validate_rejects_a_damaged_old_footer(tmp_path: Path, appended_twice) -> None:
    _, versions = appended_twice
    dead = footer_offset_of(versions[1])
    [problem] = problems(tmp_path, flip_bit(versions[-1], (dead + 20) * 8))
    assert f"at byte {dead}: record CRC mismatch" in problem


def test_validate_rejects_a_trailer_pointing_at_another_footer(tmp_path: Path, appended_twice) -> None:
    # Both old trailers are valid, but the second one's is swapped for the first one's.
    _, versions = appended_twice
    first_trailer = versions[0][-TRAILER_SIZE:]
    second_end = len(versions[1])
    data = versions[-1][: second_end - TRAILER_SIZE] + first_trailer + versions[-1][second_end:]
    [problem] = problems(tmp_path, data)
    assert "the trailer of the earlier footer does not point at it" in problem
