"""A file cannot make civicloop read without bound: sizes are checked before parsing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicloop.core.tests.people import login
from civicloop.measure import limits
from civicloop.measure.readers import ReadError, read_table


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "area", "period", "value"])
    sheet.append(["child-poverty", "riverton", "2025", 21.5])
    book.save(path)
    return path


def _bomb(path: Path, megabytes: int) -> Path:
    """A valid workbook whose worksheet XML is padded with ``megabytes`` of whitespace:
    a few kilobytes on disk, megabytes to parse."""
    small = _workbook(path.with_name("small.xlsx"))
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"<sheetData>", 1)
                with out.open(item.filename, "w", force_zip64=True) as fh:
                    fh.write(head + b"<sheetData>")
                    for _ in range(megabytes):
                        fh.write(b" " * 2**20)
                    fh.write(tail)
            else:
                out.writestr(item, data)
    return path


def test_an_ordinary_workbook_reads(tmp_path):
    assert read_table(_workbook(tmp_path / "ok.xlsx")).header[0] == "indicator"


def test_a_zip_bomb_is_refused_before_it_is_parsed(tmp_path):
    bomb = _bomb(tmp_path / "bomb.xlsx", 12)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(ReadError, match="expands"):
        read_table(bomb, "bomb.xlsx")


def test_a_workbook_larger_than_the_limit_when_unpacked_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_RATIO", 10**9)  # only the total size counts here
    monkeypatch.setattr(limits, "MAX_UNPACKED", 4 * 2**20)
    with pytest.raises(ReadError, match="MB"):
        read_table(_bomb(tmp_path / "big.xlsx", 5), "big.xlsx")


def test_too_many_columns_are_refused_before_parsing(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_bytes(
        b",".join(b"c%d" % i for i in range(100_000)) + b"\n" + b"1," * 99_999 + b"1\n"
    )
    with pytest.raises(ReadError, match="100000 columns"):
        read_table(wide, "wide.csv")


def test_too_many_cells_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 1_000)
    tall = tmp_path / "tall.csv"
    tall.write_bytes(b"indicator,area,period,value\n" + b"x,y,2020,1\n" * 400)
    with pytest.raises(ReadError, match="cells"):
        read_table(tall, "tall.csv")


@pytest.mark.django_db
def test_the_mapping_page_of_a_very_wide_file_stays_small(client, erin):
    login(client, erin)
    content = b",".join(b"c%d" % i for i in range(100_000)) + b"\n" + b"1," * 99_999 + b"1\n"
    page = client.post(
        "/c/riverton/loads/new/", {"file": SimpleUploadedFile("wide.csv", content)}, follow=True
    )
    assert len(page.content) < 200_000
    assert "columns" in page.content.decode()
