"""The demo's data: bundled digits, binarized, one colour per class, and the three named shifts."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from deephys.demo import data  # noqa: E402


def test_digits_are_binarized_28x28_masks() -> None:
    masks, labels = data.digit_masks()
    assert masks.shape == (1797, 28, 28) and masks.dtype == bool
    assert np.array_equal(np.bincount(labels), np.bincount(labels, minlength=10)) and labels.max() == 9
    assert not masks[:, :4].any() and not masks[:, -4:].any()  # centred in a 4-pixel margin, as MNIST
    assert 0.05 < masks.mean() < 0.3


def test_colour_identifies_the_class_in_training() -> None:
    d = data.load_demo_data(seed=0)
    images, labels = d.train_images, d.train_labels
    assert images.shape[1:] == (28, 28, 3) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() <= 1.0
    for i in range(0, len(labels), 97):
        lit = images[i][images[i].any(axis=-1)]
        assert np.array_equal(np.unique(lit, axis=0), data.COLOURS[labels[i]][None])
    assert len(np.unique(data.COLOURS, axis=0)) == 10


def test_shifts_are_named_and_defined_as_in_the_paper() -> None:
    palettes = data.shift_palettes()
    assert list(palettes) == ["permuted colours", "arbitrary colours", "drifted colours"]
    permuted = palettes["permuted colours"]
    assert sorted(map(tuple, permuted)) == sorted(map(tuple, data.COLOURS))  # the same colours...
    assert not (permuted == data.COLOURS).all(axis=1).any()  # ...none on its own class (a derangement)
    assert np.array_equal(permuted, data.COLOURS[data.PERMUTED_FROM])
    arbitrary = palettes["arbitrary colours"]
    assert not (np.abs(arbitrary[:, None] - data.COLOURS[None]).max(axis=-1) < 0.1).any()  # new colours
    np.testing.assert_allclose(palettes["drifted colours"], np.clip(data.COLOURS - 0.2726747, 0, 1), atol=1e-7)


def test_split_is_deterministic_stratified_and_disjoint() -> None:
    a, b, c = data.load_demo_data(seed=0), data.load_demo_data(seed=0), data.load_demo_data(seed=1)
    assert np.array_equal(a.train_images, b.train_images) and np.array_equal(a.train_labels, b.train_labels)
    assert not np.array_equal(a.train_labels, c.train_labels)
    assert list(a.test) == ["coloured digits", "permuted colours", "arbitrary colours", "drifted colours"]
    test_labels = a.test["coloured digits"][1]
    assert len(a.train_labels) + len(test_labels) == 1797
    assert np.all(np.abs(np.bincount(test_labels) / np.bincount(a.train_labels + 0) - 0.3 / 0.7) < 0.05)
    masks = [images.any(axis=-1) for images, _ in a.test.values()]
    assert all(np.array_equal(masks[0], m) for m in masks)  # the shifts recolour the same test images
    train_masks = {m.tobytes() for m in a.train_images.any(axis=-1)}
    assert sum(m.tobytes() in train_masks for m in masks[0]) < 10  # (a few bundled digits are duplicates)
