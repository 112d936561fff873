"""``civicloop learn baseline``: every indicator's band and whether its curve turns."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_baseline_prints_each_indicators_band_and_verdict(cli, riverton):
    out = cli("learn", "baseline", "-c", "riverton")
    assert out.exit_code == 0, out.output
    assert "Turn the curve: Riverton" in out.output
    assert "Families able to cover" in out.output
    assert "within the margin of error" in out.output
    # Every demo indicator has a start now (the collaborative's, or its own).
    assert "not enough data: no start" not in out.output
    assert "Start from" in out.output
    assert "95% prediction band" in out.output


def test_baseline_json_for_machines(cli, riverton):
    out = cli("learn", "baseline", "-c", "riverton", "--json")
    assert out.exit_code == 0, out.output
    rows = {r["indicator"]: r for r in json.loads(out.stdout)}
    savings = rows["emergency-savings"]
    # Above the band, but a survey estimate whose margin reaches back into it: no turn.
    assert savings["status"] == "within_margin" and savings["turning"] is False
    assert savings["level"] == 0.95 and savings["band"] and savings["n_fit"] >= 3
    assert savings["latest_value"] > savings["latest_upper"]
    assert savings["latest_value"] - savings["latest_margin"] <= savings["latest_upper"]
    reading = rows["third-grade-reading"]
    # No strategy aims at it, but the collaborative says when its work began.
    assert reading["since_source"] == "collaborative" and reading["band"]
    within = [r for r in rows.values() if r["status"] == "within_baseline"]
    assert within and all(not r["turning"] for r in within)
    for r in within:
        assert r["latest_lower"] <= r["latest_value"] <= r["latest_upper"]
