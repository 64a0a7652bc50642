"""The first batch's check of a classifier's linear readout (export/readout.py), framework-free."""

from __future__ import annotations

import numpy as np

from deephys.export.readout import ROUNDING_UNIT, LinearHead, model_readout, tolerance
from deephys.format.dtypes import bfloat16_bits_to_float32, float32_to_bfloat16_bits


def bfloat16(values: np.ndarray) -> np.ndarray:
    return bfloat16_bits_to_float32(float32_to_bfloat16_bits(values.astype(np.float32)))


def layers(seed: int = 0) -> tuple[dict[str, np.ndarray], LinearHead]:
    rng = np.random.default_rng(seed)
    hidden = np.maximum(rng.standard_normal((16, 32)), 0).astype(np.float32)
    other = rng.standard_normal((16, 32)).astype(np.float32)
    head = LinearHead(
        "'fc'", rng.standard_normal((5, 32)).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    )
    logits = (hidden @ head.weights.T + head.bias).astype(np.float32)
    return {"other": other, "hidden": hidden, "fc": logits}, head


def test_the_layer_whose_linear_map_gives_the_logits_is_the_readout() -> None:
    recorded, head = layers()
    readout = model_readout([head], "fc", recorded)
    assert not isinstance(readout, str) and readout.layer == "hidden" and readout.source == "model"


def test_the_tolerance_follows_the_precision_of_the_arithmetic() -> None:
    recorded, head = layers()
    rounded = {**recorded, "fc": bfloat16(recorded["fc"])}  # logits computed under bfloat16 autocast
    assert isinstance(model_readout([head], "fc", rounded), str)  # beyond float32's tolerance
    bf16 = LinearHead(head.module, head.weights, head.bias, ROUNDING_UNIT["bfloat16"])
    assert not isinstance(model_readout([bf16], "fc", rounded), str)
    assert tolerance(ROUNDING_UNIT["float32"]) == 1e-4 and tolerance(ROUNDING_UNIT["bfloat16"]) == 4 * 2.0**-8


def test_why_there_is_no_readout() -> None:
    recorded, head = layers()
    squashed = {**recorded, "fc": np.tanh(recorded["fc"])}
    assert "not linear" in str(model_readout([head], "fc", squashed))
    wide = LinearHead("'fc'", np.ones((5, 7)), np.zeros(5))
    assert "takes 7 features" in str(model_readout([wide], "fc", recorded))
    other = LinearHead("'aux'", np.ones((3, 32)), np.zeros(3))
    assert "no linear module with 5 outputs" in str(model_readout([other], "fc", recorded))
    assert model_readout("the framework's reason", "fc", recorded) == "the framework's reason"
    nan = {**recorded, "fc": np.full_like(recorded["fc"], np.nan)}
    assert "not all finite" in str(model_readout([head], "fc", nan))
