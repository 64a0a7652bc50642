"""`deephys repair FILE`: exit codes, messages and --dry-run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import deephys
from deephys.cli import main


@pytest.fixture
def interrupted(small_run: Path) -> tuple[Path, bytes]:
    """`small_run` with an in-place append cut short after some of its records; the bytes before the append."""
    previous = small_run.read_bytes()
    rng = np.random.default_rng(1)
    with deephys.Writer(small_run, mode="a", in_place=True) as w:
        w.add_dataset(
            "more",
            labels=rng.integers(0, 3, 20),
            images=rng.random((20, 12, 10, 3)),
            activations={"features": rng.random((20, 8)), "logits": rng.random((20, 3))},
        )
    complete = small_run.read_bytes()
    small_run.write_bytes(complete[: (len(previous) + len(complete)) // 2])
    return small_run, previous


def test_repair_restores_the_previous_version(interrupted) -> None:
    path, previous = interrupted
    cut = path.stat().st_size - len(previous)
    result = CliRunner().invoke(main, ["repair", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == previous
    assert f"cut {cut:,} bytes" in result.output
    assert f"after byte {len(previous):,}" in result.output
    assert "2 dataset(s): 'train-like', 'shifted'" in result.output
    assert CliRunner().invoke(main, ["validate", "--quick", str(path)]).exit_code == 0


def test_dry_run_says_what_it_would_cut_and_changes_nothing(interrupted) -> None:
    path, previous = interrupted
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["repair", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert f"would cut {len(before) - len(previous):,} bytes" in result.output
    assert "would hold 2 dataset(s)" in result.output
    assert path.read_bytes() == before


def test_a_complete_file_needs_no_repair(small_run: Path) -> None:
    before = small_run.read_bytes()
    result = CliRunner().invoke(main, ["repair", str(small_run)])
    assert result.exit_code == 1
    assert "nothing to repair" in result.output and "deephys validate" in result.output
    assert "Traceback" not in result.output
    assert small_run.read_bytes() == before


@pytest.mark.parametrize("data", [b"hello, world\n" * 10, None])
def test_nothing_recoverable_is_a_clear_error(small_run: Path, data: bytes | None) -> None:
    data = small_run.read_bytes()[:-40] if data is None else data
    small_run.write_bytes(data)
    result = CliRunner().invoke(main, ["repair", str(small_run)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and str(small_run) in result.output
    assert "Traceback" not in result.output
    assert small_run.read_bytes() == data


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["repair", str(tmp_path / "nope.deephys")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_repair_is_listed_in_the_help() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "repair" in result.output


def test_repair_removes_the_temporary_files_a_killed_writer_left(small_run: Path) -> None:
    from deephys.format.atomic import TEMP_MARK

    leftover = small_run.with_name(f".{small_run.name}{TEMP_MARK}1a2b3c4d")
    leftover.write_bytes(b"half a file")
    other = small_run.with_name(f".other.deephys{TEMP_MARK}1a2b3c4d")  # another file's: left alone
    other.write_bytes(b"x")
    result = CliRunner().invoke(main, ["repair", "--dry-run", str(small_run)])
    assert result.exit_code == 0 and "would remove" in result.output and leftover.exists()
    result = CliRunner().invoke(main, ["repair", str(small_run)])
    assert result.exit_code == 0, result.output
    assert f"{leftover}: removed" in result.output
    assert not leftover.exists() and other.exists()
    assert CliRunner().invoke(main, ["repair", str(small_run)]).exit_code == 1  # complete, nothing left: refused
