"""``civicloop review ...`` run in-process against the test database."""

from __future__ import annotations

import pytest

from civicloop.cli import CliError
from civicloop.review.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(cli, riverton):
    return cli


def test_packet_prints_the_proposals_and_writes_a_pdf(run, tmp_path):
    pdf = tmp_path / "packet.pdf"
    out = run("review", "packet", "--date", "2025-10-15", "--pdf", str(pdf))
    assert out.exit_code == 0, out.output
    assert "data as of 15 October 2025" in out.output
    assert "Home child-care network" in out.output and "Scale" in out.output
    assert "Change course" in out.output
    assert pdf.read_bytes().startswith(b"%PDF")


def test_decide_records_a_signed_decision(run, bob):
    out = run(
        "review", "decide", "main-street-lending", "change_course",
        "--rationale", "Loans went to owners who would have borrowed anyway.",
        "--chair", "bob", "--date", "2026-01-20",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "Recorded Change course for Main Street lending" in out.output
    made = Decision.objects.get(strategy__slug="main-street-lending")
    assert (made.signed_by, made.review.held_on.isoformat()) == (bob, "2026-01-20")


def test_decide_refuses_someone_who_is_not_a_chair(run, carol):
    out = run(
        "review", "decide", "main-street-lending", "stop", "--rationale", "x", "--chair", "carol"
    )
    assert isinstance(out.exception, CliError)
    assert "carol is not a chair of riverton" in str(out.exception)


def test_log_filters(run):
    out = run("review", "log", "--decision", "adapt")
    assert out.exit_code == 0, out.output
    assert out.output.split()[:2] == ["1", "decision"]
    assert "Attendance text nudges" in out.output and "Scale" not in out.output
