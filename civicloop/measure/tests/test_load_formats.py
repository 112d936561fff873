"""Excel, wide files with a remembered mapping, data packages, quarantine and rollback."""

from __future__ import annotations

import json

import openpyxl
import pytest

from civicloop.measure.loads import LoadError, RollbackError, load_file, rollback
from civicloop.measure.models import LoadStatus, QuarantinedRow, Source
from civicloop.results.models import Indicator, Observation, Revision, Series

pytestmark = pytest.mark.django_db


def value_of(riverton, indicator, area, period, group=None):
    qs = Observation.objects.filter(
        series__indicator__result__collaborative=riverton,
        series__indicator__slug=indicator,
        series__area__code=area,
        period__label=period,
    )
    qs = qs.filter(series__group__slug=group) if group else qs.filter(series__group__isnull=True)
    obs = qs.first()
    return obs.value if obs else None


def test_an_excel_workbook_loads_like_a_csv(tmp_path, riverton):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Indicator", "Area", "Period", "Value"])
    sheet.append(["well-child-visits", "n-harbor", 2025, 80.5])
    sheet.append(["well-child-visits", "n-cedar", "2025", 79])
    book.save(tmp_path / "partner.xlsx")
    report = load_file(tmp_path / "partner.xlsx", riverton)
    assert report.status == LoadStatus.APPLIED, report.problems
    assert value_of(riverton, "well-child-visits", "n-harbor", "2025") == 80.5
    assert value_of(riverton, "well-child-visits", "n-cedar", "2025") == 79


def test_a_wide_file_with_periods_as_columns_and_its_mapping_is_remembered(tmp_path, riverton):
    source = Source.objects.create(collaborative=riverton, name="Schools spreadsheet")
    mapping = {
        "columns": {"Neighbourhood": "area"},
        "constants": {"indicator": "chronic-absence"},
        "wide": "periods",
    }
    (tmp_path / "absence.csv").write_text(
        "Neighbourhood,2023-24,2024-25\nHarbor Point,20.5,19.0\nCedar Hill,,18.25\n"
    )
    report = load_file(tmp_path / "absence.csv", riverton, source=source, mapping=mapping)
    assert report.status == LoadStatus.APPLIED, report.problems
    assert report.rows_total == 3  # the empty cell is no observation
    assert value_of(riverton, "chronic-absence", "n-cedar", "2024-25") == 18.25
    source.refresh_from_db()
    assert source.mapping["wide"] == "periods"
    # Next month's file from the same source needs no mapping.
    (tmp_path / "absence-2.csv").write_text("Neighbourhood,2024-25\nHarbor Point,18.5\n")
    again = load_file(tmp_path / "absence-2.csv", riverton, source=source)
    assert again.rows_changed == 1
    assert value_of(riverton, "chronic-absence", "n-harbor", "2024-25") == 18.5


def test_problems_in_a_wide_file_name_the_period_column(tmp_path, riverton):
    mapping = {
        "columns": {"Area": "area"},
        "constants": {"indicator": "chronic-absence"},
        "wide": "periods",
    }
    (tmp_path / "w.csv").write_text("Area,2023-24,2024-25\nHarbor Point,20.5,lots\n")
    report = load_file(tmp_path / "w.csv", riverton, mapping=mapping)
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "2024-25", "'lots' is not a number")
    ]


def test_a_mapping_that_does_not_fit_is_one_clear_error(tmp_path, riverton):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(LoadError, match="missing column"):
        load_file(tmp_path / "x.csv", riverton)
    with pytest.raises(LoadError, match="'Ward'"):
        load_file(tmp_path / "x.csv", riverton, mapping={"columns": {"Ward": "area"}})


def test_a_frictionless_data_package(tmp_path, riverton):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "obs.csv").write_text(
        "indicator,area,period,value\nchild-poverty,s-clinton,2025,31.5\n"
    )
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [{"name": "obs", "path": "data/obs.csv"}]})
    )
    report = load_file(tmp_path / "datapackage.json", riverton)
    assert report.status == LoadStatus.APPLIED, report.problems
    assert value_of(riverton, "child-poverty", "s-clinton", "2025") == 31.5


def test_a_unit_that_does_not_match_the_indicator_is_refused(tmp_path, riverton):
    (tmp_path / "u.csv").write_text(
        "indicator,area,period,value,unit\nchild-poverty,riverton,2025,20,%\n"
        "child-poverty,n-harbor,2025,20,children\n"
    )
    report = load_file(tmp_path / "u.csv", riverton, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(3, "unit")]


def test_quarantine_applies_the_sound_rows_and_keeps_the_others(tmp_path, riverton):
    # A negative share is refused by the indicator's own lower limit, not by its unit.
    Indicator.objects.filter(result__collaborative=riverton, slug="child-poverty").update(
        lower_bound=0
    )
    (tmp_path / "q.csv").write_text(
        "indicator,area,period,value\n"
        "child-poverty,n-harbor,2025,21.5\n"
        "child-poverty,atlantis,2025,20\n"
        "child-poverty,n-cedar,2025,-4\n"
    )
    report = load_file(tmp_path / "q.csv", riverton, on_problems="quarantine")
    assert report.status == LoadStatus.PARTIAL
    assert (report.rows_changed, report.rows_quarantined) == (1, 2)
    kept = QuarantinedRow.objects.filter(load=report.load).order_by("row")
    assert [q.row for q in kept] == [3, 4]
    assert kept[0].values["area"] == "atlantis" and "unknown area" in kept[0].problems[0]["message"]


def test_a_load_rolls_back_as_a_whole_and_leaves_history(tmp_path, riverton, alice, bob):
    before = value_of(riverton, "child-poverty", "n-harbor", "2025")
    (tmp_path / "r.csv").write_text(
        "indicator,area,dimension,group,period,value\n"
        f"child-poverty,n-harbor,,,2025,{before + 2}\n"
        "child-poverty,n-harbor,race-ethnicity,black,2025,33\n"
    )
    # alice (backbone) loads: child poverty has no steward, so a chair may not write it;
    # bob, the chair, undoes the load.
    report = load_file(tmp_path / "r.csv", riverton, user=alice)
    assert (report.rows_created, report.rows_changed) == (1, 1)
    version = Series.objects.get(
        indicator__slug="child-poverty",
        indicator__result__collaborative=riverton,
        area__code="n-harbor",
        group__isnull=True,
    ).version
    result = rollback(report.load, user=bob)
    assert result == {"removed": 1, "restored": 1}
    assert value_of(riverton, "child-poverty", "n-harbor", "2025") == before
    assert value_of(riverton, "child-poverty", "n-harbor", "2025", "black") is None
    report.load.refresh_from_db()
    assert report.load.status == LoadStatus.ROLLED_BACK
    trail = Revision.objects.filter(
        observation__series__area__code="n-harbor",
        observation__series__indicator__slug="child-poverty",
        observation__series__group__isnull=True,
        observation__period__label="2025",
    ).order_by("changed_at", "id")
    assert [(r.old_value, r.new_value) for r in trail] == [
        (before, before + 2),
        (before + 2, before),
    ]
    assert "rollback" in trail.last().reason
    series = Series.objects.get(
        indicator__slug="child-poverty",
        indicator__result__collaborative=riverton,
        area__code="n-harbor",
        group__isnull=True,
    )
    assert series.version == version + 1
    with pytest.raises(RollbackError, match="nothing to undo"):
        rollback(report.load)


def test_a_rollback_that_would_discard_a_later_load_is_refused(tmp_path, riverton):
    (tmp_path / "a.csv").write_text("indicator,area,period,value\nchild-poverty,n-cedar,2025,10\n")
    (tmp_path / "b.csv").write_text("indicator,area,period,value\nchild-poverty,n-cedar,2025,11\n")
    first = load_file(tmp_path / "a.csv", riverton)
    second = load_file(tmp_path / "b.csv", riverton)
    with pytest.raises(RollbackError, match=f"#{second.load.pk}"):
        rollback(first.load)
    assert value_of(riverton, "child-poverty", "n-cedar", "2025") == 11
    rollback(second.load)
    rollback(first.load)
    assert value_of(riverton, "child-poverty", "n-cedar", "2025") not in (10, 11)
