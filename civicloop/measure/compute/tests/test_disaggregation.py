"""The shape of the result: the cube of areas x each disaggregation dimension, with totals."""

from __future__ import annotations

from collections import Counter, defaultdict

import pyarrow as pa
import pytest

from civicloop.measure.compute import ALL_AREAS, MISSING, TOTAL, DefinitionError, compute
from civicloop.measure.compute.tests.records import CHANNELS, NEIGHBOURHOODS, REQUEST_TYPES

DEFINITION = {
    "name": "requests",
    "measure": "count",
    "period": {"column": "opened", "grain": "year"},
    "area": "neighbourhood",
    "disaggregate": ["request_type", "channel"],
}


@pytest.fixture(scope="module")
def rows(records: pa.Table) -> list[dict]:
    return compute(DEFINITION, records).to_pylist()


def test_every_period_has_the_cube_in_order(rows: list[dict]) -> None:
    areas = [ALL_AREAS, *sorted(NEIGHBOURHOODS), MISSING]
    groups = {
        TOTAL: [TOTAL],
        "request_type": [*sorted(REQUEST_TYPES), MISSING],
        "channel": sorted(CHANNELS),
    }
    expected = [(a, d, g) for a in areas for d, values in groups.items() for g in values]
    for period in ("2022", "2023", "2024"):
        got = [(r["area"], r["dimension"], r["group"]) for r in rows if r["period"] == period]
        # Combinations without records have no row; all the others are there, in order.
        assert got == [cell for cell in expected if cell in got]
        assert len(got) > 0.9 * len(expected)
        assert all((area, TOTAL, TOTAL) in got for area in areas)
        assert all((ALL_AREAS, d, g) in got for d, values in groups.items() for g in values)


def test_groups_add_up_to_their_totals(rows: list[dict]) -> None:
    totals = {(r["period"], r["area"]): r["value"] for r in rows if r["dimension"] == TOTAL}
    by_dimension: dict[tuple, float] = defaultdict(float)
    by_area: dict[tuple, float] = defaultdict(float)
    for r in rows:
        if r["dimension"] != TOTAL:
            by_dimension[(r["period"], r["area"], r["dimension"])] += r["value"]
        elif r["area"] != ALL_AREAS:
            by_area[r["period"]] += r["value"]
    for (period, area, _), value in by_dimension.items():
        assert value == totals[(period, area)]
    for period, value in by_area.items():
        assert value == totals[(period, ALL_AREAS)]


def test_counts_match_the_records(rows: list[dict], records: pa.Table) -> None:
    years = [d.year for d in records["opened"].to_pylist()]
    pairs = Counter(
        zip(
            years, records["neighbourhood"].to_pylist(), records["channel"].to_pylist(), strict=True
        )
    )
    row = next(
        r for r in rows if (r["period"], r["area"], r["group"]) == ("2023", "Midtown", "app")
    )
    assert row["value"] == pairs[(2023, "Midtown", "app")] == row["n_records"]


def test_without_area_or_dimensions_there_is_one_row_per_period(records: pa.Table) -> None:
    rows = compute({"name": "n", "measure": "count", "period": "opened"}, records).to_pylist()
    assert {(r["area"], r["dimension"], r["group"]) for r in rows} == {(ALL_AREAS, TOTAL, TOTAL)}
    assert sum(r["value"] for r in rows) == records.num_rows


@pytest.mark.parametrize(
    ("disaggregate", "message"),
    [
        (["days_to_close"], "bin numbers first"),
        (["request_type", "request_type"], "listed twice"),
        (["neighbourhood"], "already the area column"),
    ],
)
def test_bad_dimensions_are_refused(records: pa.Table, disaggregate: list, message: str) -> None:
    definition = {**DEFINITION, "disaggregate": disaggregate}
    with pytest.raises(DefinitionError) as error:
        compute(definition, records)
    assert any(message in problem for problem in error.value.problems.values())
