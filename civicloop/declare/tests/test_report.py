"""`civicloop declare report`: a PDF a collaborative can hand to its funders."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from civicloop.core.tests.browser import ARTIFACTS
from civicloop.declare.report import report_html, write_report

pytestmark = pytest.mark.django_db


def test_the_report_is_a_pdf_with_every_declared_indicator(riverton, tmp_path):
    pdf = write_report(riverton, tmp_path / "riverton.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Riverton Cradle to Career" in text and "progress report" in text
        assert "Third-grade reading proficiency" in text
        assert "within the margin of error" in text  # the survey's latest change, honestly
        assert "Small-business loans" not in text  # not declared
    if shutil.which("pdftoppm"):  # a picture of the first pages, to look at
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "3",
                str(pdf),
                str(ARTIFACTS / "declare-report"),
            ],
            check=True,
        )


def test_the_tables_edition_includes_what_is_not_declared(riverton):
    html = report_html(riverton, everything=True)
    assert "Small-business loans to local owners" in html
    assert "for the table, not for publication" in html
