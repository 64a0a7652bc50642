"""The import layering checker (tools/check_layers.py) passes on the tree and finds what it should."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import check_layers  # noqa: E402


def test_the_tree_keeps_its_layers() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_layers.py")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no import circle" in result.stdout


def test_circles_are_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert check_layers.cycles(graph) == [["a", "b", "c"]]
    assert check_layers.cycles({"a": {"b"}, "b": set()}) == []


def test_python_imports_resolve_relative_and_late_imports(tmp_path: Path) -> None:
    source = tmp_path / "reader.py"
    source.write_text(
        "from . import dtypes\nfrom ..errors import FormatError\n\ndef f():\n    from ..cli import main\n"
    )
    modules = {
        name: source for name in ("deephys.format.reader", "deephys.format.dtypes", "deephys.errors", "deephys.cli")
    }
    found = check_layers.python_imports("deephys.format.reader", source, modules)
    assert found == {"deephys.format.dtypes", "deephys.errors", "deephys.cli"}


def test_a_format_module_may_not_import_the_analysis() -> None:
    assert check_layers.python_layer("deephys.format.reader")[0] < check_layers.python_layer("deephys.analysis")[0]
    assert check_layers.viewer_layer("worker/service") < check_layers.viewer_layer("app/App")
