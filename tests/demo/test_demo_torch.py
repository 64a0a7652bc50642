"""`deephys demo` with PyTorch, headless: the written file shows the paper's Colored MNIST finding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from click.testing import CliRunner  # noqa: E402
from demo_checks import check_finding  # noqa: E402

import deephys  # noqa: E402
from deephys.cli.demo import demo  # noqa: E402
from deephys.demo import run_demo  # noqa: E402

pytestmark = [pytest.mark.torch, pytest.mark.slow]


def test_torch_demo_shows_colour_tuned_units(tmp_path: Path) -> None:
    result = CliRunner().invoke(demo, ["--no-view", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "colored-mnist-torch.deephys"
    assert path.is_file() and f"deephys view {path}" in result.output
    # The findings of `deephys report`, their units attributed through the readout the exporter stored,
    # and the control in one line.
    assert "Under permuted colours accuracy falls from" in result.output
    assert "units fc1/" in result.output and "drive it" in result.output
    assert "Control, no shift (the two halves of coloured digits): spurious score of the fc1 units" in result.output
    check_finding(path, "torch")


def test_torch_demo_is_deterministic(tmp_path: Path) -> None:
    first = run_demo("torch", tmp_path / "a", seed=3, progress=False, echo=lambda line: None)
    second = run_demo("torch", tmp_path / "b", seed=3, progress=False, echo=lambda line: None)
    with deephys.open(first.path) as a, deephys.open(second.path) as b:
        for name in a.datasets:
            np.testing.assert_array_equal(a.datasets[name].activations("fc1"), b.datasets[name].activations("fc1"))
