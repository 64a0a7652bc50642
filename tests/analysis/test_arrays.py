"""Tests for deephys.analysis._arrays and the package as a whole.

Blocking (``_BLOCK_ELEMENTS``) never changes a bit; realistic sizes run; no
function modifies its inputs.
"""

from __future__ import annotations

import math

import numpy as np
from analysis_helpers import nan, same

from deephys import analysis as A
from deephys.analysis import _arrays


def test_blocked_paths_are_bit_identical(monkeypatch):
    rng = np.random.default_rng(1)
    acts = rng.standard_normal((300, 40)).astype(np.float32)
    acts[acts < -1] = 0
    acts[5, 3] = nan
    labels = rng.integers(0, 7, 300)
    logits = rng.standard_normal((50, 30)) * 10
    scores = rng.random(200)
    grid = np.linspace(-0.5, 1.5, 33)

    def run():
        ref = A.reference_max(acts)
        return [
            ref,
            A.class_means(acts, labels, 7),
            A.class_means(acts[:, :3], labels, 7),
            A.tuning_matrix(acts, labels, 7, ref),
            A.top_units(acts)[1],
            A.top_units(acts[:, :5])[1],
            A.softmax(logits),
            A.confidence(logits),
            A.density(scores, grid),
        ]

    before = run()
    monkeypatch.setattr(_arrays, "_BLOCK_ELEMENTS", 7)
    after = run()
    for x, y in zip(before, after):
        same(x, y)


def test_realistic_sizes_smoke():
    rng = np.random.default_rng(2)
    n, u, c = 5000, 256, 100
    acts = np.maximum(rng.standard_normal((n, u)), 0).astype(np.float32)
    acts[:, 7] = 0  # dead unit
    labels = rng.integers(0, c, n)
    ood = acts * rng.random(u).astype(np.float32)
    ref = A.reference_max(acts)
    t_id = A.tuning_matrix(acts, labels, c, ref)
    t_ood = A.tuning_matrix(ood, labels, c, ref)
    sp = A.spurious_scores(t_id, t_ood)
    nv = A.novelty_scores(t_id, t_ood)
    assert math.isnan(sp[7]) and math.isnan(nv[7])
    assert np.nanmax(sp) < 1e-3  # per-unit scaling keeps class orderings (up to rounding ties)
    assert (nv[np.arange(u) != 7] >= 0).all()
    order = A.most_shifted_units(sp, nv, by="novelty")
    assert order[-1] == 7
    logits = rng.standard_normal((n, c)) * 5
    preds = A.predictions(logits)
    cm = A.confusion_matrix(labels, preds, c)
    assert cm.sum() == n
    idx, prob = A.top_predictions(logits)
    same(idx[:, 0], preds)
    np.testing.assert_allclose(prob[:, 0], A.confidence(logits), rtol=1e-15)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(3)
    acts = rng.standard_normal((40, 20))
    acts[0, 0] = nan
    labels = rng.integers(0, 4, 40)
    logits = rng.standard_normal((40, 4))
    scores = rng.random(20)
    keep = [x.copy() for x in (acts, labels, logits, scores)]
    ref = A.reference_max(acts)
    A.normalize(acts, ref)
    t = A.tuning_matrix(acts, labels, 4, ref)
    A.spurious_scores(t, t)
    A.novelty_scores(t, t)
    A.softmax(logits)
    A.confidence(logits)
    A.predictions(logits)
    A.top_predictions(logits)
    A.top_units(acts)
    A.top_images(acts[:, 1])
    A.histogram(acts[:, 0])
    A.density(scores, scores)
    for before, after in zip(keep, (acts, labels, logits, scores)):
        same(after, before)
