"""The Flax exporter stores the classifier's readout when it is an nnx.Linear or a Linen Dense over a recorded
layer, and says why not otherwise (issue 13)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import jax
import numpy as np
import pytest
from flax import linen, nnx
from flax_models import CLASSES, NNXCNN, LinenCNN, batches, linen_cnn_variables, pixels

import deephys
import deephys.flax
from deephys.export.errors import NoReadoutWarning


def datasets() -> dict[str, Any]:
    (a, la), (b, lb) = pixels(12, seed=1), pixels(8, seed=2)
    return {"ID": batches(a / np.float32(255), la, 4), "OOD": batches(b / np.float32(255), lb, 4)}


def export(model: Any, path: Path, layers: list[str], **options: Any) -> deephys.Run:
    result = deephys.flax.export(
        model, datasets(), layers=layers, classes=CLASSES, path=path, progress=False, **options
    )
    return deephys.open(result)


def quiet_export(model: Any, path: Path, layers: list[str], **options: Any) -> deephys.Run:
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoReadoutWarning)
        return export(model, path, layers, **options)


def check(run: deephys.Run, layer: str, weights: np.ndarray, bias: np.ndarray) -> None:
    readout = run.readout
    assert readout is not None and readout.layer == layer and readout.source == "model"
    np.testing.assert_array_equal(readout.weights, weights)
    np.testing.assert_array_equal(readout.bias, bias)
    for dataset in run.datasets.values():
        logits = readout.logits(dataset.activations(layer))
        np.testing.assert_allclose(logits, dataset.activations(run.model.classifier), rtol=1e-5, atol=1e-5)


def test_nnx_linear_head_is_the_readout(tmp_path: Path) -> None:
    model = NNXCNN(nnx.Rngs(0))
    kernel, bias = np.asarray(model.head.kernel[...]), np.asarray(model.head.bias[...])
    with quiet_export(model, tmp_path / "r.deephys", ["stem", "blocks.1", "head"]) as run:
        check(run, "blocks.1", kernel.T, bias)
    with quiet_export(model, tmp_path / "o.deephys", ["stem", "blocks.1", "output"]) as run:
        check(run, "blocks.1", kernel.T, bias)


def test_linen_dense_head_is_the_readout(tmp_path: Path) -> None:
    variables = linen_cnn_variables()
    head = variables["params"]["head"]
    options: dict[str, Any] = {"variables": variables, "call_kwargs": {"train": False}}
    with quiet_export(LinenCNN(), tmp_path / "r.deephys", ["stem", "block", "head"], **options) as run:
        check(run, "block", np.asarray(head["kernel"]).T, np.asarray(head["bias"]))
    bound = LinenCNN().bind(variables)
    with quiet_export(bound, tmp_path / "o.deephys", ["block", "output"], call_kwargs={"train": False}) as run:
        check(run, "block", np.asarray(head["kernel"]).T, np.asarray(head["bias"]))


class TanhHead(nnx.Module):
    """A linear map followed by tanh: not a linear readout."""

    def __init__(self, rngs: nnx.Rngs):
        self.conv = nnx.Conv(3, 8, (3, 3), rngs=rngs)
        self.head = nnx.Linear(8, len(CLASSES), rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return nnx.tanh(self.head(nnx.relu(self.conv(x)).mean(axis=(1, 2))))


class MLPHead(linen.Module):
    """A Linen MLP head: Dense -> ReLU -> Dense over a spatial mean."""

    @linen.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        x = linen.Conv(8, (3, 3), name="conv")(x).mean(axis=(1, 2))
        return linen.Dense(len(CLASSES), name="out")(linen.relu(linen.Dense(6, name="hidden")(x)))


def test_no_readout_when_the_classifier_is_not_linear_and_the_warning_says_why(tmp_path: Path) -> None:
    with pytest.warns(NoReadoutWarning, match="'head' .nnx.Linear. over the recorded layer 'conv'.*not linear"):
        run = export(TanhHead(nnx.Rngs(0)), tmp_path / "t.deephys", ["conv", "output"], relu=["conv"])
    with run:
        assert run.readout is None
    variables = MLPHead().init(jax.random.key(0), np.zeros((1, 8, 8, 3), np.float32))
    with pytest.warns(NoReadoutWarning, match="'out' .Dense. takes 6 features"):
        run = export(MLPHead(), tmp_path / "m.deephys", ["conv", "output"], variables=variables)
    with run:
        assert run.readout is None
