"""The jitted capture: one compilation for a short last batch, the fallback without `nnx.capture`, dtypes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx
from flax_models import NNXCNN, LinenCNN, linen_cnn_variables, pixels

import deephys
import deephys.flax
from deephys._flax.capture import FlaxCapture, linen_forward, nnx_forward
from deephys._flax.modules import resolve_nnx_layers
from deephys.export import PoolingPlan


def nnx_capture(
    model: nnx.Module, layers: list[str], use_capture: bool | None = None, traces: list[Any] | None = None
) -> FlaxCapture:
    """A capture of `layers`; with `traces`, each trace of its forward (one per compilation) adds an entry."""
    recorded = resolve_nnx_layers(model, layers)
    raw, state = nnx_forward(model, recorded, {}, use_capture)
    if traces is not None:
        forward = raw

        def raw(state: Any, inputs: Any) -> dict[str, Any]:
            traces.append(inputs)  # runs while jax.jit traces, not when the compiled forward runs
            return forward(state, inputs)

    return FlaxCapture(raw, state, list(recorded), PoolingPlan("mean"), set(), {})


def test_short_last_batch_is_padded_not_recompiled() -> None:
    model = NNXCNN(nnx.Rngs(0))
    traces: list[Any] = []
    capture = nnx_capture(model, ["blocks.1", "output"], traces=traces)
    images = pixels(10)[0].astype(np.float32) / 255
    outputs = [capture(images[i : i + 4]) for i in (0, 4, 8)]  # 4, 4, then 2 images (NumPy)
    assert len(traces) == 1  # one trace: one compilation
    outputs.append(capture(jnp.asarray(images[8:])))  # the same as a JAX array (padded on the device)
    assert [out["output"].shape for out in outputs] == [(4, 5), (4, 5), (2, 5), (2, 5)]
    model.eval()
    logits = np.asarray(model(jnp.asarray(images)))
    np.testing.assert_allclose(np.concatenate([out["output"] for out in outputs[:3]]), logits, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(outputs[2]["blocks.1"], outputs[3]["blocks.1"])


@pytest.mark.filterwarnings("ignore:Using 'Module.sow\\(\\)' outside:DeprecationWarning")
def test_fallback_without_nnx_capture_gives_the_same_values() -> None:
    model = NNXCNN(nnx.Rngs(0))
    images = pixels(3)[0].astype(np.float32) / 255
    layers = ["stem", "blocks.0.bn1", "head"]
    default = nnx_capture(model, layers)(images)  # nnx.capture where this Flax has it
    sown_on_modules = nnx_capture(model, layers, use_capture=False)(images)
    for layer in layers:
        np.testing.assert_array_equal(default[layer], sown_on_modules[layer])
    assert type(model.stem) is nnx.Conv and not hasattr(model.stem, "deephys_output")
    model.eval()
    np.testing.assert_allclose(sown_on_modules["head"], np.asarray(model(jnp.asarray(images))), rtol=1e-5, atol=1e-5)


def test_linen_output_and_paths() -> None:
    variables = linen_cnn_variables()
    raw, state = linen_forward(LinenCNN(), variables, ["block.BatchNorm_0", "output"], {"train": False})
    capture = FlaxCapture(raw, state, ["block.BatchNorm_0", "output"], PoolingPlan("max"), set(), {})
    images = pixels(2)[0]
    out = capture(images)
    expected = LinenCNN().apply(variables, jnp.asarray(images), train=False)
    np.testing.assert_allclose(out["output"], np.asarray(expected), rtol=1e-5, atol=1e-5)
    assert out["block.BatchNorm_0"].shape == (2, 8)


class Bf16(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.conv = nnx.Conv(3, 4, (3, 3), dtype=jnp.bfloat16, rngs=rngs)
        self.fc = nnx.Linear(4, 3, dtype=jnp.bfloat16, rngs=rngs)

    def __call__(self, x):
        return self.fc(self.conv(x).mean(axis=(1, 2)))


def test_bfloat16_outputs_are_stored_as_bfloat16_and_means_in_float32(tmp_path: Path) -> None:
    images, labels = pixels(4)
    result = deephys.flax.export(
        Bf16(nnx.Rngs(0)),
        {"ID": [(images / 255, labels % 3)]},
        layers=["conv", "fc"],
        path=tmp_path / "bf16.deephys",
        progress=False,
    )
    with deephys.open(result) as run:
        assert run.datasets["ID"].dtype("fc") == "bfloat16"
        assert run.datasets["ID"].dtype("conv") == "float32"
