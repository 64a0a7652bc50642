"""The Flax half of the architecture matrix: an NNX CNN under a label map and a Linen ResNet (stages of
residual blocks with batch norm and projection shortcuts), each layer checked against a forward pass
that does not use the exporter's capture; the classifier checks hold for Flax as for PyTorch."""

from __future__ import annotations

import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx
from flax_models import (
    NNXCNN,
    LinenResNet,
    batches,
    nnx_cnn_reference,
    normalize,
    pixels,
    randomize_nnx_batch_norm,
)

import deephys
import deephys.flax
from deephys.export import ExportError

pytestmark = pytest.mark.slow
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def test_nnx_cnn_scores_a_subset_through_its_label_map(tmp_path: Path) -> None:
    model = randomize_nnx_batch_norm(NNXCNN(nnx.Rngs(0)))  # 5 classes
    x, y = pixels(10, seed=1)
    subset = batches(normalize(x), y % 2, 4)  # a two-class dataset: its classes are the model's 4 and 1
    whole = batches(normalize(x), y, 4)
    datasets = {"all classes": whole, "two classes": subset}
    with pytest.raises(ExportError, match=r"taken to be 'stem'.*The model's output is 'head''s: put 'head' last"):
        deephys.flax.export(model, datasets, ["head", "stem"], path=tmp_path / "r.deephys", progress=False)
    with pytest.raises(ExportError, match=r"label_map of dataset 'all classes' maps its label 1 to class 7, but the"):
        deephys.flax.export(
            model, datasets, ["stem", "head"], path=tmp_path / "r.deephys", progress=False, label_map={0: 4, 1: 7}
        )
    assert not list(tmp_path.iterdir())
    path = tmp_path / "run.deephys"
    deephys.flax.export(
        model,
        datasets,
        ["stem", "head"],
        path=path,
        progress=False,
        thumbnails=False,
        label_map={"two classes": [4, 1]},
        restrict_predictions=True,
    )
    expected = nnx_cnn_reference(model, jnp.asarray(normalize(x)))
    with deephys.open(path) as run:
        two = run.datasets["two classes"]
        np.testing.assert_allclose(two.activations("stem"), expected["stem"], **TOLERANCE)
        np.testing.assert_array_equal(two.labels, np.array([4, 1])[y % 2])
        logits = two.activations("head")
        np.testing.assert_array_equal(two.predictions, np.where(logits[:, 4] >= logits[:, 1], 4, 1))
        np.testing.assert_array_equal(run.datasets["all classes"].predictions, logits.argmax(1))
        assert json.loads(run.metadata["predictions"]) == {"two classes": "restricted to mapped classes"}


def test_linen_resnet(tmp_path: Path) -> None:
    model = LinenResNet()
    x, y = pixels(11, size=16, seed=3)
    inputs = normalize(x)
    variables = model.init(jax.random.key(0), jnp.asarray(inputs[:1]), train=False)
    keys = iter(jax.random.split(jax.random.key(1), 64))
    stats = jax.tree.map(
        lambda v: jax.random.uniform(next(keys), v.shape, minval=0.5, maxval=1.5), variables["batch_stats"]
    )
    variables = {"params": variables["params"], "batch_stats": stats}  # eval and train modes differ
    path = tmp_path / "linen.deephys"
    deephys.flax.export(
        model,
        {"ID": batches(inputs, y, 4)},
        ["stages_0", "stages_1.shortcut", "stages_1", "head"],
        path=path,
        variables=variables,
        call_kwargs={"train": False},
        progress=False,
        thumbnails=False,
        pooling={"stages_1": "max"},
    )
    stages = model.apply(variables, jnp.asarray(inputs), method=LinenResNet.features)
    logits = model.apply(variables, jnp.asarray(inputs), train=False)
    with deephys.open(path) as run:
        dataset = run.datasets["ID"]
        np.testing.assert_allclose(
            dataset.activations("stages_0"), np.asarray(stages[0].mean(axis=(1, 2))), **TOLERANCE
        )
        np.testing.assert_allclose(dataset.activations("stages_1"), np.asarray(stages[1].max(axis=(1, 2))), **TOLERANCE)
        np.testing.assert_allclose(dataset.activations("head"), np.asarray(logits), **TOLERANCE)
        assert run.model.layer("stages_1.shortcut").units == 16
