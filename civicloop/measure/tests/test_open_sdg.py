"""Open SDG repositories import as a collaborative, all or nothing, and export back."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import yaml

from civicloop.measure.opensdg import export_open_sdg, import_open_sdg, read_repository
from civicloop.results.models import (
    Area,
    Collaborative,
    Dimension,
    Group,
    Indicator,
    Observation,
    Result,
    Series,
)

POVERTY_META = """---
indicator_number: 1.2.1
indicator_name: Proportion of population living below the poverty line
computation_units: '%'
graph_title: Population below the poverty line
reporting_status: complete
data_non_statistical: false
national_geographical_coverage: Riverbend
---
Share of residents whose household income is below the official poverty line.
"""
MORTALITY_META = """---
indicator_number: 3.2.1
indicator_name: Under-5 mortality rate
graph_title: Under-5 mortality rate
reporting_status: complete
national_geographical_coverage: Riverbend
progress_calculation_options:
- direction: negative
  target: 25
---
"""
LITERACY_META = """---
indicator_number: 4.1.1
indicator_name: Proportion of children achieving minimum proficiency in reading
computation_units: Percentage
reporting_status: complete
auto_progress_calculation: true
progress_calculation_options:
- direction: positive
  target: 100
  target_year: 2030
  base_year: 2016
  limit: 100
---
Children at the end of primary school.
"""
FILES = {
    "data/indicator_1-2-1.csv": "Year,Value\n2015,21.5\n2016,20.25\n2017,19\n",
    "meta/1-2-1.md": POVERTY_META,
    "data/indicator_3-2-1.csv": (
        "Year,Units,Sex,Age,Value\n"
        "2015,Per 1000 live births,,,30.1\n"
        "2016,Per 1000 live births,,,29.4\n"
        "2015,Per 1000 live births,Female,,28\n"
        "2015,Per 1000 live births,Male,,32.2\n"
        "2016,Per 1000 live births,Female,,27.5\n"
        "2016,Per 1000 live births,Male,,31.3\n"
        "2015,Per 1000 live births,Female,Under 1,20\n"
        "2015,Per 1000 live births,Male,Under 1,24.5\n"
        "2015,Per 1000 live births,,Under 1,22.2\n"
    ),
    "meta/3-2-1.md": MORTALITY_META,
    "data/indicator_4-1-1.csv": "Year,Value\n2015,58.5\n2016,60\n2017,61.75\n2018,63\n",
    "meta/4-1-1.md": LITERACY_META,
}


def write_repository(folder: Path, files: dict[str, str] = FILES) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def repository(tmp_path):
    return write_repository(tmp_path / "riverbend-sdg")


def imported(report):
    assert report.applied, "\n".join(map(str, report.problems))
    return Collaborative.objects.get(slug=report.collaborative)


def indicator(collab, slug) -> Indicator:
    return Indicator.objects.get(result__collaborative=collab, slug=slug)


def read_csv(path: Path) -> tuple[list[str], Counter]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    value = header.index("Value")
    normal = Counter(
        tuple(float(c) if i == value else c for i, c in enumerate(row)) for row in rows[1:]
    )
    return header, normal


def read_meta(path: Path) -> tuple[dict, str]:
    _before, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body.strip()


def test_the_round_trip_gives_back_the_same_rows_values_and_metadata(repository, db, tmp_path):
    report = import_open_sdg(repository, "riverbend-sdg")
    collab = imported(report)
    out = tmp_path / "exported"
    exported = export_open_sdg(collab, out)
    assert exported.indicators == 3 and exported.data_files == 3 and exported.rows == 16
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == sorted(FILES)
    for name in FILES:
        if name.startswith("data/"):
            assert read_csv(out / name) == read_csv(repository / name), name
        else:
            assert read_meta(out / name) == read_meta(repository / name), name


def test_indicators_targets_and_progress_settings_come_in(repository, db):
    report = import_open_sdg(repository, "riverbend-sdg")
    assert any("3-2-1" in n and "assumes 2030" in n for n in report.notes)
    collab = imported(report)
    assert collab.name == "Riverbend Sdg" and collab.city == "Riverbend"
    poverty = indicator(collab, "1-2-1")
    assert (poverty.unit_kind, poverty.direction, poverty.decimals) == ("percent", "higher", 2)
    assert poverty.definition.startswith("Share of residents")
    assert poverty.result.slug == "target-1-2" and poverty.result.title == "Target 1.2"
    mortality = indicator(collab, "3-2-1")
    assert (mortality.unit, mortality.unit_kind, mortality.rate_per) == (
        "Per 1000 live births",
        "rate",
        1000,
    )
    assert (mortality.direction, mortality.target_value) == ("lower", 25)
    # Issue 13: Open SDG assumes 2030 for a target with no year; civicloop does not assume
    # it silently: the target period stays empty and the import says so.
    assert mortality.target_period is None
    literacy = indicator(collab, "4-1-1")
    assert (literacy.direction, literacy.target_value, literacy.limit) == ("higher", 100, 100)
    assert (literacy.baseline_period.label, literacy.baseline_value) == ("2016", 60)
    if hasattr(literacy, "progress_options"):
        assert literacy.progress_options[0]["base_year"] == 2016
    source = collab.sources.get(kind="open-sdg")
    kept = source.settings["indicators"]["4-1-1"]["meta"]
    assert kept["progress_calculation_options"][0]["limit"] == 100
    assert kept["auto_progress_calculation"] is True


def test_several_disaggregations_on_one_row_are_a_labelled_cross_classification(repository, db):
    collab = imported(import_open_sdg(repository, "riverbend-sdg"))
    compound = Dimension.objects.get(collaborative=collab, name="Sex × Age")
    assert sorted(compound.groups.values_list("name", flat=True)) == [
        "Female · Under 1",
        "Male · Under 1",
    ]
    sex = Dimension.objects.get(collaborative=collab, name="Sex")
    assert sorted(sex.groups.values_list("name", flat=True)) == ["Female", "Male"]
    obs = Observation.objects.get(
        series__indicator__slug="3-2-1",
        series__group__name="Male · Under 1",
        series__indicator__result__collaborative=collab,
    )
    assert obs.value == 24.5 and obs.period.label == "2015"
    headline = Series.objects.get(indicator=indicator(collab, "3-2-1"), group=None)
    assert headline.area.name == "Riverbend" and headline.observations.count() == 2


def test_a_problem_anywhere_imports_nothing_and_says_where(tmp_path, db):
    files = dict(FILES)
    files["data/indicator_4-1-1.csv"] = "Year,Value\n2015,58.5\n2016,lots\n2017,161.75\n"
    files["data/indicator_1-2-1.csv"] = "Year,Value\n2015,21.5\n2015-13,20\n"
    report = import_open_sdg(write_repository(tmp_path / "bad", files), "bad-sdg")
    assert not report.applied
    found = {(p.file, p.row, p.column) for p in report.problems}
    assert found == {
        ("data/indicator_4-1-1.csv", 3, "Value"),  # not a number
        # 161.75 (row 4) is refused not for being a percentage over 100 (issue 10: a unit
        # never implies a bound) but because 4-1-1 declares a progress limit of 100,
        # which becomes its hard upper limit.
        ("data/indicator_4-1-1.csv", 4, "Value"),
        ("data/indicator_1-2-1.csv", 3, "Year"),
    }
    assert not Collaborative.objects.filter(slug="bad-sdg").exists()
    assert not Dimension.objects.filter(name="Sex × Age").exists()


def test_a_dry_run_reports_and_changes_nothing(repository, db):
    report = import_open_sdg(repository, "riverbend-sdg", dry_run=True)
    assert not report.applied and not report.problems
    assert report.created["indicators"] == 3 and report.rows_created == 16
    assert not Collaborative.objects.filter(slug="riverbend-sdg").exists()


def test_importing_again_changes_nothing(repository, db):
    import_open_sdg(repository, "riverbend-sdg")
    again = import_open_sdg(repository, "riverbend-sdg")
    assert again.applied and again.created == {} and again.indicators_updated == 3
    assert (again.rows_created, again.rows_changed, again.rows_unchanged) == (0, 0, 16)


def test_the_report_names_what_it_assumed(repository, db):
    notes = "\n".join(import_open_sdg(repository, "riverbend-sdg").notes)
    assert "1-2-1: no progress_calculation_options" in notes and "assumed higher" in notes


def test_one_indicator_in_two_units_becomes_two_and_exports_as_one(tmp_path, db):
    files = {
        "data/indicator_5-5-1.csv": (
            "Year,Units,Value\n2019,Number,12\n2020,Number,14\n2019,Percentage,25\n"
            "2020,Percentage,29.5\n"
        ),
        "meta/5-5-1.md": (
            "---\nindicator_name: Seats held by women\nprogress_calculation_options:\n"
            "- unit: Percentage\n  direction: positive\n  target: 50\n---\n"
        ),
    }
    collab = imported(import_open_sdg(write_repository(tmp_path / "units", files), "units-sdg"))
    number, share = indicator(collab, "5-5-1--number"), indicator(collab, "5-5-1--percentage")
    assert (number.unit_kind, share.unit_kind) == ("count", "percent")
    assert number.name == "Seats held by women (Number)"
    assert (share.direction, share.target_value, number.target_value) == ("higher", 50, None)
    export_open_sdg(collab, tmp_path / "out")
    data = tmp_path / "out/data/indicator_5-5-1.csv"
    assert read_csv(data) == read_csv(tmp_path / "units/data/indicator_5-5-1.csv")
    assert read_meta(tmp_path / "out/meta/5-5-1.md") == read_meta(tmp_path / "units/meta/5-5-1.md")


def test_geocodes_are_areas_under_the_headline_area(tmp_path, db):
    files = {
        "data/indicator_11-1-1.csv": "Year,GeoCode,Value\n2020,,7.5\n2020,E01,9\n2020,E02,6\n",
        "meta/11-1-1.md": "---\nindicator_name: Overcrowded homes\ncomputation_units: '%'\n---\n",
    }
    folder = write_repository(tmp_path / "geo", files)
    collab = imported(import_open_sdg(folder, "geo-sdg", city="Riverbend"))
    e01 = Area.objects.get(collaborative=collab, code="E01")
    assert e01.parent.name == "Riverbend" and e01.custom_level == "GeoCode"
    export_open_sdg(collab, tmp_path / "out")
    assert read_csv(tmp_path / "out/data/indicator_11-1-1.csv") == read_csv(
        folder / "data/indicator_11-1-1.csv"
    )


def test_columns_civicloop_cannot_keep_are_named_not_silently_lost(tmp_path, db):
    files = {
        "data/indicator_1-2-1.csv": "Year,COMMENT_OBS,Value\n2015,estimate,21.5\n2016,,\n",
        "meta/1-2-1.md": POVERTY_META,
    }
    report = import_open_sdg(write_repository(tmp_path / "attrs", files), "attrs-sdg")
    collab = imported(report)
    notes = "\n".join(report.notes)
    assert "COMMENT_OBS kept in the archived file but not imported" in notes
    assert "1 row(s) with no Value skipped" in notes
    exported = export_open_sdg(collab, tmp_path / "out")
    assert "1-2-1: column(s) COMMENT_OBS not exported" in exported.notes


def test_a_collaborative_born_in_civicloop_exports_and_comes_back(riverton, tmp_path):
    out = tmp_path / "riverton-sdg"
    report = export_open_sdg(riverton, out, declared_only=True)
    declared = Indicator.objects.filter(result__collaborative=riverton, is_public=True)
    assert report.indicators == declared.count()
    meta, body = read_meta(out / "meta/1-1-1.md")
    first = declared.order_by("result__order", "order").first()
    assert meta["civicloop_slug"] == first.slug and meta["indicator_number"] == "1.1.1"
    assert meta["indicator_name"] == first.name and body == first.definition
    assert meta["progress_calculation_options"][0]["direction"] in ("positive", "negative")
    back = imported(import_open_sdg(out, "riverton-again"))
    again = indicator(back, first.slug)
    assert (again.name, again.direction, again.target_value) == (
        first.name,
        first.direction,
        first.target_value,
    )
    theirs = Observation.objects.filter(series__indicator=first, series__area__code="riverton")
    ours = Observation.objects.filter(series__indicator=again, series__group=None)
    top = Area.objects.get(collaborative=back, parent=None)
    assert ours.filter(series__area=top).count() == theirs.filter(series__group=None).count()
    assert Result.objects.filter(collaborative=back).exists()
    assert Group.objects.filter(dimension__collaborative=back, name="Black").exists()


def test_partners_performance_measures_stay_out_of_the_open_sdg_site(riverton, tmp_path):
    report = export_open_sdg(riverton, tmp_path / "all")
    population = Indicator.objects.filter(result__collaborative=riverton).population()
    assert report.indicators == population.count()
    names = " ".join(p.read_text() for p in (tmp_path / "all" / "meta").glob("*.md"))
    assert "Families facing eviction referred" not in names and "Third-grade" in names


def test_a_folder_that_is_not_open_sdg_is_one_clear_error(tmp_path):
    from civicloop.measure.opensdg import OpenSdgError

    with pytest.raises(OpenSdgError, match="has neither a data/ nor a meta/ folder"):
        read_repository(tmp_path)


def test_broken_front_matter_is_a_problem_with_its_line(tmp_path, db):
    files = dict(FILES)
    files["meta/1-2-1.md"] = "---\nindicator_name: [unclosed\n---\n"
    report = import_open_sdg(write_repository(tmp_path / "broken", files), "broken-sdg")
    assert not report.applied
    assert [(p.file, p.row) for p in report.problems] == [("meta/1-2-1.md", 3)]


def test_the_commands_import_and_export(repository, tmp_path, workspace_dir, monkeypatch, db):
    from typer.testing import CliRunner

    from civicloop.cli import CliError, app

    monkeypatch.setenv("CIVICLOOP_WORKSPACE", str(workspace_dir))
    run = CliRunner().invoke
    out = run(app, ["import", "open-sdg", str(repository), "-c", "rb"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "created collaborative: 1, areas: 1, results: 3, indicators: 3" in out.output
    out = run(app, ["export", "open-sdg", str(tmp_path / "out"), "-c", "rb"])
    assert out.exit_code == 0 and "Wrote 3 indicator(s), 3 data file(s), 16 row(s)" in out.output
    bad = write_repository(tmp_path / "bad", {**FILES, "data/indicator_1-2-1.csv": "Year\n2015\n"})
    out = run(app, ["import", "open-sdg", str(bad), "-c", "bad"], env={"COLUMNS": "200"})
    assert "problem: data/indicator_1-2-1.csv row 1, Value: no Value column" in out.output
    assert isinstance(out.exception, CliError)
    assert str(out.exception) == "nothing imported: 1 problem(s), listed above"


def test_rows_that_differ_only_in_a_fourth_column_are_different_observations(tmp_path, db):
    files = {
        "data/indicator_1-3-1.csv": (
            "Year,Series,Units,Age group and family type,Statistics,Geography,GeoCode,Value\n"
            "2017-2019,Poverty,Percent,Children,Rate,Ward,E01,12.5\n"
            "2017-2019,Poverty,Percent,Children,Rate,City,,11\n"
            "2017-2019,Poverty,Percent,Children,Count,City,,-16.94\n"
            "2014/15,Poverty,Percent,Children,Rate,City,,104\n"
            "2021-2022*,Poverty,Percent,,,,,150\n"
            "2015-16,Poverty,Percent,Children,Rate,City,,9\n"
        ),
        "meta/1-3-1.md": "---\nindicator_name: Poverty\n---\n",
    }
    folder = write_repository(tmp_path / "four", files)
    collab = imported(import_open_sdg(folder, "four-sdg"))
    poverty = indicator(collab, "1-3-1")
    labels = set(
        Observation.objects.filter(series__indicator=poverty).values_list(
            "period__label", flat=True
        )
    )
    assert labels == {"2017-2019", "2014/15", "2021-2022*", "2015-16"}
    assert Observation.objects.filter(series__indicator=poverty).count() == 6
    export_open_sdg(collab, tmp_path / "out")
    assert read_csv(tmp_path / "out/data/indicator_1-3-1.csv") == read_csv(
        folder / "data/indicator_1-3-1.csv"
    )


def test_exact_repeats_are_kept_once_and_conflicting_ones_are_problems(tmp_path, db):
    files = {
        "data/indicator_1-4-1.csv": "Year,Sex,Value\n2020,F,1\n2020,F,1\n2021,F,2\n2021,F,3\n",
    }
    folder = write_repository(tmp_path / "rep", files)
    report = import_open_sdg(folder, "rep-sdg")
    assert [(p.row, p.column) for p in report.problems] == [(5, "Value")]
    assert "row 4 has the same Year" in report.problems[0].message
    kept = import_open_sdg(folder, "rep-sdg", quarantine=True)
    assert kept.applied and kept.rows_created == 2 and kept.rows_quarantined == 1
    assert any("1 row(s) repeat an earlier row exactly" in n for n in kept.notes)


def test_declared_limits_are_the_only_bounds(tmp_path, db):
    files = {
        "data/indicator_2-1-1.csv": "Year,Value\n2020,-5\n2021,120\n",
        "meta/2-1-1.md": (
            "---\ncomputation_units: Percent\ngraph_limits:\n- minimum: 0\n  maximum: 200\n---\n"
        ),
    }
    folder = write_repository(tmp_path / "lim", files)
    report = import_open_sdg(folder, "lim-sdg")
    assert [(p.row, p.message) for p in report.problems] == [
        (2, "-5 is outside the indicator's limits 0 to 200")
    ]
    files["meta/2-1-1.md"] = "---\ncomputation_units: Percent\n---\n"
    collab = imported(import_open_sdg(write_repository(tmp_path / "free", files), "free-sdg"))
    free = indicator(collab, "2-1-1")
    assert (free.lower_bound, free.upper_bound, free.unit_kind) == (None, None, "percent")


def test_csv_meta_global_meta_translations_and_geojson(tmp_path, db):
    feature = (
        '{"type": "Feature", "properties": {"WD20CD": "E05", "WD20NM": "Ashley"}, '
        '"geometry": {"type": "Point", "coordinates": [-2.58, 51.46]}}'
    )
    files = {
        "config_data.yml": (
            "inputs:\n- class: InputCsvData\n  path_pattern: data/*-*.csv\n"
            "- class: InputYamlMdMeta\n  path_pattern: global-meta/*-*.md\n"
            "- class: InputCsvMeta\n  path_pattern: csv-meta/*-*.csv\n"
            "  metadata_mapping: metadata-mapping.csv\n"
            "map_layers:\n- geojson_file: geojson/wards.geojson\n"
            "  id_property: WD20CD\n  name_property: WD20NM\n"
        ),
        "metadata-mapping.csv": "Unit of measurement,computation_units\n",
        "csv-meta/3-1-1.csv": "Unit of measurement,Percentage (%)\nUnmapped,dropped\n",
        "global-meta/3-1-1.md": "---\nindicator_name: localised_indicators.3-1-1-title\n---\n",
        "translations/en/localised_indicators.yml": "3-1-1-title: Healthy births\n",
        "geojson/wards.geojson": '{"type": "FeatureCollection", "features": [' + feature + "]}",
        "data/indicator_3-1-1.csv": "Year,Ward,GeoCode,Value\n2020,,,5\n2020,Ashley,E05,7\n",
    }
    folder = write_repository(tmp_path / "layouts", files)
    collab = imported(import_open_sdg(folder))
    assert collab.slug == "layouts"  # from the folder's name
    births = indicator(collab, "3-1-1")
    assert (births.name, births.unit, births.unit_kind) == (
        "Healthy births",
        "Percentage (%)",
        "percent",
    )
    ward = Area.objects.get(collaborative=collab, code="E05")
    assert ward.name == "Ashley" and ward.geometry["type"] == "Point"
    export_open_sdg(collab, tmp_path / "out")
    assert read_csv(tmp_path / "out/data/indicator_3-1-1.csv") == read_csv(
        folder / "data/indicator_3-1-1.csv"
    )
    meta, _body = read_meta(tmp_path / "out/meta/3-1-1.md")
    assert meta["indicator_name"] == "localised_indicators.3-1-1-title"


def test_a_progress_component_finds_its_series(tmp_path, db):
    from civicloop.measure.opensdg import series_for

    files = {
        "data/indicator_4-2-1.csv": (
            "Year,Series,Sex,Age group,Value\n2020,Aged 12 to 17 years,,,5\n"
            "2020,Aged 5 to 11,,,6\n2020,Aged 5 to 11,Both sexes,Ages 5 to 17,7\n"
        ),
        "meta/4-2-1.md": (
            "---\nprogress_calculation_options:\n- series: Aged 12 to 17 years\n"
            "  direction: negative\n- series: Aged 5 to 11\n  disaggregation:\n"
            "  - field: Age group\n    value: Ages 5 to 17\n  - field: Sex\n    value: Both sexes\n"
            "---\n"
        ),
    }
    collab = imported(import_open_sdg(write_repository(tmp_path / "p", files), "p-sdg"))
    older = indicator(collab, "4-2-1--aged-12-to-17-years")
    younger = indicator(collab, "4-2-1--aged-5-to-11")
    first, second = older.progress_options[0], younger.progress_options[0]
    assert older.progress_options == [first] and younger.progress_options == [second]
    assert series_for(older, first).group is None
    assert series_for(younger, first) is None
    found = series_for(younger, second)
    assert found.group.name == "Both sexes · Ages 5 to 17"
    from civicloop.measure.opensdg import components_of

    assert components_of(collab)["4-2-1"] == [(first, series_for(older, first)), (second, found)]


def test_the_command_quarantines_and_names_the_collaborative_after_the_folder(
    tmp_path, workspace_dir, monkeypatch, db
):
    from typer.testing import CliRunner

    from civicloop.cli import app
    from civicloop.measure.models import QuarantinedRow

    monkeypatch.setenv("CIVICLOOP_WORKSPACE", str(workspace_dir))
    files = {**FILES, "data/indicator_4-1-1.csv": "Year,Value\n2015,58.5\n2016,lots\n"}
    folder = write_repository(tmp_path / "half-good", files)
    out = CliRunner().invoke(
        app, ["import", "open-sdg", str(folder), "--quarantine"], env={"COLUMNS": "200"}
    )
    assert out.exit_code == 0, out.output
    assert "quarantined: 1 row(s)" in out.output and "Imported" in out.output
    assert Collaborative.objects.filter(slug="half-good").exists()
    row = QuarantinedRow.objects.get(load__collaborative__slug="half-good")
    assert (row.row, row.values["Value"]) == (3, "lots")
