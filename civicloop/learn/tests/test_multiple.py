"""Benjamini-Hochberg across a review, against statsmodels."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests

from civicloop.learn.multiple import benjamini_hochberg, significant_after_adjustment


def test_matches_statsmodels_fdr_bh():
    rng = np.random.default_rng(0)
    for size in (1, 2, 7, 40, 300):
        p = np.concatenate([rng.uniform(0, 1, size), rng.uniform(0, 0.01, size // 3)])
        p[: size // 5] = p[size // 5]  # ties
        reject, corrected, _, _ = multipletests(p, alpha=0.05, method="fdr_bh")
        np.testing.assert_allclose(benjamini_hochberg(p), corrected, rtol=0, atol=1e-15)
        np.testing.assert_array_equal(significant_after_adjustment(p), reject)


def test_untested_entries_stay_out():
    p = np.array([0.01, np.nan, 0.04, 0.03])
    _, corrected, _, _ = multipletests(p[~np.isnan(p)], method="fdr_bh")
    out = benjamini_hochberg(p)
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[~np.isnan(p)], corrected)
    assert np.isnan(benjamini_hochberg([np.nan])).all()
