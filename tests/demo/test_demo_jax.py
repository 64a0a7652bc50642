"""`deephys demo --framework jax`, headless: the written file shows the paper's Colored MNIST finding."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("jax")
pytest.importorskip("flax")
pytest.importorskip("sklearn")

from click.testing import CliRunner  # noqa: E402
from demo_checks import check_finding  # noqa: E402

from deephys.cli.demo import demo  # noqa: E402

pytestmark = [pytest.mark.jax, pytest.mark.slow]


def test_jax_demo_shows_colour_tuned_units(tmp_path: Path) -> None:
    result = CliRunner().invoke(demo, ["--framework", "jax", "--no-view", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "colored-mnist-jax.deephys"
    assert path.is_file() and "Under permuted colours accuracy falls from" in result.output
    assert "drive it" in result.output and "Control, no shift" in result.output
    check_finding(path, "jax")
