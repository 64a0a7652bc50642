"""`deephys demo --compare`: the same CNN trained with colour augmentation, written beside the first and
compared with it (issue 16): its accuracy under permuted colours restored, A's colour units gone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from click.testing import CliRunner  # noqa: E402

import deephys  # noqa: E402
from deephys import analysis  # noqa: E402
from deephys.cli.demo import demo  # noqa: E402

pytestmark = [pytest.mark.torch, pytest.mark.slow]


def accuracy(path: Path, dataset: str) -> float:
    with deephys.open(path) as run:
        data = run.datasets[dataset]
        return analysis.accuracy(data.labels, data.predictions)


def test_compare_trains_the_augmented_model_and_shows_what_changed(tmp_path: Path) -> None:
    result = CliRunner().invoke(demo, ["--no-view", "--compare", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    plain, augmented = tmp_path / "colored-mnist-torch.deephys", tmp_path / "colored-mnist-torch-augmented.deephys"
    assert f"deephys view {plain} {augmented}" in result.output
    with deephys.open(augmented) as run:
        assert run.model.name == "colored-mnist-cnn, colour-augmented" and run.readout is not None

    # Accuracy under permuted colours is restored, and the comparison says so with both numbers.
    a, b = accuracy(plain, "permuted colours"), accuracy(augmented, "permuted colours")
    assert a <= 0.3 and b >= 0.8 and b - a >= 0.5, (a, b)
    assert accuracy(augmented, "coloured digits") >= 0.85
    line = re.search(r"permuted colours: ([\d.]+)% -> ([\d.]+)% \(\+([\d.]+) points\)", result.output)
    assert line is not None, result.output
    assert abs(float(line[1]) - 100 * a) < 0.06 and abs(float(line[2]) - 100 * b) < 0.06

    # The fc1 units that drive A's wrong answers under permuted colours have no match in B, or B's match no longer
    # drives them; the matched fc1 units' spurious scores fall.
    drivers = re.findall(r"fc1/\d+ \(\d -> \d under permuted colours\): (.*)", result.output)
    assert drivers and all("unique to A" in d or "no longer drives it" in d for d in drivers), drivers
    scores = re.search(
        r"permuted colours, A fc1 / B fc1: mean spurious score of matched units ([\d.]+) -> ([\d.]+)", result.output
    )
    assert scores is not None and float(scores[2]) < float(scores[1]) - 0.2, result.output
