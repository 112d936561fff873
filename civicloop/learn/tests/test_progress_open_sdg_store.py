"""Open SDG progress on an imported repository: one row per Open SDG indicator, with
every component, as ``civicloop learn progress --method open-sdg --json`` lists them.

The repository is written here in Open SDG's own layout and goes through the real
importer, so these tests follow the importer's representation (series split into
indicators, compound disaggregations) rather than a copy of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from civicloop.learn import store
from civicloop.measure.opensdg import import_open_sdg
from civicloop.results.models import Collaborative


def growth(v1, v0, years):
    return (v1 / v0) ** (1 / years) - 1


def meta(body: str) -> str:
    return "---\nreporting_status: complete\n" + body + "---\n"


FILES = {
    # Two series, no target, lower is better: the mean of -3.85 and -3.70.
    "data/indicator_3-5-2.csv": (
        "Year,Series,Value\n"
        "2015,Aged 12 to 17 years,100\n"
        "2020,Aged 12 to 17 years,105.5\n"
        "2015,Aged 18 years and over,100\n"
        "2020,Aged 18 years and over,104.9\n"
    ),
    "meta/3-5-2.md": meta(
        "indicator_name: Substance use\n"
        "auto_progress_calculation: true\n"
        "progress_calculation_options:\n"
        "- series: Aged 12 to 17 years\n  direction: negative\n"
        "- series: Aged 18 years and over\n  direction: negative\n"
    ),
    # No headline: the options name a disaggregation combination.
    "data/indicator_4-1-1.csv": (
        "Year,Sex,Age group,Value\n"
        "2015,Both sexes,Ages 5 to 17,50\n"
        "2020,Both sexes,Ages 5 to 17,60\n"
        "2015,Female,Ages 5 to 17,52\n"
        "2020,Female,Ages 5 to 17,63\n"
    ),
    "meta/4-1-1.md": meta(
        "indicator_name: Reading proficiency\n"
        "auto_progress_calculation: true\n"
        "progress_calculation_options:\n"
        "- disaggregation:\n"
        "  - field: Sex\n    value: Both sexes\n"
        "  - field: Age group\n    value: Ages 5 to 17\n"
        "  direction: positive\n  target: 80\n  target_year: 2030\n"
    ),
    # One data point.
    "data/indicator_6-1-1.csv": "Year,Value\n2019,42\n",
    "meta/6-1-1.md": meta(
        "indicator_name: Safe water\nauto_progress_calculation: true\n"
        "progress_calculation_options:\n- direction: positive\n"
    ),
    # A target without a year.
    "data/indicator_3-1-1.csv": "Year,Value\n2015,50\n2020,60\n",
    "meta/3-1-1.md": meta(
        "indicator_name: Skilled birth attendance\nauto_progress_calculation: true\n"
        "progress_calculation_options:\n- direction: positive\n  target: 80\n"
    ),
    # Progress set by hand.
    "data/indicator_8-1-1.csv": "Year,Value\n2015,1\n2020,2\n",
    "meta/8-1-1.md": meta("indicator_name: Growth\nprogress_status: limited_progress\n"),
}


@pytest.fixture
def collab(tmp_path, db) -> Collaborative:
    folder = tmp_path / "sdg-data"
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report = import_open_sdg(Path(folder), "sdg-city")
    assert report.applied, "\n".join(map(str, report.problems))
    return Collaborative.objects.get(slug="sdg-city")


def rows_of(collab) -> dict[str, dict]:
    rows = store.progress(collab, method="open-sdg")
    as_json = json.loads(json.dumps([r.as_dict() for r in rows]))
    return {r["open_sdg_id"]: r for r in as_json}


def test_every_open_sdg_indicator_has_one_row_with_its_components(collab):
    rows = rows_of(collab)
    assert set(rows) == {"3-5-2", "4-1-1", "6-1-1", "3-1-1", "8-1-1"}

    two = rows["3-5-2"]
    first = 125 * -growth(105.5, 100, 5) - 2.5
    second = 125 * -growth(104.9, 100, 5) - 2.5
    assert sorted(two["indicators"]) == [
        "3-5-2--aged-12-to-17-years",
        "3-5-2--aged-18-years-and-over",
    ]
    assert two["indicator"] == "3-5-2"
    assert [c["score"] for c in two["components"]] == pytest.approx([first, second])
    assert two["score"] == pytest.approx((first + second) / 2)
    assert two["status"] == "deterioration"
    assert [c["selector"]["series"] for c in two["components"]] == [
        "Aged 12 to 17 years",
        "Aged 18 years and over",
    ]
    assert "the mean of 2" in two["sentence"] and "-3.77" in two["sentence"]


def test_a_disaggregation_combination_gets_a_status(collab):
    row = rows_of(collab)["4-1-1"]
    (component,) = row["components"]
    value = growth(60, 50, 5) / growth(80, 50, 15)
    assert component["selector"]["disaggregation"] == [
        {"field": "Sex", "value": "Both sexes"},
        {"field": "Age group", "value": "Ages 5 to 17"},
    ]
    assert component["progress_value"] == pytest.approx(value)
    assert (component["base_year"], component["current_year"]) == (2015, 2020)
    assert row["status"] == "substantial_progress"
    assert row["score"] == pytest.approx(7.1429 * value - 4.2857)


def test_a_single_data_point_is_listed_as_not_available(collab):
    row = rows_of(collab)["6-1-1"]
    assert row["status"] == "not_available" and row["score"] is None
    assert "one year of data" in row["words"] and "one year of data" in row["sentence"]


def test_the_2030_assumption_is_reported_where_it_is_made(collab):
    row = rows_of(collab)["3-1-1"]
    assumption = "no target year given: Open SDG assumes 2030"
    assert row["components"][0]["assumptions"] == [assumption]
    assert row["assumptions"] == [assumption]
    assert row["target_year"] == 2030 and assumption in row["sentence"]
    value = growth(60, 50, 5) / growth(80, 50, 15)
    assert row["progress_value"] == pytest.approx(value)


def test_a_status_set_by_hand_is_shown_as_such(collab):
    row = rows_of(collab)["8-1-1"]
    assert row["automatic"] is False and row["status"] == "limited_progress"
    assert row["components"] == [] and "set by hand" in row["words"]


def test_the_command_lists_the_components(collab, workspace_dir, monkeypatch):
    from typer.testing import CliRunner

    from civicloop.cli import app

    monkeypatch.setenv("CIVICLOOP_WORKSPACE", str(workspace_dir))
    run = CliRunner().invoke
    out = run(app, ["learn", "progress", "--method", "open-sdg", "--json", "-c", "sdg-city"])
    assert out.exit_code == 0, out.output
    rows = {r["open_sdg_id"]: r for r in json.loads(out.output)}
    assert len(rows["3-5-2"]["components"]) == 2
    out = run(
        app,
        ["learn", "progress", "--method", "open-sdg", "-c", "sdg-city"],
        env={"COLUMNS": "200"},
    )
    assert out.exit_code == 0, out.output
    assert "Aged 12 to 17 years" in out.output
    assert "Open SDG assumes 2030" in out.output


def test_a_civicloop_indicator_without_a_target_period(db):
    """The same indicator, both methods: Open SDG assumes 2030 and says so; civicloop's
    own method does not assume a deadline, so it is not available."""
    from civicloop.results.models import Area, Indicator, Period, Result, Series

    city = Collaborative.objects.create(slug="plain", name="Plain", city="Plain")
    area = Area.objects.create(collaborative=city, name="Plain", code="plain", level="city")
    result = Result.objects.create(collaborative=city, slug="r", title="R")
    ind = Indicator.objects.create(
        result=result,
        slug="graduation",
        name="Graduation rate",
        unit="%",
        unit_kind="percent",
        direction="higher",
        frequency="year",
        target_value=80,
    )
    series = Series.objects.create(indicator=ind, area=area)
    for year, value in ((2015, 50.0), (2017, 55.0), (2019, 58.0), (2020, 60.0)):
        series.observations.create(period=Period.get(str(year)), value=value)

    (sdg,) = store.progress(city, method="open-sdg")
    assert sdg.target_year == 2030 and sdg.status != "not_available"
    assert sdg.assumptions == ["no target year given: Open SDG assumes 2030"]
    assert "Open SDG assumes 2030" in sdg.sentence
    value = growth(60, 50, 5) / growth(80, 50, 15)
    assert sdg.progress_value == pytest.approx(value)

    (own,) = store.progress(city, method="civicloop")
    assert own.status == "not_available"
