"""``civicloop measure calendar`` and ``civicloop measure remind``."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_the_calendar_as_json(cli, riverton):
    result = cli("measure", "calendar", "-c", "riverton", "--on", "2027-06-10", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["collaborative"] == "riverton" and data["on"] == "2027-06-10"
    assert 0 <= data["freshness"] <= 1
    rows = {r["indicator"]: r for r in data["indicators"]}
    seats = rows["licensed-child-care-seats"]
    assert seats["status"] == "due" and seats["next_period"] == "2026"
    assert seats["due"] == "2027-06-29" and seats["owed_by"] == ["little-steps-child-care-alliance"]
    reading = rows["third-grade-reading"]
    assert reading["status"] == "overdue" and reading["last_period"] == "2024-25"
    assert reading["days_late"] == (2027 - 2026) * 365 - 140  # 28 Oct 2026 to 10 Jun 2027
    assert data["indicators"][0]["status"] == "overdue"  # the most urgent first


def test_the_calendar_as_a_table(cli, riverton):
    result = cli("measure", "calendar", "--on", "2027-06-10")
    assert result.exit_code == 0, result.output
    assert "licensed-child-care-seats" in result.stdout
    assert "Freshness:" in result.stdout
    assert cli("measure", "calendar", "--on", "June").exit_code != 0


def test_remind_dry_run(cli, riverton, carol):
    carol.email = "carol@littlesteps.test"
    carol.save()
    result = cli("measure", "remind", "--dry-run", "--on", "2027-06-10")
    assert result.exit_code == 0, result.output
    assert "would remind carol@littlesteps.test: licensed-child-care-seats 2026 (due)" in (
        " ".join(result.stdout.split())
    )
    assert "nobody to remind of third-grade-reading 2025-26" in " ".join(result.stdout.split())
    from civicloop.measure.models import DataReminder

    assert not DataReminder.objects.exists()
