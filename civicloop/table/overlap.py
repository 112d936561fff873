"""How far organisations serve the same places and people: the arithmetic, with no Django.

Everything works on sparse matrices whose rows are organisations:

- **areas**: the share of each organisation's clients in each area. Shares that are not
  known split what the known ones leave (an organisation that lists three areas and no
  shares serves a third of its clients in each); shares that sum to less than one leave the
  rest outside the collaborative's areas. A share given for a large area (a ward) is spread
  evenly over the smallest areas inside it (its neighbourhoods, the *leaves*), so that
  footprints recorded at different levels compare (``Tree``, ``to_leaves``).
- **populations**, one matrix per kind. Age and income bands are *exclusive*: the share of
  each organisation's clients in each band, normalised to one. Other groups (renter
  households, families with young children...) are *tags* that overlap one another. A row
  of zeros means "not recorded".
- **reach**: families reached a year (NaN when unknown: the registry's median is assumed).

Who is missing, for one result (``missing_scores``)::

    area share    = share of clients in the result's focus areas (``area_focus``)
    population    = product over the kinds of population the result names of
                      banded kinds: the share of clients in the result's bands
                      tags: 1 when it serves one of the result's groups, else a half match
                    (a kind not recorded: a half match, ``UNKNOWN_MATCH``)
    overlap       = area share x population
    families      = reach x overlap                 (the result's families it reaches there)
    score         = overlap x log10(1 + families) x (1 + GAP_BONUS if it fills a missing sector)

The shared-families network (``pair_overlap``): for two organisations, the Bhattacharyya
coefficient of their client distributions over areas (1 when they serve the same places in
the same proportions, 0 when they share none), times the same coefficient over each banded
kind the caller passes (``UNKNOWN_MATCH`` when either has not recorded it). The network
passes household-level kinds only (income): one family spans several age bands, so a
school (its children) and a bank (their parents) serve the same families. The sum over
leaves is computed on blocks of sibling leaves (``area_overlap``), which gives the same
number without spreading every ward-level share over every neighbourhood.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

UNKNOWN_MATCH = 0.5
GAP_BONUS = 0.5


def distribution(
    rows: np.ndarray,
    cols: np.ndarray,
    shares: np.ndarray,
    shape: tuple[int, int],
    *,
    complete: bool,
) -> sparse.csr_array:
    """Rows of shares from (row, column, share) triples; NaN shares split what is left.

    ``complete``: the shares of a row describe all of its clients, so a row is scaled to sum
    to one (populations). Otherwise what known shares leave unassigned stays outside (areas).
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    shares = np.asarray(shares, dtype=np.float64)
    n_rows = shape[0]
    unknown = np.isnan(shares)
    # (bincount of nothing is integer: keep every total a float)
    known_sum = np.bincount(rows, weights=np.where(unknown, 0.0, shares), minlength=n_rows)
    known_sum = known_sum.astype(np.float64)
    n_unknown = np.bincount(rows, weights=unknown.astype(np.float64), minlength=n_rows)
    left = np.clip(1.0 - known_sum, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.where(n_unknown > 0, left / n_unknown, 0.0)
    values = np.where(unknown, fill[rows], shares)
    totals = np.bincount(rows, weights=values, minlength=n_rows).astype(np.float64)
    if complete:
        scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    else:  # a row may not claim more than all of its clients
        scale = np.divide(1.0, totals, out=np.ones_like(totals), where=totals > 1.0)
    # Building from (row, column) pairs sums any duplicate pairs.
    return sparse.csr_array((values * scale[rows], (rows, cols)), shape=shape)


def leaf_matrix(parent: np.ndarray) -> tuple[sparse.csr_array, np.ndarray]:
    """Areas x leaves: row a spreads a share evenly over the leaves (smallest areas) under a.

    ``parent[i]`` is the index of area i's parent, -1 for a top area. Returns the matrix and
    the indices of the leaves (its columns, in order).
    """
    parent = np.asarray(parent, dtype=np.int64)
    n = len(parent)
    has_child = np.zeros(n, dtype=bool)
    has_child[parent[parent >= 0]] = True
    leaves = np.flatnonzero(~has_child)
    # Walk every leaf up to its root; each ancestor (and the leaf itself) covers the leaf.
    rows, cols = [leaves], [np.arange(len(leaves))]
    current = parent[leaves]
    leaf_col = np.arange(len(leaves))
    for _ in range(n):
        up = current >= 0
        if not up.any():
            break
        rows.append(current[up])
        cols.append(leaf_col[up])
        current = np.where(up, parent[np.maximum(current, 0)], -1)
    r, c = np.concatenate(rows), np.concatenate(cols)
    counts = np.bincount(r, minlength=n).astype(np.float64)
    matrix = sparse.csr_array((1.0 / counts[r], (r, c)), shape=(n, len(leaves)))
    return matrix, leaves


@dataclass(frozen=True)
class Tree:
    """The areas seen from their leaves, built once per collaborative.

    ``spread`` (areas x leaves) spreads a share evenly over the leaves under an area. Sibling
    leaves form a *block*: a share given for any larger area is the same on every leaf of a
    block, which lets `pair_overlap` work on blocks instead of leaves.
    """

    spread: sparse.csr_array
    leaf_ids: np.ndarray  # area index of each leaf
    block_of: sparse.csr_array  # leaves x blocks, 0/1
    block_size: np.ndarray  # leaves per block
    block_leaf: np.ndarray  # one leaf (column) of each block
    is_leaf: np.ndarray  # per area

    @classmethod
    def build(cls, parent: np.ndarray) -> Tree:
        parent = np.asarray(parent, dtype=np.int64)
        spread, leaf_ids = leaf_matrix(parent)
        owner = np.where(parent[leaf_ids] >= 0, parent[leaf_ids], leaf_ids + len(parent))
        blocks, block = np.unique(owner, return_inverse=True)
        block_of = sparse.csr_array(
            (np.ones(len(leaf_ids)), (np.arange(len(leaf_ids)), block)),
            shape=(len(leaf_ids), len(blocks)),
        )
        _, first = np.unique(block, return_index=True)
        is_leaf = np.zeros(len(parent), dtype=bool)
        is_leaf[leaf_ids] = True
        return cls(
            spread=spread,
            leaf_ids=leaf_ids,
            block_of=block_of,
            block_size=np.bincount(block, minlength=len(blocks)).astype(np.float64),
            block_leaf=first,
            is_leaf=is_leaf,
        )


def to_leaves(area_shares: sparse.csr_array, leaves: sparse.csr_array) -> sparse.csr_array:
    """Organisations x leaves, from organisations x areas."""
    return sparse.csr_array(area_shares @ leaves)


def area_focus(leaves: sparse.csr_array, focus_leaves: np.ndarray) -> np.ndarray:
    """For each area, the share of it (of its leaves) inside the focus.

    ``area_shares @ area_focus(...)`` equals ``to_leaves(area_shares) @ focus_leaves`` without
    spreading every footprint over every leaf.
    """
    return leaves @ np.asarray(focus_leaves, dtype=np.float64)


def fill_reach(reach: np.ndarray) -> np.ndarray:
    """Families reached, with unknown (NaN) values set to the median of the known ones."""
    reach = np.asarray(reach, dtype=np.float64)
    known = reach[~np.isnan(reach)]
    typical = float(np.median(known)) if known.size else 1.0
    return np.where(np.isnan(reach), typical, reach)


@dataclass(frozen=True)
class Wanted:
    """The populations of one kind a result is about."""

    matrix: sparse.csr_array  # organisations x populations of this kind
    wanted: np.ndarray  # 0/1 per population
    tags: bool = False  # True for overlapping groups, False for exclusive bands


def population_match(populations: list[Wanted]) -> np.ndarray:
    """How far each organisation's clients are in the result's population (see above)."""
    match = None
    for kind in populations:
        recorded = np.asarray(kind.matrix.sum(axis=1)).ravel() > 0
        inside = kind.matrix @ np.asarray(kind.wanted, dtype=np.float64)
        if kind.tags:
            part = np.where(inside > 0, 1.0, UNKNOWN_MATCH)
        else:
            part = np.where(recorded, inside, UNKNOWN_MATCH)
        match = part if match is None else match * part
    return match


@dataclass(frozen=True)
class MissingScores:
    """Per organisation (same order as the inputs)."""

    area_share: np.ndarray
    population: np.ndarray
    families: np.ndarray
    fills_gap: np.ndarray
    score: np.ndarray

    def top(self, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
        """Indices of the ``n`` best scores, best first, leaving out ``exclude`` (a mask)."""
        score = self.score.copy()
        if exclude is not None:
            score[exclude] = -np.inf
        candidates = np.flatnonzero(score > 0)
        if candidates.size > n:
            keep = np.argpartition(-score[candidates], n - 1)[:n]
            candidates = candidates[keep]
        order = np.lexsort((candidates, -score[candidates]))
        return candidates[order]


def missing_scores(
    area_shares: sparse.csr_array,
    focus: np.ndarray,
    populations: list[Wanted],
    reach: np.ndarray,
    fills_gap: np.ndarray,
) -> MissingScores:
    """Score every organisation for a result (see the module's docstring for the formula).

    ``area_shares``: organisations x areas (or x leaves); ``focus``: for each of those
    columns, the share of it inside the result's focus areas (``area_focus``). ``reach``:
    families reached, NaN when unknown. ``fills_gap``: True where the organisation's sector
    is one the result's indicators need and nobody at its table brings.
    """
    area_share = area_shares @ np.asarray(focus, dtype=np.float64)
    n = area_shares.shape[0]
    population = population_match(populations) if populations else np.ones(n)
    overlap = area_share * population
    families = fill_reach(reach) * overlap
    gap = np.asarray(fills_gap, dtype=bool)
    score = overlap * np.log10(1.0 + families) * np.where(gap, 1.0 + GAP_BONUS, 1.0)
    return MissingScores(area_share, population, families, gap, score)


def _root(matrix: sparse.csr_array) -> sparse.csr_array:
    root = sparse.csr_array(matrix, copy=True)
    root.data = np.sqrt(root.data)
    return root


def bhattacharyya(a: sparse.csr_array, b: sparse.csr_array | None = None) -> np.ndarray:
    """For every row of ``a`` and row of ``b`` (default: ``a``), sum over columns of
    sqrt(a_i * b_i): 1 for two identical distributions, 0 for two that share nothing."""
    root_a = _root(a)
    root_b = root_a if b is None else _root(b)
    return np.asarray((root_a @ root_b.T).toarray())


def _block_roots(tree: Tree, area_shares: sparse.csr_array):
    """sqrt of each organisation's share on each leaf, as P (organisations x blocks: the part
    that is the same on every leaf of a block) plus Q (organisations x leaves, sparse: what
    shares given for the leaves themselves add)."""
    area_shares = sparse.csr_array(area_shares)
    above = sparse.csr_array(area_shares @ sparse.diags_array((~tree.is_leaf).astype(float)))
    on_leaves = sparse.csr_array(area_shares[:, tree.leaf_ids])
    uniform = sparse.csr_array(above @ tree.spread)  # the same on every leaf of a block
    p = _root(sparse.csr_array(uniform[:, tree.block_leaf]))
    pattern = on_leaves.copy()
    pattern.data = np.ones_like(pattern.data)
    under = sparse.csr_array(uniform.multiply(pattern))  # the uniform part where Q lives
    q = _root(sparse.csr_array(under + on_leaves)) - _root(under)
    return p, sparse.csr_array(q)


def area_overlap(
    tree: Tree, areas_a: sparse.csr_array, areas_b: sparse.csr_array | None = None
) -> np.ndarray:
    """`bhattacharyya` of the organisations' client distributions over the leaves, computed
    on blocks of sibling leaves: sum over leaves of (P_a + Q_a)(P_b + Q_b) is
    sum over blocks of size x P_a P_b, plus P_a x (Q_b summed over the block), plus the same
    the other way round, plus Q_a Q_b."""
    p_a, q_a = _block_roots(tree, areas_a)
    p_b, q_b = (p_a, q_a) if areas_b is None else _block_roots(tree, areas_b)
    qs_a = q_a @ tree.block_of
    qs_b = qs_a if areas_b is None else q_b @ tree.block_of
    total = (p_a @ sparse.diags_array(tree.block_size)) @ p_b.T
    total = total + p_a @ qs_b.T + qs_a @ p_b.T + q_a @ q_b.T
    return np.asarray(sparse.csr_array(total).toarray())


def pair_overlap(
    tree: Tree,
    areas_a: sparse.csr_array,
    populations_a: list[sparse.csr_array],
    areas_b: sparse.csr_array | None = None,
    populations_b: list[sparse.csr_array] | None = None,
) -> np.ndarray:
    """Rows of ``a`` x rows of ``b`` (default ``a``): how far each pair serves the same areas
    and people. ``areas_*``: organisations x areas (shares, see `distribution`)."""
    same = areas_b is None
    overlap = area_overlap(tree, areas_a, None if same else areas_b)
    for k, matrix_a in enumerate(populations_a):
        matrix_b = matrix_a if same else populations_b[k]
        recorded_a = np.asarray(matrix_a.sum(axis=1)).ravel() > 0
        recorded_b = np.asarray(matrix_b.sum(axis=1)).ravel() > 0
        both = recorded_a[:, None] & recorded_b[None, :]
        overlap *= np.where(
            both, bhattacharyya(matrix_a, None if same else matrix_b), UNKNOWN_MATCH
        )
    return overlap


def overlap_matrix(
    tree: Tree, area_shares: sparse.csr_array, populations: list[sparse.csr_array]
) -> np.ndarray:
    """Organisations x organisations (zero diagonal): the shared-families network's weights."""
    overlap = pair_overlap(tree, area_shares, populations)
    np.fill_diagonal(overlap, 0.0)
    return overlap
