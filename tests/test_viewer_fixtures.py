"""The viewer's committed test files (viewer/test/fixtures) must be what make_fixtures.py writes now.

The viewer's unit tests read them without Python, so a change of the writer or of the generator must
come with fresh files. Bytes may differ where the content does not (image records land where the
encoding threads finish them, zlib versions compress differently, an append stamps its time): then
the files are compared as deephys.open reads them.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "viewer" / "test" / "fixtures"
COMMAND = "`make fixtures` (or `cd viewer && npm run fixtures`)"


def _generator():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return _generator()


@pytest.fixture(scope="module")
def fresh(generator, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("viewer-fixtures")
    generator.write_fixtures(out)
    return out


def test_committed_fixtures_are_fresh(generator, fresh):
    stale = generator.stale_fixtures(FIXTURES, fresh)
    assert not stale, f"viewer/test/fixtures is stale: run {COMMAND} and commit the result:\n" + "\n".join(stale)


def test_a_changed_file_is_found(generator, fresh, tmp_path):
    """The check itself: content that differs is reported, bytes alone are not."""
    committed = tmp_path / "committed"
    shutil.copytree(fresh, committed)
    generator.write_fixtures(tmp_path / "again")
    assert generator.stale_fixtures(committed, tmp_path / "again") == []

    shutil.copyfile(fresh / "dtypes.deephys", committed / "small.deephys")
    (committed / "expected.json").write_text("{}\n")
    (committed / "appended.deephys").unlink()
    stale = generator.stale_fixtures(committed, fresh)
    assert "small.deephys: model" in stale
    assert "small.deephys: classes" in stale
    assert "appended.deephys: missing" in stale
    assert "expected.json: the values read back differ" in stale
