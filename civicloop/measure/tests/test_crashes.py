"""Inputs that crashed civicloop when fuzzed now get a clear answer instead of a traceback."""

from __future__ import annotations

import json

import pytest

from civicloop.measure.loads import LoadError, load_file
from civicloop.measure.records import compute_indicators
from civicloop.results.models import Indicator
from civicloop.results.periods import PeriodError, parse_period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("label", ["0000", "0999-01", "0000-Q1", "0001-W01", "0999"])
def test_a_year_before_1000_is_a_period_error(label):
    with pytest.raises(PeriodError, match="1000"):
        parse_period(label)


@pytest.mark.parametrize("label", ["0000", "0999-01"])
def test_a_file_with_such_a_period_is_reported_not_crashed(tmp_path, riverton, label):
    path = tmp_path / "p.csv"
    path.write_text(f"indicator,area,period,value\nchild-poverty,riverton,{label},20\n")
    report = load_file(path, riverton)
    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems] == [(2, "period")]


@pytest.mark.parametrize(
    "descriptor",
    [
        [{"path": "data.csv"}],
        {"resources": [{"path": 123}]},
        {"resources": [{"path": []}]},
        {"resources": "data.csv"},
        {"resources": [["data.csv"]]},
        {"resources": [{"data": {"a": 1}}]},
        {"resources": [{"data": [1, 2]}]},
        {"resources": [{"data": [["a", "b"], [1]]}]},
        "just text",
    ],
)
def test_a_malformed_data_package_is_one_clear_error(tmp_path, riverton, descriptor):
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(descriptor))
    with pytest.raises(LoadError):  # a message for the user, not a traceback
        load_file(path, riverton, dry_run=True)


def test_compute_with_a_filter_matching_no_records_says_so(riverton):
    ind = Indicator.objects.get(result__collaborative=riverton, slug="housing-complaint-days")
    ind.computation = {
        **ind.computation,
        "filters": [{"column": "category", "op": "==", "value": "no such category"}],
    }
    ind.save()
    [done] = compute_indicators(riverton, only=["housing-complaint-days"])
    assert done.rows == 0 and done.report is None


def test_the_cli_says_a_computation_matched_nothing(cli, riverton):
    ind = Indicator.objects.get(result__collaborative=riverton, slug="housing-complaint-days")
    ind.computation = {
        **ind.computation,
        "filters": [{"column": "category", "op": "==", "value": "no such category"}],
    }
    ind.save()
    out = cli("compute", "housing-complaint-days", "-c", "riverton")
    assert out.exit_code == 0, out.output
    assert "matched no records" in out.output
