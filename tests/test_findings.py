"""`deephys.findings` and `deephys report`: on a run built so that the answer is known, the findings name
the confusion the shift creates and the unit behind it; the JSON has the documented shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from planted_runs import write_run

import deephys
from deephys.cli import main
from deephys.findings import Limits, findings, render


def test_the_planted_confusion_and_its_unit_are_found(tmp_path: Path) -> None:
    result = findings(write_run(tmp_path / "run.deephys"))
    assert result["id_dataset"] == "clean" and result["problems"] == []
    assert result["readout"] == {"layer": "features", "source": "file", "residual": 0.0, "reason": None}
    (shift,) = result["datasets"]
    assert shift["name"] == "shifted" and shift["accuracy"] == pytest.approx(2 / 3) and shift["id_accuracy"] == 1.0
    assert shift["classes"][0] == {"class": "zero", "index": 0, "accuracy": 0.0, "id_accuracy": 1.0}
    cell = shift["confusions"][0]
    assert (cell["true"], cell["predicted"], cell["rate"], cell["id_rate"], cell["images"]) == (
        "zero",
        "one",
        1.0,
        0.0,
        20,
    )
    top = cell["units"][0]
    assert (top["layer"], top["unit"]) == ("features", 1)  # unit 1 now fires for the zeros and votes "one"
    assert top["contribution"] > 3.5 and top["id_contribution"] < 0.5
    assert {"spurious", "novelty"} <= top.keys()
    layers = {u["layer"] for u in shift["shifted_units"]}
    assert (
        layers <= {"features", "logits"}
        and shift["shifted_units"][0]["spurious"] >= shift["shifted_units"][-1]["spurious"]
    )
    json.dumps(result, allow_nan=False)  # plain JSON: no NaN


def test_sentences_say_it(tmp_path: Path) -> None:
    text = render(findings(write_run(tmp_path / "run.deephys")))
    assert "Under shifted accuracy falls from 100.0% to 66.7%" in text
    assert "100.0% of the zero images are read as one (ID 0.0%; 20 images): units features/1" in text


def test_limits(tmp_path: Path) -> None:
    result = findings(write_run(tmp_path / "run.deephys"), Limits(classes=1, cells=1, units=2, shifted=3))
    (shift,) = result["datasets"]
    assert len(shift["classes"]) == 1 and len(shift["confusions"]) == 1
    assert len(shift["confusions"][0]["units"]) == 2 and len(shift["shifted_units"]) == 3


def test_without_a_readout_it_says_how_to_get_one_and_can_fit_it(tmp_path: Path) -> None:
    path = write_run(tmp_path / "run.deephys", readout=False)
    result = findings(path)
    assert result["readout"]["source"] is None and "--fit-readout --write" in result["readout"]["reason"]
    assert result["datasets"][0]["confusions"][0]["units"] == []
    fitted = findings(path, fit_readout=True)
    assert fitted["readout"]["source"] == "fit" and fitted["readout"]["residual"] < 1e-6
    assert fitted["datasets"][0]["confusions"][0]["units"][0]["unit"] == 1


@pytest.mark.parametrize(
    ("roles", "problem"),
    [(("ood", "ood"), "no ID dataset"), (("id",), "no OOD dataset")],
)
def test_a_file_without_reference_or_shift_says_what_is_missing(tmp_path: Path, roles, problem: str) -> None:
    result = findings(write_run(tmp_path / "run.deephys", roles=roles))
    assert any(problem in p for p in result["problems"]) and result["datasets"] == []


def test_report_command(tmp_path: Path) -> None:
    path = write_run(tmp_path / "run.deephys", readout=False)
    runner = CliRunner()
    text = runner.invoke(main, ["report", str(path)])
    assert (
        text.exit_code == 0 and "Under shifted accuracy falls" in text.output and "No unit attribution" in text.output
    )
    markdown = runner.invoke(main, ["report", str(path), "--format", "markdown", "--out", str(tmp_path / "r.md")])
    assert markdown.exit_code == 0 and (tmp_path / "r.md").read_text().startswith("# Findings")
    written = runner.invoke(main, ["report", str(path), "--fit-readout", "--write", "--format", "json"])
    assert written.exit_code == 0, written.output
    assert json.loads(written.stdout)["readout"]["source"] == "file"  # stored, then read back from the file
    with deephys.open(path) as run:
        assert run.readout is not None and run.readout.source == "fit"
    assert deephys.validate(path).ok
    refused = runner.invoke(main, ["report", str(path), "--write"])
    assert refused.exit_code == 2 and "--fit-readout" in refused.output
