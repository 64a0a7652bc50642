"""The PyTorch exporter stores the classifier's readout when it is an nn.Linear over a recorded layer, and says
why not otherwise (issue 13)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch_models import MLP, ResNet, image_batches

import deephys
import deephys.torch
from deephys.export.errors import NoReadoutWarning
from deephys.findings import findings


class Net(nn.Module):
    """conv -> ReLU -> spatial mean -> `head` (an nn.Linear by default)."""

    def __init__(self, head: nn.Module | None = None, classes: int = 10):
        super().__init__()
        self.conv = nn.Conv2d(3, 12, 3)
        self.head = head if head is not None else nn.Linear(12, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.conv(x)).mean(dim=(2, 3)))


def export(model: nn.Module, path: Path, layers: list[str], **options) -> deephys.Run:
    datasets = {"ID": image_batches(24, 8, 8), "OOD": image_batches(16, 8, 8, seed=1)}
    result = deephys.torch.export(model, datasets, layers=layers, path=path, progress=False, **options)
    return deephys.open(result)


def quiet_export(model: nn.Module, path: Path, layers: list[str], **options) -> deephys.Run:
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoReadoutWarning)
        return export(model, path, layers, **options)


def test_a_linear_head_over_a_recorded_layer_is_the_readout(tmp_path: Path) -> None:
    model = Net()
    with quiet_export(model, tmp_path / "r.deephys", ["conv", "head"], relu=True) as run:
        readout = run.readout
        assert readout is not None and readout.layer == "conv" and readout.source == "model"
        np.testing.assert_array_equal(readout.weights, model.head.weight.detach().numpy())
        np.testing.assert_array_equal(readout.bias, model.head.bias.detach().numpy())
        for dataset in run.datasets.values():
            logits = readout.logits(dataset.activations("conv"))
            np.testing.assert_allclose(logits, dataset.activations("head"), rtol=1e-5, atol=1e-5)


def test_the_readout_of_a_resnet_under_autocast_and_of_its_output(tmp_path: Path) -> None:
    model = ResNet()
    with quiet_export(model, tmp_path / "a.deephys", ["layers.1", "fc"], autocast=torch.bfloat16) as run:
        readout = run.readout
        assert readout is not None and readout.layer == "layers.1"
        dataset = run.datasets["ID"]
        logits = dataset.activations("fc")
        error = np.abs(readout.logits(dataset.activations("layers.1")) - logits).max()
        assert error <= 0.05 * np.abs(logits).max()  # bfloat16 arithmetic
    # The model itself as the classifier ("output"): its last nn.Linear, fc.
    with quiet_export(model, tmp_path / "o.deephys", ["layers.0", "layers.1", "output"]) as run:
        assert run.readout is not None and run.readout.layer == "layers.1"


@pytest.mark.parametrize(
    ("head", "layers", "reason"),
    [
        (nn.Sequential(nn.Linear(12, 10), nn.Tanh()), ["conv", "head"], "not linear"),
        (nn.Sequential(nn.Linear(12, 6), nn.ReLU(), nn.Linear(6, 10)), ["conv", "head"], "takes 6 features"),
        (nn.Sequential(nn.Softmax(dim=1)), ["conv", "head"], "not an nn.Linear"),
        (None, ["head"], "takes 12 features"),
    ],
    ids=["linear-then-tanh", "mlp-head", "no-linear", "input-not-recorded"],
)
def test_no_readout_when_the_classifier_is_not_linear_and_the_warning_says_why(
    tmp_path: Path, head: nn.Module | None, layers: list[str], reason: str
) -> None:
    classes = 12 if isinstance(head, nn.Sequential) and len(head) == 1 else 10
    with pytest.warns(NoReadoutWarning, match=reason) as caught:
        run = export(Net(head, classes), tmp_path / "r.deephys", layers, relu=["conv"] if "conv" in layers else False)
    with run:
        assert run.readout is None
    assert "--fit-readout" in str(caught[0].message)


def test_a_recorded_layer_that_is_not_the_heads_input_gives_no_readout(tmp_path: Path) -> None:
    # MLP: fc2(relu(fc1(x))); fc1 recorded without its ReLU is not what fc2 reads.
    with pytest.warns(NoReadoutWarning, match="'fc1'.*not linear"):
        run = export(MLP(), tmp_path / "r.deephys", ["fc1", "fc2"])
    with run:
        assert run.readout is None
    with quiet_export(MLP(), tmp_path / "relu.deephys", ["fc1", "fc2"], relu=["fc1"]) as run:
        assert run.readout is not None and run.readout.layer == "fc1"


def test_a_readout_given_in_writer_options_is_kept(tmp_path: Path) -> None:
    given = deephys.Readout("conv", np.ones((10, 12)), np.zeros(10), source="fit", residual=0.5)
    with quiet_export(Net(), tmp_path / "r.deephys", ["conv", "head"], writer_options={"readout": given}) as run:
        assert run.readout == given


def test_findings_attribute_the_confusions_to_units_without_fitting(tmp_path: Path) -> None:
    model = ResNet()
    run = quiet_export(model, tmp_path / "r.deephys", ["layers.0", "layers.1", "fc"])
    run.close()
    result = findings(tmp_path / "r.deephys")
    assert result["readout"]["source"] == "file" and result["readout"]["layer"] == "layers.1"
    confusions = [cell for dataset in result["datasets"] for cell in dataset["confusions"]]
    assert confusions and all(cell["units"] for cell in confusions)
    assert all(unit["layer"] == "layers.1" for cell in confusions for unit in cell["units"])
