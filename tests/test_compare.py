"""`deephys compare A B` / `deephys.compare(a, b)`: pairing, matched units, and what changed between a
model with a shortcut and a fixed one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from planted_runs import write_run

import deephys
from deephys.cli import main
from deephys.compare import PairingError, compare, render


def test_a_model_compared_with_itself_matches_every_unit_to_itself(tmp_path: Path) -> None:
    path = write_run(tmp_path / "a.deephys")
    result = compare(path, path)
    for layer in result["layers"]:
        assert [m["match"] for m in layer["one_to_one"]] == list(range(len(layer["one_to_one"])))
        assert all(m["correlation"] == pytest.approx(1.0) for m in layer["one_to_one"])
        assert layer["unique_to_a"] == [] and layer["unique_to_b"] == []
    assert all(entry["change"] == 0 for entry in result["accuracy"])


def test_a_copy_with_permuted_units_is_matched_back(tmp_path: Path) -> None:
    permutation = np.array([2, 0, 3, 1])  # B's unit j is A's unit permutation[j]
    a = write_run(tmp_path / "a.deephys")
    b = write_run(tmp_path / "b.deephys", permutation=permutation)
    (features,) = [layer for layer in compare(a, b)["layers"] if layer["a"] == "features"]
    inverse = np.argsort(permutation)
    assert [m["match"] for m in features["one_to_one"]] == inverse.tolist()
    assert [m["match"] for m in features["best"]] == inverse.tolist()


def test_the_fixed_model_loses_the_confusion_and_its_driver(tmp_path: Path) -> None:
    shortcut = write_run(tmp_path / "shortcut.deephys")  # class 0 fires unit 1 under the shift
    fixed = write_run(tmp_path / "fixed.deephys", moved={})  # nothing moves
    result = compare(shortcut, fixed)
    shifted = next(entry for entry in result["accuracy"] if entry["dataset"] == "shifted")
    assert shifted["a"] == pytest.approx(2 / 3) and shifted["b"] == 1.0 and shifted["change"] == pytest.approx(1 / 3)
    (confusions,) = result["confusions"]
    assert (confusions["vanish"][0]["true"], confusions["vanish"][0]["predicted"]) == ("zero", "one")
    driver = next(d for d in result["drivers"] if (d["layer"], d["unit"]) == ("features", 1))
    assert driver["match"] == 1 and driver["still_drives"] is False and driver["rate_b"] == 0.0
    text = render(result)
    assert "shifted: 66.7% -> 100.0% (+33.3 points)" in text and "no longer drives it" in text
    json.dumps(result, allow_nan=False)


def test_the_shortcut_compared_with_itself_still_drives(tmp_path: Path) -> None:
    path = write_run(tmp_path / "a.deephys")
    driver = next(d for d in compare(path, path)["drivers"] if (d["layer"], d["unit"]) == ("features", 1))
    assert driver["still_drives"] is True


@pytest.mark.parametrize(
    ("b_options", "message"),
    [
        ({"roles": ("ood", "ood")}, "no ID dataset is shared"),
        ({"seed": 3, "images": True}, None),  # the same images: pairs
    ],
)
def test_pairing(tmp_path: Path, b_options: dict, message: str | None) -> None:
    a = write_run(tmp_path / "a.deephys", images=True)
    b = write_run(tmp_path / "b.deephys", **b_options)
    if message is None:
        compare(a, b)
        return
    with pytest.raises(PairingError, match=message):
        compare(a, b)


def _relabelled(path: Path, target: Path, labels: np.ndarray, images: np.ndarray | None = None) -> Path:
    with deephys.open(path) as run, deephys.Writer(target, model=run.model) as w:
        for dataset in run.datasets.values():
            w.add_dataset(
                dataset.name,
                role=dataset.role,
                labels=labels[: len(dataset)],
                activations={layer: dataset.activations(layer) for layer in run.model.layer_names},
                images=images,
            )
    return target


def test_pairing_refusals_say_what_differs(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a.deephys", images=True)
    with deephys.open(a) as run:
        labels = run.datasets["clean"].labels.copy()
    swapped = labels.copy()
    swapped[[0, 30]] = swapped[[30, 0]]
    with pytest.raises(
        PairingError, match=r"image 0 is of class 'zero' in one and 'one' in the other \(2 images differ\)"
    ):
        compare(a, _relabelled(a, tmp_path / "b.deephys", swapped))
    other_images = np.full((60, 8, 8), 255, np.uint8)
    b = _relabelled(a, tmp_path / "c.deephys", labels, other_images)
    with pytest.raises(PairingError, match=r"image 0 differs between the files.*--assume-same"):
        compare(a, b)
    compare(a, b, assume_same=True)
    shorter = tmp_path / "d.deephys"
    with deephys.open(a) as run, deephys.Writer(shorter, model=run.model) as w:
        data = run.datasets["clean"]
        w.add_dataset(
            "clean", labels=data.labels[:10], activations={n: data.activations(n, 0, 10) for n in run.model.layer_names}
        )
    with pytest.raises(PairingError, match="dataset 'clean' has 60 images in one and 10 in the other"):
        compare(a, shorter)


def test_compare_command(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a.deephys")
    b = write_run(tmp_path / "b.deephys", moved={})
    runner = CliRunner()
    text = runner.invoke(main, ["compare", str(a), str(b)])
    assert text.exit_code == 0 and "no longer drives it" in text.output
    as_json = runner.invoke(main, ["compare", str(a), str(b), "--format", "json", "--layers", "features:features"])
    assert as_json.exit_code == 0 and [layer["a"] for layer in json.loads(as_json.output)["layers"]] == ["features"]
    bad = runner.invoke(main, ["compare", str(a), str(b), "--layers", "features"])
    assert bad.exit_code == 2 and "A_LAYER:B_LAYER" in bad.output
    missing = runner.invoke(main, ["compare", str(a), str(b), "--layers", "nope:features"])
    assert missing.exit_code == 1 and "A's layers are" in missing.output
