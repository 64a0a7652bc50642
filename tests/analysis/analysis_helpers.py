"""Shared helpers of the deephys.analysis tests: exact comparison, strategies, plain-Python oracles.

The hand cases in these tests are mirrored in viewer/test/analysis/*.test.ts;
keep them in sync. Oracles are written out in plain Python (scipy is used in
addition when it happens to be installed).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

try:  # optional, independent oracle
    import scipy.stats as scipy_stats
except ImportError:  # pragma: no cover - depends on the environment
    scipy_stats = None

nan = math.nan
inf = math.inf

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(actual, expected) -> None:
    """Exact equality, NaN equal to NaN, dtype-agnostic."""
    np.testing.assert_array_equal(np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64))


finite32 = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32)
any32 = st.one_of(finite32, st.sampled_from([0.0, -0.0, nan, inf, -inf, 1.0, 2.0]), st.floats(width=32))


@st.composite
def acts_and_labels(draw, elements=finite32, max_rows=40, max_units=20, max_classes=6):
    c = draw(st.integers(1, max_classes))
    n = draw(st.integers(0, max_rows))
    u = draw(st.integers(1, max_units))
    acts = draw(hnp.arrays(np.float32, (n, u), elements=elements))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return acts, labels, c


def oracle_class_means(acts, labels, c):
    n, u = acts.shape
    out = [[nan] * u for _ in range(c)]
    for k in range(c):
        rows = [i for i in range(n) if labels[i] == k]
        if not rows:
            continue
        for j in range(u):
            s = 0.0
            for i in rows:
                s += float(acts[i, j])
            out[k][j] = s / len(rows)
    return np.array(out, dtype=np.float64).reshape(c, u)


rank_values = hnp.arrays(
    np.float32,
    st.integers(0, 50),
    elements=st.one_of(st.sampled_from([0.0, -0.0, 1.0, nan, inf, -inf]), finite32),
)
