"""Benchmark: "who is missing" over a registry of 50,000 organisations, and the overlap network.

A synthetic registry: 50,000 organisations whose footprints cover 2,000 areas (a city, 39
districts, 1,960 tracts; four in five footprint entries are tracts, the rest districts or
the city), with client shares known for most entries, age and income bands, group tags,
and families reached (unknown for one in ten). Two questions, each answered twice from the
same (organisation, area, share) triples:

- **who is missing** for one result (three focus districts, two age bands, two income
  bands, one group, 60 organisations already seated, two sectors nobody brings):
  ``civicloop.table.overlap`` with sparse matrices, against a straightforward Python loop
  over each organisation's (organisation, area) and (organisation, population) pairs;
- **the shared-families network** for 500 organisations: ``overlap.overlap_matrix``
  against a Python loop over every pair of organisations.

Both ways must give the same numbers (checked to 1e-9). Goals: who is missing within 1
second, and each at least 50x faster than the per-pair Python.

    python benchmarks/missing.py
    python benchmarks/missing.py --organisations 5000   # a quick look
"""

from __future__ import annotations

import argparse
import math
import time
from collections import defaultdict
from collections.abc import Callable

import networkx as nx
import numpy as np

from civicloop.table import overlap

N_AREAS, N_DISTRICTS = 2000, 39  # the city, 39 districts and 1,960 tracts
AGES, INCOMES, GROUPS, SECTORS = 6, 3, 7, 14


def make_areas() -> np.ndarray:
    """Parent index of each of 2,000 areas: the city, 39 districts, 1,960 tracts."""
    parent = [-1] + [0] * N_DISTRICTS
    for t in range(N_AREAS - 1 - N_DISTRICTS):
        parent.append(1 + t % N_DISTRICTS)
    return np.array(parent, dtype=np.int64)


def make_registry(n: int, parent: np.ndarray, seed: int = 20261125) -> dict:
    rng = np.random.default_rng(seed)
    n_areas = len(parent)
    districts = np.flatnonzero(parent == 0)
    tracts = np.flatnonzero(parent > 0)
    counts = rng.integers(1, 9, n)
    rows = np.repeat(np.arange(n), counts)
    level = rng.random(len(rows))
    home = rng.choice(districts, n)  # organisations cluster around a home district
    cols = np.where(
        level < 0.8,
        np.where(
            rng.random(len(rows)) < 0.7,
            _tract_in(rng, parent, home[rows], tracts),
            rng.choice(tracts, len(rows)),
        ),
        np.where(level < 0.99, rng.choice(districts, len(rows)), 0),
    )
    # One entry per (organisation, area).
    key = rows * n_areas + cols
    _, first = np.unique(key, return_index=True)
    rows, cols = rows[first], cols[first]
    shares = rng.dirichlet(np.ones(8), size=n)[rows, np.arange(len(rows)) % 8]
    shares = np.where(rng.random(len(rows)) < 0.25, np.nan, shares)
    populations = {}
    for kind, size, per in (("age", AGES, 3), ("income", INCOMES, 2), ("group", GROUPS, 2)):
        k = rng.integers(0, per + 1, n)  # some organisations record nothing of this kind
        p_rows = np.repeat(np.arange(n), k)
        p_cols = rng.integers(0, size, len(p_rows))
        key = p_rows * size + p_cols
        _, first = np.unique(key, return_index=True)
        p_rows, p_cols = p_rows[first], p_cols[first]
        p_shares = np.where(rng.random(len(p_rows)) < 0.5, np.nan, rng.random(len(p_rows)))
        if kind == "group":
            p_shares = np.full(len(p_rows), np.nan)
        populations[kind] = (p_rows, p_cols, p_shares, size)
    reach = np.round(rng.lognormal(7, 1.2, n))
    reach[rng.random(n) < 0.1] = np.nan
    return {
        "n": n,
        "rows": rows,
        "cols": cols,
        "shares": shares,
        "populations": populations,
        "reach": reach,
        "sectors": rng.integers(0, SECTORS, n),
    }


def _tract_in(rng, parent, district, tracts):
    """A random tract inside each given district."""
    ordered = tracts[np.argsort(parent[tracts], kind="stable")]
    counts = np.bincount(parent[tracts], minlength=len(parent))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pick = np.floor(rng.random(len(district)) * counts[district]).astype(np.int64)
    return ordered[starts[district] + pick]


# --- civicloop: sparse matrices ------------------------------------------------------------


def with_matrices(reg: dict, parent: np.ndarray, question: dict) -> tuple:
    """From the triples to the top 10, as `civicloop.table.missing` does it."""
    leaves, leaf_ids = overlap.leaf_matrix(parent)
    areas = overlap.distribution(
        reg["rows"], reg["cols"], reg["shares"], (reg["n"], len(parent)), complete=False
    )
    focus = overlap.area_focus(leaves, np.isin(leaf_ids, question["focus_leaves"]))
    wanted = []
    for kind in ("age", "income", "group"):
        r, c, s, size = reg["populations"][kind]
        matrix = overlap.distribution(r, c, s, (reg["n"], size), complete=True)
        wanted.append(overlap.Wanted(matrix, question["wanted"][kind], tags=kind == "group"))
    fills = np.isin(reg["sectors"], question["gaps"])
    scores = overlap.missing_scores(areas, focus, wanted, reg["reach"], fills)
    exclude = np.zeros(reg["n"], dtype=bool)
    exclude[question["seated"]] = True
    return scores, scores.top(10, exclude)


def network_with_matrices(reg: dict, parent: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """From the triples to the overlap of every pair of the chosen organisations."""
    tree = overlap.Tree.build(parent)
    index = np.full(reg["n"], -1)
    index[chosen] = np.arange(len(chosen))
    keep = index[reg["rows"]] >= 0
    areas = overlap.distribution(
        index[reg["rows"][keep]],
        reg["cols"][keep],
        reg["shares"][keep],
        (len(chosen), len(parent)),
        complete=False,
    )
    r, c, s, size = reg["populations"]["income"]
    keep = index[r] >= 0
    income = overlap.distribution(
        index[r[keep]], c[keep], s[keep], (len(chosen), size), complete=True
    )
    return overlap.overlap_matrix(tree, areas, [income])


# --- the per-pair Python it is measured against -------------------------------------------


def _fill(entries: list[tuple[int, float]], complete: bool) -> dict[int, float]:
    known = sum(s for _, s in entries if not math.isnan(s))
    unknown = sum(1 for _, s in entries if math.isnan(s))
    fill = max(0.0, 1.0 - known) / unknown if unknown else 0.0
    out: dict[int, float] = defaultdict(float)
    for col, s in entries:
        out[col] += fill if math.isnan(s) else s
    total = sum(out.values())
    if complete:
        scale = 1.0 / total if total > 0 else 0.0
    else:
        scale = 1.0 / total if total > 1.0 else 1.0
    return {col: v * scale for col, v in out.items()}


def per_pair_missing(reg: dict, parent: np.ndarray, question: dict) -> dict:
    n = reg["n"]
    children: dict[int, list[int]] = defaultdict(list)
    for area, up in enumerate(parent.tolist()):
        if up >= 0:
            children[up].append(area)

    def leaves_under(area: int) -> list[int]:
        kids = children.get(area)
        if not kids:
            return [area]
        return [leaf for kid in kids for leaf in leaves_under(kid)]

    under = {a: leaves_under(a) for a in range(len(parent))}
    focus = set(question["focus_leaves"].tolist())
    by_org: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for r, c, s in zip(
        reg["rows"].tolist(), reg["cols"].tolist(), reg["shares"].tolist(), strict=True
    ):
        by_org[r].append((c, s))
    pops: dict[str, dict[int, list[tuple[int, float]]]] = {}
    for kind, (r, c, s, _size) in reg["populations"].items():
        pops[kind] = defaultdict(list)
        for a, b, x in zip(r.tolist(), c.tolist(), s.tolist(), strict=True):
            pops[kind][a].append((b, x))
    known = [x for x in reg["reach"].tolist() if not math.isnan(x)]
    typical = float(np.median(known)) if known else 1.0
    gaps = set(question["gaps"].tolist())
    out = {"area_share": [], "population": [], "families": [], "score": []}
    for org in range(n):
        shares = _fill(by_org.get(org, []), complete=False)
        area_share = 0.0
        for area, share in shares.items():
            leaves = under[area]
            inside = sum(1 for leaf in leaves if leaf in focus)
            area_share += share * inside / len(leaves)
        match = 1.0
        for kind in ("age", "income", "group"):
            wanted = question["wanted"][kind]
            entries = pops[kind].get(org, [])
            dist = _fill(entries, complete=True)
            inside = sum(v for col, v in dist.items() if wanted[col])
            if kind == "group":
                match *= 1.0 if inside > 0 else overlap.UNKNOWN_MATCH
            else:
                match *= inside if sum(dist.values()) > 0 else overlap.UNKNOWN_MATCH
        reach = reg["reach"][org]
        reach = typical if math.isnan(reach) else reach
        families = reach * area_share * match
        bonus = 1.0 + overlap.GAP_BONUS if reg["sectors"][org] in gaps else 1.0
        out["area_share"].append(area_share)
        out["population"].append(match)
        out["families"].append(families)
        out["score"].append(area_share * match * math.log10(1.0 + families) * bonus)
    seated = set(question["seated"].tolist())
    ranked = sorted(
        (o for o in range(n) if o not in seated and out["score"][o] > 0),
        key=lambda o: (-out["score"][o], o),
    )
    return {k: np.array(v) for k, v in out.items()} | {"top": np.array(ranked[:10])}


def per_pair_network(reg: dict, parent: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    children: dict[int, list[int]] = defaultdict(list)
    for area, up in enumerate(parent.tolist()):
        if up >= 0:
            children[up].append(area)

    def leaves_under(area: int) -> list[int]:
        kids = children.get(area)
        return [area] if not kids else [leaf for kid in kids for leaf in leaves_under(kid)]

    wanted = set(chosen.tolist())
    by_org: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for r, c, s in zip(
        reg["rows"].tolist(), reg["cols"].tolist(), reg["shares"].tolist(), strict=True
    ):
        if r in wanted:
            by_org[r].append((c, s))
    r_, c_, s_, _ = reg["populations"]["income"]
    incomes: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for a, b, x in zip(r_.tolist(), c_.tolist(), s_.tolist(), strict=True):
        if a in wanted:
            incomes[a].append((b, x))
    leaf_shares, income = [], []
    for org in chosen.tolist():
        spread: dict[int, float] = defaultdict(float)
        for area, share in _fill(by_org.get(org, []), complete=False).items():
            leaves = leaves_under(area)
            for leaf in leaves:
                spread[leaf] += share / len(leaves)
        leaf_shares.append(dict(spread))
        income.append(_fill(incomes.get(org, []), complete=True))
    n = len(chosen)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a, b = leaf_shares[i], leaf_shares[j]
            if len(a) > len(b):
                a, b = b, a
            bc = sum(math.sqrt(v * b[k]) for k, v in a.items() if k in b)
            if income[i] and income[j]:
                bc *= sum(
                    math.sqrt(v * income[j][k]) for k, v in income[i].items() if k in income[j]
                )
            else:
                bc *= overlap.UNKNOWN_MATCH
            out[i, j] = out[j, i] = bc
    return out


# --- running it ------------------------------------------------------------------------------


def timed(fn: Callable, repeat: int) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=float, default=50_000)
    parser.add_argument("--network", type=int, default=500)
    args = parser.parse_args()
    n = int(args.organisations)
    parent = make_areas()
    print(f"generating a registry of {n:,} organisations over {len(parent):,} areas...", flush=True)
    reg = make_registry(n, parent)
    print(f"  {len(reg['rows']):,} footprint entries", flush=True)
    rng = np.random.default_rng(7)
    focus_districts = np.array([1, 2, 3])
    question = {
        "focus_leaves": np.flatnonzero(np.isin(parent, focus_districts)),
        "wanted": {
            "age": np.array([1, 1, 0, 0, 0, 0]),
            "income": np.array([1, 1, 0]),
            "group": np.array([1, 0, 0, 0, 0, 0, 0]),
        },
        "seated": rng.choice(n, 60, replace=False),
        "gaps": np.array([4, 6]),
    }

    fast_s, (scores, top) = timed(lambda: with_matrices(reg, parent, question), 5)
    slow_s, slow = timed(lambda: per_pair_missing(reg, parent, question), 1)
    worst = max(
        float(np.max(np.abs(getattr(scores, k) - slow[k])))
        for k in ("area_share", "population", "families", "score")
    )
    assert worst < 1e-9, f"the two ways disagree by {worst}"
    assert list(top) == list(slow["top"]), (top, slow["top"])
    print(f"\nwho is missing, one result, {n:,} organisations")
    print(f"{'civicloop (sparse)':>24}: {fast_s:8.3f} s   (goal < 1 s)")
    print(f"{'per-pair Python':>24}: {slow_s:8.3f} s")
    print(f"  same numbers (largest difference {worst:.1e}) and the same top 10")
    print(f"speed-up over per-pair Python: {slow_s / fast_s:7.1f}x   (goal >= 50x)")

    chosen = np.sort(rng.choice(n, args.network, replace=False))
    net_fast_s, weights = timed(lambda: network_with_matrices(reg, parent, chosen), 5)
    net_slow_s, slow_weights = timed(lambda: per_pair_network(reg, parent, chosen), 1)
    worst = float(np.max(np.abs(weights - slow_weights)))
    assert worst < 1e-9, f"the two ways disagree by {worst}"
    pairs = args.network * (args.network - 1) // 2
    print(f"\nshared-families network, {args.network} organisations ({pairs:,} pairs)")
    print(f"{'civicloop (sparse)':>24}: {net_fast_s:8.3f} s")
    print(f"{'per-pair Python':>24}: {net_slow_s:8.3f} s")
    print(f"  same numbers (largest difference {worst:.1e})")
    print(f"speed-up over per-pair Python: {net_slow_s / net_fast_s:7.1f}x   (goal >= 50x)")

    def measures():
        graph = nx.Graph()
        graph.add_nodes_from(range(len(chosen)))
        i, j = np.nonzero(np.triu(weights >= 0.5 * weights.max(), 1))
        graph.add_weighted_edges_from(
            (int(a), int(b), 1.0 / float(weights[a, b])) for a, b in zip(i, j, strict=True)
        )
        return graph, nx.betweenness_centrality(graph, weight="weight")

    nx_s, (graph, _) = timed(measures, 1)
    print(
        f"  networkx degree and betweenness on its {graph.number_of_edges():,} strongest links: "
        f"{nx_s:.3f} s"
    )


if __name__ == "__main__":
    main()
