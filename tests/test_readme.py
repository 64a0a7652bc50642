"""The README's Python examples run as written, and `make test` checks the tools it names first."""

import os
import re
import warnings
from pathlib import Path

import pytest

from deephys.export.errors import NoReadoutWarning

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index, tmp_path, monkeypatch):
    code = BLOCKS[index]
    if "import torch" in code:
        pytest.importorskip("torch")
    if "import flax" in code or "from flax" in code:
        pytest.importorskip("flax")
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoReadoutWarning)  # the export examples store their classifier's readout
        exec(compile(code, f"README.md[python block {index}]", "exec"), {"__name__": "__readme__"})


ROOT = README.parent


def _tools(folder: Path, names: list[str], uid: str) -> dict[str, str]:
    """A PATH of only `names` (links to the real tools) and an `id` that says `uid`: a machine without the rest."""
    import shutil

    folder.mkdir()
    for name in names:
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed")
        (folder / name).symlink_to(found)
    (folder / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (folder / "id").chmod(0o755)
    return {**os.environ, "PATH": str(folder)}


@pytest.mark.parametrize(
    ("tools", "message"),
    [
        (
            ["bash", "make", "node", "npm"],
            "make test needs Chromium for the browser tests: install it with 'sudo apt-get install chromium'",
        ),
        (["bash", "make"], "make test needs Node.js 20+ and npm"),
    ],
)
def test_make_test_stops_first_with_the_missing_tool_and_its_install_command(
    tools: list[str], message: str, tmp_path: Path
) -> None:
    import shutil
    import subprocess

    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    order = subprocess.run([make, "-n", "test"], cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    plan = order.stdout
    assert "command -v node" in plan and plan.index("command -v node") < plan.index("pip install")  # checked first
    env = _tools(tmp_path / "bin", tools, uid="1000")  # not root: nothing is installed for it
    done = subprocess.run(
        [make, "-s", "test-prerequisites"], cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert done.returncode != 0 and message in done.stderr, done.stderr
