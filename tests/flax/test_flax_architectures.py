"""Exported activations of Flax NNX and Linen models equal an independent computation of the same layers."""

from __future__ import annotations

from pathlib import Path

import jax.numpy as jnp
import numpy as np
from flax import nnx
from flax_models import (
    CLASSES,
    MEAN,
    NNXCNN,
    STD,
    LinenCNN,
    TokenNet,
    as_jax_generator,
    batches,
    linen_cnn_reference,
    linen_cnn_variables,
    nnx_cnn_reference,
    normalize,
    pixels,
    randomize_nnx_batch_norm,
    token_reference,
)

import deephys
import deephys.flax

TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def check_dataset(run: deephys.Run, name: str, labels: np.ndarray, expected: dict[str, np.ndarray]) -> None:
    dataset = run.datasets[name]
    np.testing.assert_array_equal(dataset.labels, labels)
    for layer, values in expected.items():
        np.testing.assert_allclose(dataset.activations(layer), values, **TOLERANCE, err_msg=f"{name}/{layer}")
    logits = dataset.activations(run.model.classifier)
    np.testing.assert_array_equal(dataset.predictions, logits.argmax(axis=1))


def test_nnx_cnn(tmp_path: Path) -> None:
    model = randomize_nnx_batch_norm(NNXCNN(nnx.Rngs(0)))
    id_pixels, id_labels = pixels(10, seed=1)
    ood_pixels, ood_labels = pixels(7, seed=2)
    id_inputs, ood_inputs = normalize(id_pixels), normalize(ood_pixels)
    layers = ["stem", "blocks.0", model.blocks[1].conv2, "head"]  # a module object works as well as its path
    result = deephys.flax.export(
        model,
        # a list of NumPy batches with a short last batch; a generator of JAX batches
        {"ID": batches(id_inputs, id_labels, 4), "OOD": as_jax_generator(batches(ood_inputs, ood_labels, 4))},
        layers=layers,
        classes=CLASSES,
        path=tmp_path / "run.deephys",
        progress=False,
        pooling={"blocks.0": "max"},
        relu=["blocks.1.conv2"],
        mean=MEAN,
        std=STD,
    )
    assert result.datasets == {"ID": 10, "OOD": 7}
    # the user's model is unchanged: train-mode flags, classes of the recorded modules
    assert model.bn.use_running_average is False and model.dropout.deterministic is False
    assert type(model.blocks[1].conv2) is nnx.Conv and type(model.head) is nnx.Linear

    with deephys.open(result) as run:
        names = ["stem", "blocks.0", "blocks.1.conv2", "head"]
        assert run.model.layer_names == names and run.model.classifier == "head"
        assert [layer.pooling for layer in run.model.layers] == ["spatial_mean", "spatial_max", "spatial_mean", "none"]
        assert [layer.relu for layer in run.model.layers] == [False, False, True, False]
        assert list(run.classes) == CLASSES and run.model.producer.framework == "flax"
        assert [d.role for d in run.datasets.values()] == ["id", "ood"]
        check_dataset(run, "ID", id_labels, nnx_cnn_reference(model, jnp.asarray(id_inputs)))
        check_dataset(run, "OOD", ood_labels, nnx_cnn_reference(model, jnp.asarray(ood_inputs)))
        # thumbnails: the mean/std normalization is undone
        np.testing.assert_allclose(run.datasets["OOD"].image(6), ood_pixels[6], atol=1)


def test_nnx_token_model(tmp_path: Path) -> None:
    model = TokenNet(nnx.Rngs(1))
    images, labels = pixels(9, seed=3)
    inputs = images.astype(np.float32) / 255 - 0.5  # not displayable as such
    result = deephys.flax.export(
        model,
        {"ID": (inputs, labels)},
        layers=["embed", "norm", "mixer", "head"],
        path=tmp_path / "t.deephys",
        pooling={"embed": "max", "mixer": "first"},
        batch_size=4,
        display={"ID": images},
        progress=False,
    )
    with deephys.open(result) as run:
        assert [layer.pooling for layer in run.model.layers] == ["token_max", "token_mean", "token_first", "none"]
        np.testing.assert_array_equal(run.datasets["ID"].image(8), images[8])  # from the display dataset
        check_dataset(run, "ID", labels, token_reference(model, jnp.asarray(inputs)))


def test_linen_cnn(tmp_path: Path) -> None:
    variables = linen_cnn_variables()
    id_pixels, id_labels = pixels(9, seed=4)
    ood_pixels, ood_labels = pixels(5, seed=5)
    layers = ["stem", "block.Conv_0", "block", "head"]
    common = dict(
        layers=layers, classes=CLASSES, pooling={"block.Conv_0": "max"}, call_kwargs={"train": False}, progress=False
    )
    datasets = {"ID": (id_pixels, id_labels), "OOD": batches(ood_pixels, ood_labels, 4)}
    unbound = deephys.flax.export(
        LinenCNN(), datasets, variables=variables, batch_size=4, path=tmp_path / "unbound.deephys", **common
    )
    bound = deephys.flax.export(
        LinenCNN().bind(variables), datasets, batch_size=4, path=tmp_path / "bound.deephys", **common
    )

    for result in (unbound, bound):
        with deephys.open(result) as run:
            assert run.model.layer_names == layers and run.model.classifier == "head"
            assert [layer.pooling for layer in run.model.layers] == [
                "spatial_mean",
                "spatial_max",
                "spatial_mean",
                "none",
            ]
            assert run.metadata["flax_api"] == "linen"
            # uint8 NHWC inputs go to the model as they are, and make the thumbnails
            check_dataset(run, "ID", id_labels, linen_cnn_reference(variables, jnp.asarray(id_pixels)))
            check_dataset(run, "OOD", ood_labels, linen_cnn_reference(variables, jnp.asarray(ood_pixels)))
            np.testing.assert_array_equal(run.datasets["ID"].image(8), id_pixels[8])
