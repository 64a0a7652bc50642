"""The names `import deephys` offers: each exists, and the verbs of the CLI have Python twins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import deephys


def test_every_public_name_resolves() -> None:
    for name in deephys.__all__:
        assert getattr(deephys, name) is not None, name


def test_the_command_line_verbs_on_files_have_python_twins(small_run: Path, tmp_path: Path) -> None:
    report = deephys.validate(small_run)
    assert isinstance(report, deephys.ValidationReport)
    assert report.ok and report.records > 0 and report.bytes_checked > 0

    damaged = tmp_path / "damaged.deephys"
    data = bytearray(small_run.read_bytes())
    data[len(data) // 2] ^= 0x40
    damaged.write_bytes(bytes(data))
    report = deephys.validate(damaged)
    assert not report.ok
    assert all(str(damaged) in problem for problem in report.problems)

    cut = tmp_path / "cut.deephys"
    cut.write_bytes(small_run.read_bytes() + b"an interrupted append")
    assert deephys.repair(cut).cut == len(b"an interrupted append")
    assert cut.read_bytes() == small_run.read_bytes()


def test_import_stays_light() -> None:
    heavy = "('torch', 'jax', 'flax', 'deephys.server', 'deephys.bundle')"
    code = f"import sys, deephys; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_findings_and_compare_stay_functions_once_their_modules_are_imported() -> None:
    import deephys.compare
    import deephys.findings  # noqa: F401 - the import that used to replace the function by the module

    assert callable(deephys.findings) and callable(deephys.compare)
    assert deephys.findings.__module__ == "deephys.findings" and deephys.compare.__module__ == "deephys.compare"
