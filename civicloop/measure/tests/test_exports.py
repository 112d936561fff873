"""Excel beside every CSV of numbers: an indicator's table in the working app, and the
public site's open data; one writer, text never a formula."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.test import Client

from civicloop.core import excel
from civicloop.core.tests.people import login
from civicloop.results.models import Area, Indicator, Observation

pytestmark = pytest.mark.django_db
READING = "/c/riverton/measure/indicators/third-grade-reading/observations."


def sheet_rows(body: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_the_shared_writer_keeps_text_as_text_and_numbers_as_numbers():
    body = excel.workbook(
        [excel.Sheet("a:b/c", ["name", "value"], [["=1+1", 2.5], ["@x\x00", float("nan")]])]
    )
    xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["a b c"]
    assert list(book.worksheets[0].iter_rows(values_only=True)) == [
        ("name", "value"),
        ("=1+1", 2.5),
        ("@x", None),
    ]
    assert book.worksheets[0]["A2"].data_type == "s"


def test_a_member_downloads_an_indicators_table_as_excel_and_csv(client, carol):
    login(client, carol)
    page = client.get("/c/riverton/indicators/third-grade-reading/").content.decode()
    assert f'href="{READING}xlsx"' in page and f'href="{READING}csv"' in page
    answer = client.get(READING + "xlsx")
    assert answer["Content-Type"] == excel.CONTENT_TYPE
    assert 'filename="riverton-third-grade-reading.xlsx"' in answer["Content-Disposition"]
    rows = sheet_rows(answer.content)
    total = Observation.objects.filter(series__indicator__slug="third-grade-reading").count()
    assert len(rows) == total + 1 and rows[0][:4] == ("indicator", "area", "period", "value")
    assert "approval" in rows[0]
    assert isinstance(rows[1][3], float)
    lines = list(csv.reader(io.StringIO(client.get(READING + "csv").content.decode())))
    assert lines[0] == list(rows[0]) and len(lines) == len(rows)


def test_the_public_reads_approved_values_without_approval_state(riverton):
    ind = Indicator.objects.get(slug="third-grade-reading")
    assert riverton.is_public and ind.is_public
    obs = Observation.objects.filter(series__indicator=ind).first()
    Observation.objects.filter(pk=obs.pk).update(value=123.0, approval="pending")
    rows = sheet_rows(Client().get(READING + "xlsx").content)
    assert "approval" not in rows[0]
    assert 123.0 not in [r[3] for r in rows]


def test_an_undeclared_indicator_is_not_downloadable_by_the_public(riverton):
    hidden = Indicator.objects.filter(result__collaborative=riverton, is_public=False).first()
    assert hidden is not None
    url = f"/c/riverton/measure/indicators/{hidden.slug}/observations.xlsx"
    assert Client().get(url).status_code == 404


def test_an_area_named_like_a_formula_is_text_in_the_download(client, alice, riverton):
    Area.objects.filter(collaborative=riverton, code="north").update(name="=cmd|' /C calc'!A0")
    login(client, alice)
    body = client.get(READING + "xlsx").content
    xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"cmd|" in xml
    csv_text = client.get(READING + "csv").content.decode()
    assert "'=cmd|" in csv_text  # the CSV's own protection


def test_an_unknown_format_is_not_found(client, alice):
    login(client, alice)
    assert client.get(READING + "exe").status_code == 404


def test_the_public_site_offers_excel_beside_each_csv(client):
    page = client.get("/public/c/riverton/indicators/third-grade-reading/").content.decode()
    assert "third-grade-reading.xlsx" in page
    answer = client.get(
        "/public/c/riverton/indicators/third-grade-reading/third-grade-reading.xlsx"
    )
    assert answer.status_code == 200 and answer["Content-Type"] == excel.CONTENT_TYPE
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/public/c/riverton/indicators/third-grade-reading/third-grade-reading.csv"
                ).content.decode()
            )
        )
    )
    rows = sheet_rows(answer.content)
    assert list(rows[0]) == csv_rows[0] and len(rows) == len(csv_rows)
    data = client.get("/public/c/riverton/data/").content.decode()
    assert "riverton.xlsx" in data and data.count(".xlsx") >= 2
    whole = client.get("/public/c/riverton/data/riverton.xlsx")
    assert whole.status_code == 200 and len(sheet_rows(whole.content)) > 100


def test_a_results_table_downloads_with_its_headline_history(client, alice, riverton):
    result = riverton.results.first()
    url = f"/c/riverton/measure/results/{result.slug}/table."
    login(client, alice)
    page = client.get(f"/c/riverton/results/{result.slug}/").content.decode()
    assert f'href="{url}xlsx"' in page and f'href="{url}csv"' in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "xlsx").content))
    latest = list(book.worksheets[0].iter_rows(values_only=True))
    history = list(book["history"].iter_rows(values_only=True))
    shown = Indicator.objects.filter(result=result)
    assert {r[0] for r in latest[1:]} == {i.slug for i in shown}
    assert history[0] == ("indicator", "area", "period", "value") and len(history) > len(latest)
    lines = list(csv.reader(io.StringIO(client.get(url + "csv").content.decode())))
    assert lines[0] == list(latest[0]) and len(lines) == len(latest)


def test_the_public_downloads_only_a_results_declared_indicators(riverton):
    result = riverton.results.first()
    public = {i.slug for i in Indicator.objects.filter(result=result, is_public=True)}
    body = Client().get(f"/c/riverton/measure/results/{result.slug}/table.xlsx").content
    assert {r[0] for r in sheet_rows(body)[1:]} == public
