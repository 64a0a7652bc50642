"""Direct attribution through a linear readout, least-squares readouts, and the confusion rankings of
the findings: hand-computed cases (twins in viewer/test/analysis/attribution.test.ts)."""

from __future__ import annotations

import numpy as np
import pytest

from deephys import UsageError, analysis
from deephys.format import dtypes

W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])  # 2 classes x 3 units


def test_contributions_by_hand() -> None:
    # t = 0, p = 1: d = W[1] - W[0] = [-1, 1, -3]; mean of d * a over the two images.
    cell = np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 1.0]])
    np.testing.assert_array_equal(analysis.contributions(W, cell, 0, 1), [-2.0, 1.0, -1.5])
    assert np.isnan(analysis.contributions(W, np.zeros((0, 3)), 0, 1)).all()


def test_attribution_ranks_by_what_the_shift_adds() -> None:
    cell = np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 1.0]])
    reference = np.array([[0.0, 1.0, 0.0]])  # contributions [0, 1, 0]
    result = analysis.confusion_attribution(W, cell, reference, 0, 1)
    np.testing.assert_array_equal(result.units, [1, 2, 0])  # differences 0, -1.5, -2
    np.testing.assert_array_equal(result.difference, [0.0, -1.5, -2.0])
    np.testing.assert_array_equal(result.contribution, [1.0, -1.5, -2.0])
    np.testing.assert_array_equal(result.id_contribution, [1.0, 0.0, 0.0])
    assert analysis.confusion_attribution(W, cell, reference, 0, 1, n=1).units.tolist() == [1]
    no_reference = analysis.confusion_attribution(W, cell, np.zeros((0, 3)), 0, 1)
    assert no_reference.units.tolist() == [0, 1, 2] and np.isnan(no_reference.difference).all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: analysis.contributions(W, np.zeros((2, 4)), 0, 1), "4 units but weights has 3"),
        (lambda: analysis.contributions(W, np.zeros((2, 3)), 0, 2), "predicted_class 2 is outside the 2 classes"),
        (lambda: analysis.confusion_attribution(W, np.zeros((1, 3)), np.zeros((1, 3)), 0, 1, n=-1), "n must be"),
    ],
)
def test_bad_input(call, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        call()


def test_fit_recovers_an_exact_readout() -> None:
    rng = np.random.default_rng(0)
    acts = rng.random((50, 6))
    weights, bias = rng.standard_normal((4, 6)), rng.standard_normal(4)
    fit = analysis.fit_readout(acts, acts @ weights.T + bias)
    assert fit.ok and fit.reason == "" and fit.residual < 1e-9
    np.testing.assert_allclose(fit.weights, weights, atol=1e-8)
    np.testing.assert_allclose(fit.bias, bias, atol=1e-8)


@pytest.mark.parametrize(
    ("acts", "logits", "reason"),
    [
        (np.random.default_rng(1).random((5, 6)), np.zeros((5, 2)), "5 images cannot determine 6 weights"),
        (np.hstack([np.random.default_rng(2).random((40, 3)), np.zeros((40, 1))]), np.zeros((40, 2)), "rank 4"),
        (
            np.random.default_rng(3).random((40, 3)),
            analysis.softmax(np.random.default_rng(3).random((40, 3)) * 8),
            "the head is not linear",
        ),
        (np.full((40, 3), np.nan), np.zeros((40, 2)), "NaN or inf"),
    ],
    ids=["too few images", "a dead unit", "a softmax head", "NaN"],
)
def test_fit_is_refused_where_not_determined_or_exact(acts, logits, reason: str) -> None:
    fit = analysis.fit_readout(acts, logits)
    assert not fit.ok and fit.weights is None and reason in fit.reason


def test_sixteen_bit_activations_get_a_looser_tolerance() -> None:
    rng = np.random.default_rng(4)
    acts = rng.random((60, 5))
    logits = acts @ rng.standard_normal((3, 5)).T
    noisy = dtypes.exact(dtypes.store(acts, "bfloat16"), "bfloat16").astype(np.float64)  # as stored
    assert not analysis.fit_readout(noisy, logits).ok
    assert analysis.fit_readout(noisy, logits, sixteen_bit=True).ok


def test_confusion_rates_growth_and_losses_by_hand() -> None:
    labels = np.array([0, 0, 0, 0, 1, 1, 2])
    preds = np.array([0, 1, 1, 2, 1, 0, 3])
    rates = analysis.confusion_rates(labels, preds, 4)
    np.testing.assert_array_equal(rates[0], [0.25, 0.5, 0.25, 0.0])
    np.testing.assert_array_equal(rates[2], [0.0, 0.0, 0.0, 1.0])
    assert np.isnan(rates[3]).all()
    id_rates = analysis.confusion_rates(np.array([0, 1, 2]), np.array([1, 1, 2]), 4)  # 0 -> 1 already
    true, predicted = analysis.growing_confusions(rates, id_rates, 5)
    # (2,3): 1.0; (1,0): 0.5; (0,2): 0.25; (0,1): 0.5 - 1.0 = -0.5.
    assert list(zip(true.tolist(), predicted.tolist(), strict=True)) == [(2, 3), (1, 0), (0, 2), (0, 1)]
    accuracy = np.array([0.25, 0.5, 0.0, np.nan])
    id_accuracy = np.array([0.0, 1.0, 1.0, 1.0])
    assert analysis.losing_classes(accuracy, id_accuracy, 5).tolist() == [2, 1, 0]
    assert analysis.losing_classes(accuracy, id_accuracy, 1).tolist() == [2]
