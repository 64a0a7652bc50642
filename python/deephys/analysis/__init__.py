"""Reference implementation of every Deephys analysis (pure NumPy, float64).

This package is the *specification* of the numbers Deephys shows. The browser
viewer (TypeScript, ``viewer/src/analysis/``) is tested number-for-number
against it, so every definition is precise about order, ties, NaN and empty
inputs. Each module has a TypeScript twin in ``viewer/src/analysis/`` (named after
the topic; ``normalization.py`` is ``normalize.ts``, ``prediction.py`` is
``softmax.ts``, ``histograms.py`` and ``densities.py`` are ``histogram.ts`` and
``density.ts``: no module here bears the name of a function it exports):

* ``normalization.py``: :func:`reference_max`, :func:`normalize`.
* ``tuning.py``: :func:`class_counts`, :func:`class_means`, :func:`tuning_matrix`.
* ``scores.py``: :func:`spearman_columns`, :func:`spurious_scores`, :func:`novelty_scores`.
* ``prediction.py``: :func:`softmax`, :func:`predictions`, :func:`confidence`,
  :func:`top_predictions`.
* ``confusion.py``: :func:`accuracy`, :func:`class_accuracy`, :func:`confusion_matrix`,
  :func:`false_positives`, :func:`false_negatives`, :func:`false_positive_images`,
  :func:`false_negative_images`, :func:`confusion_cell_images`.
* ``confusion.py`` also: :func:`confusion_rates`, :func:`growing_confusions`, :func:`losing_classes`.
* ``attribution.py``: :func:`contributions`, :func:`confusion_attribution` (twin ``attribution.ts``),
  :func:`fit_readout` (no twin).
* ``matching.py``: :class:`CorrelationAccumulator`, :func:`unit_correlations`, :func:`best_matches`
  (twin ``matching.ts``), :func:`one_to_one` (scipy, no twin).
* ``ranking.py``: :func:`top_units`, :func:`top_images`, :func:`top_classes`,
  :func:`most_shifted_units`.
* ``histograms.py``: :func:`histogram`.
* ``densities.py``: :func:`density`, :func:`bounded_density`.
* ``_arrays.py`` (private, no twin): the shared input checks and the strictly
  sequential float64 sums, in row blocks.

Import the functions from the package: ``from deephys.analysis import softmax``.

Notation: ``acts`` is an ``(N, U)`` array of activations (N images, U units of
one layer), ``labels`` an ``(N,)`` integer array of ground-truth classes in
``[0, C)``, ``logits`` an ``(N, K)`` (or ``(K,)``) array of classification
layer outputs.

Conventions shared by all functions
-----------------------------------
* **Arithmetic.** Inputs of any real dtype are converted to float64 before any
  arithmetic; every result is float64 (or int64 for counts and indices).
* **Sums** are accumulated in float64 *sequentially in ascending index order*
  (``s = 0; for i in 0..n-1: s += x[i]``), never pairwise, so a plain loop in
  another language reproduces them bit for bit. A mean is ``sum / count``
  (a true division, not a multiplication by ``1 / count``).
* **Bit-exactness.** Everything that uses only ``+ - * /``, ``sqrt``,
  ``floor`` and comparisons (class means, tuning, Spearman, novelty, histogram,
  accuracies, every ranking) is reproducible bit for bit. Functions that call
  ``exp`` (``softmax``, ``top_predictions``, ``confidence``, ``density``, ``bounded_density``)
  depend on the platform's ``exp`` and agree to about 1e-15 relative.
* **Rankings** ("desc, ties by lower index") sort by value descending; equal
  values (numerically equal: ``-0.0 == 0.0``) keep ascending index order.
* **NaN** is never silently turned into a number. Each function documents
  whether NaN propagates, is excluded, or is sorted last.
"""

from .attribution import Attribution, ReadoutFit, confusion_attribution, contributions, fit_readout
from .confusion import (
    accuracy,
    class_accuracy,
    confusion_cell_images,
    confusion_matrix,
    confusion_rates,
    false_negative_images,
    false_negatives,
    false_positive_images,
    false_positives,
    growing_confusions,
    losing_classes,
)
from .densities import bounded_density, density
from .histograms import histogram
from .matching import CorrelationAccumulator, Matching, best_matches, one_to_one, unit_correlations
from .normalization import normalize, reference_max
from .prediction import confidence, predictions, softmax, top_predictions
from .ranking import most_shifted_units, top_classes, top_images, top_units
from .scores import ShiftReference, novelty_scores, spearman_columns, spurious_scores
from .tuning import class_counts, class_means, tuning_matrix

__all__ = [
    "reference_max",
    "normalize",
    "class_counts",
    "class_means",
    "tuning_matrix",
    "spearman_columns",
    "spurious_scores",
    "novelty_scores",
    "ShiftReference",
    "softmax",
    "top_predictions",
    "predictions",
    "confidence",
    "accuracy",
    "class_accuracy",
    "confusion_matrix",
    "false_positives",
    "false_negatives",
    "false_positive_images",
    "false_negative_images",
    "confusion_cell_images",
    "top_units",
    "top_images",
    "top_classes",
    "histogram",
    "density",
    "bounded_density",
    "most_shifted_units",
    "confusion_rates",
    "growing_confusions",
    "losing_classes",
    "contributions",
    "confusion_attribution",
    "Attribution",
    "fit_readout",
    "ReadoutFit",
    "CorrelationAccumulator",
    "unit_correlations",
    "best_matches",
    "one_to_one",
    "Matching",
]
