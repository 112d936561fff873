"""The overlap arithmetic, by hand, on registries small enough to check on paper."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from civicloop.table import overlap

NAN = float("nan")


def test_unknown_shares_split_what_the_known_ones_leave():
    m = overlap.distribution(
        [0, 0, 0, 1, 1], [0, 1, 2, 0, 1], [0.5, NAN, NAN, NAN, NAN], (2, 3), complete=False
    ).toarray()
    assert m[0] == pytest.approx([0.5, 0.25, 0.25])
    assert m[1] == pytest.approx([0.5, 0.5, 0.0])


def test_area_shares_may_leave_clients_outside_but_populations_add_up_to_one():
    rows, cols, shares = [0, 0], [0, 1], [0.3, 0.2]
    areas = overlap.distribution(rows, cols, shares, (1, 2), complete=False).toarray()
    assert areas[0] == pytest.approx([0.3, 0.2])  # half of its clients live elsewhere
    pops = overlap.distribution(rows, cols, shares, (1, 2), complete=True).toarray()
    assert pops[0] == pytest.approx([0.6, 0.4])


def test_a_ward_share_spreads_evenly_over_its_neighbourhoods():
    # city(0) > ward(1) > hoods 2, 3 ; ward(4) > hood 5
    parent = np.array([-1, 0, 1, 1, 0, 4])
    leaves, leaf_ids = overlap.leaf_matrix(parent)
    assert list(leaf_ids) == [2, 3, 5]
    shares = sparse.csr_array(([0.6, 0.4], ([0, 0], [1, 5])), shape=(1, 6))
    assert overlap.to_leaves(shares, leaves).toarray()[0] == pytest.approx([0.3, 0.3, 0.4])
    city = sparse.csr_array(([1.0], ([0], [0])), shape=(1, 6))
    assert overlap.to_leaves(city, leaves).toarray()[0] == pytest.approx([1 / 3] * 3)
    # Pushing a focus on leaves up to the areas gives the same share in focus.
    focus = np.array([1.0, 0.0, 1.0])
    direct = overlap.to_leaves(shares, leaves) @ focus
    assert shares @ overlap.area_focus(leaves, focus) == pytest.approx(direct)
    assert overlap.area_focus(leaves, focus) == pytest.approx([2 / 3, 0.5, 1, 0, 1, 1])


def test_missing_score_by_hand():
    # Two organisations over two leaves; the focus is leaf 0.
    leaf = sparse.csr_array(np.array([[0.8, 0.2], [0.1, 0.9]]))
    ages = overlap.Wanted(sparse.csr_array(np.array([[0.5, 0.5], [0.0, 0.0]])), np.array([1, 0]))
    got = overlap.missing_scores(
        leaf, np.array([1, 0]), [ages], np.array([1000.0, NAN]), np.array([True, False])
    )
    assert got.area_share == pytest.approx([0.8, 0.1])
    assert got.population == pytest.approx([0.5, overlap.UNKNOWN_MATCH])  # not recorded: half
    # Unknown reach is the median of the known reaches (1000).
    assert got.families == pytest.approx([1000 * 0.4, 1000 * 0.05])
    expected0 = 0.4 * np.log10(1 + 400) * (1 + overlap.GAP_BONUS)
    expected1 = 0.05 * np.log10(1 + 50)
    assert got.score == pytest.approx([expected0, expected1])
    assert list(got.top(5)) == [0, 1]
    assert list(got.top(5, exclude=np.array([True, False]))) == [1]


def test_groups_are_tags_that_only_confirm():
    groups = sparse.csr_array(np.array([[0.5, 0.5], [0.0, 1.0], [0.0, 0.0]]))
    match = overlap.population_match([overlap.Wanted(groups, np.array([1, 0]), tags=True)])
    assert match == pytest.approx([1.0, overlap.UNKNOWN_MATCH, overlap.UNKNOWN_MATCH])


def test_bhattacharyya_overlap_by_hand():
    # A city (0) with two leaves (1, 2) and a third leaf (3) of its own: three leaf areas.
    tree = overlap.Tree.build(np.array([-1, 0, 0, -1]))
    areas = sparse.csr_array(
        np.array([[0, 0.5, 0.5, 0], [1.0, 0, 0, 0], [0, 0, 0.2, 0.8]])
    )  # the second serves the city as a whole: half on each of its leaves, like the first
    income = sparse.csr_array(np.array([[1.0, 0.0], [0.25, 0.75], [0.0, 0.0]]))
    got = overlap.overlap_matrix(tree, areas, [income])
    assert got[0, 1] == pytest.approx(1.0 * np.sqrt(0.25))  # same places, incomes differ
    assert got[0, 2] == pytest.approx(np.sqrt(0.5 * 0.2) * overlap.UNKNOWN_MATCH)
    assert np.allclose(got, got.T) and np.all(np.diag(got) == 0)
    cross = overlap.pair_overlap(tree, areas[[0]], [income[[0]]], areas, [income])
    assert cross[0, 1:] == pytest.approx(got[0, 1:])


def test_the_block_shortcut_equals_the_sum_over_leaves():
    rng = np.random.default_rng(3)
    # city > 4 wards > 5 neighbourhoods each > 0-3 tracts each: leaves at different depths.
    parent = [-1] + [0] * 4 + [1 + i // 5 for i in range(20)]
    for hood in range(5, 25):
        parent += [hood] * int(rng.integers(0, 4))
    parent = np.array(parent)
    n = 40
    rows = rng.integers(0, n, 200)
    cols = rng.integers(0, len(parent), 200)
    shares = np.where(rng.random(200) < 0.3, np.nan, rng.random(200))
    areas = overlap.distribution(rows, cols, shares, (n, len(parent)), complete=False)
    tree = overlap.Tree.build(parent)
    by_leaves = overlap.bhattacharyya(overlap.to_leaves(areas, tree.spread))
    assert np.abs(overlap.area_overlap(tree, areas) - by_leaves).max() < 1e-12
    assert np.abs(overlap.area_overlap(tree, areas[:3], areas) - by_leaves[:3]).max() < 1e-12
