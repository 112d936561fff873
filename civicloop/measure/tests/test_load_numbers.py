"""Numbers in a loaded file: read as people write them, refused when only a guess would do,
and never refused for being unusual; hard limits are the indicator's own."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from civicloop.measure.loads import LoadError, load_file
from civicloop.measure.mapping import LongTable
from civicloop.measure.models import LoadStatus, Source
from civicloop.measure.validate import Catalogue, validate
from civicloop.results.models import Indicator, Observation

pytestmark = pytest.mark.django_db


def value_of(riverton, indicator: str, area: str, period: str) -> float | None:
    obs = Observation.objects.filter(
        series__indicator__result__collaborative=riverton,
        series__indicator__slug=indicator,
        series__area__code=area,
        series__group__isnull=True,
        period__label=period,
    ).first()
    return obs.value if obs else None


def write(tmp_path, text: str, name: str = "f.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_semicolon_file_with_decimal_commas_loads_the_right_values(tmp_path, riverton):
    path = write(
        tmp_path,
        "indicator;area;period;value\n"
        "child-poverty;riverton;2025;41,5\n"
        "small-business-loans;riverton;2024;1.234\n"
        "small-business-loans;n-harbor;2024;12.345,5\n",
    )
    report = load_file(path, riverton)
    assert report.status == LoadStatus.APPLIED, report.problems
    assert value_of(riverton, "child-poverty", "riverton", "2025") == 41.5
    assert value_of(riverton, "small-business-loans", "riverton", "2024") == 1234
    assert value_of(riverton, "small-business-loans", "n-harbor", "2024") == 12345.5


def test_a_quoted_decimal_comma_in_a_comma_file_is_never_a_tenfold_value(tmp_path, riverton):
    path = write(tmp_path, 'indicator,area,period,value\nchild-poverty,riverton,2025,"41,5"\n')
    assert load_file(path, riverton).status == LoadStatus.APPLIED
    assert value_of(riverton, "child-poverty", "riverton", "2025") == 41.5


def test_an_ambiguous_number_is_refused_with_its_row_and_column(tmp_path, riverton):
    path = write(
        tmp_path,
        "indicator,area,period,value\n"
        "small-business-loans,riverton,2024,12\n"
        'small-business-loans,n-harbor,2024,"1,234"\n',
    )
    report = load_file(path, riverton, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(3, "value")]
    message = report.problems[0].message
    assert message.startswith("'1,234' could be 1234 or 1.234")
    assert '{"decimal": ","}' in message


def test_the_sources_decimal_setting_decides(tmp_path, riverton):
    text = 'indicator,area,period,value\nsmall-business-loans,riverton,2024,"1,234"\n'
    english = Source.objects.create(collaborative=riverton, name="US", settings={"decimal": "."})
    report = load_file(write(tmp_path, text, "a.csv"), riverton, source=english)
    assert report.status == LoadStatus.APPLIED, report.problems
    assert value_of(riverton, "small-business-loans", "riverton", "2024") == 1234
    german = Source.objects.create(collaborative=riverton, name="DE", settings={"decimal": ","})
    report = load_file(write(tmp_path, text + "\n", "b.csv"), riverton, source=german)
    assert report.status == LoadStatus.APPLIED, report.problems
    assert value_of(riverton, "small-business-loans", "riverton", "2024") == 1.234
    bad = Source.objects.create(collaborative=riverton, name="X", settings={"decimal": ";"})
    with pytest.raises(LoadError, match="the decimal mark is '.' or ','"):
        load_file(write(tmp_path, text, "c.csv"), riverton, source=bad)


def test_non_finite_and_absurd_values_are_refused(tmp_path, riverton):
    path = write(
        tmp_path,
        "indicator,area,period,value\n"
        "small-business-loans,riverton,2024,1e308\n"  # row 2: a count beyond a trillion
        "small-business-loans,n-harbor,2024,1e309\n"  # row 3: overflows to infinity
        "small-business-loans,n-cedar,2024,inf\n"  # row 4
        "child-poverty,riverton,2025,nan\n"  # row 5
        "child-poverty,n-harbor,2025,2000000\n"  # row 6: a percent beyond a million
        "child-poverty,n-cedar,2025,999999\n",  # row 7: absurd-looking, but not beyond
    )
    report = load_file(path, riverton, dry_run=True)
    found = {p.row: p.message for p in report.problems}
    assert sorted(found) == [2, 3, 4, 5, 6]
    assert found[2] == (
        "'1e308' is beyond ±1e+12, not a plausible count value: check the decimal mark and the unit"
    )
    assert found[3] == "'1e309' is not a finite number"
    assert found[4] == "'inf' is not a number" and found[5] == "'nan' is not a number"
    assert "not a plausible percent value" in found[6]
    assert [w.row for w in report.warnings] == [7]


def test_unusual_values_load_with_a_warning(tmp_path, riverton):
    path = write(
        tmp_path,
        "indicator,area,period,value\n"
        "child-poverty,riverton,2025,-16.94\n"  # a cumulative percent change
        "child-poverty,n-harbor,2025,104\n"  # percent of a budget spent
        "child-poverty,n-cedar,2025,150\n",
    )
    report = load_file(path, riverton)
    assert report.status == LoadStatus.APPLIED and not report.problems
    assert report.warning_count == 3
    assert report.warnings[0].message == "-16.94 is outside 0-100 for a percent"
    assert value_of(riverton, "child-poverty", "n-harbor", "2025") == 104


def test_hard_limits_come_from_the_indicator_alone(tmp_path, riverton):
    Indicator.objects.filter(result__collaborative=riverton, slug="child-poverty").update(
        lower_bound=-20, upper_bound=120
    )
    path = write(
        tmp_path,
        "indicator,area,period,value\n"
        "child-poverty,riverton,2025,-16.94\n"
        "child-poverty,n-harbor,2025,104\n"
        "child-poverty,n-cedar,2025,150\n"
        "child-poverty,s-clinton,2025,-21\n",
    )
    report = load_file(path, riverton, dry_run=True)
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (4, "value", "150 is above child-poverty's upper limit 120"),
        (5, "value", "-21 is below child-poverty's lower limit -20"),
    ]
    assert [w.row for w in report.warnings] == [2, 3]  # unusual for a percent, within limits


def test_a_header_without_rows_is_a_clear_error(tmp_path, riverton):
    with pytest.raises(LoadError, match="no observations: the file has a header but no rows"):
        load_file(write(tmp_path, "indicator,area,period,value\n"), riverton)


def test_validating_no_rows_does_not_crash(riverton):
    empty = pa.array([], type=pa.string())
    table = LongTable(
        {name: empty for name in ("indicator", "area", "period", "value")},
        np.array([], dtype=np.int64),
        {},
    )
    checked = validate(table, Catalogue(riverton))
    assert len(checked) == 0 and not checked.problems and not checked.warnings


def test_typed_numbers_in_a_workbook_are_never_read_as_thousands(tmp_path, riverton):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "area", "period", "value"])
    sheet.append(["small-business-loans", "riverton", 2024, 1.234])  # a typed number
    sheet.append(["small-business-loans", "n-harbor", 2024, "41,5"])  # typed as text
    book.save(tmp_path / "w.xlsx")
    report = load_file(tmp_path / "w.xlsx", riverton)
    assert report.status == LoadStatus.APPLIED, report.problems
    assert value_of(riverton, "small-business-loans", "riverton", "2024") == 1.234
    assert value_of(riverton, "small-business-loans", "n-harbor", "2024") == 41.5
