"""``civicloop learn ...`` run as a user runs it: in a subprocess, on a demo workspace."""

from __future__ import annotations

import json
import re

import pytest

from civicloop.core.tests.test_cli import civicloop_cmd

WIDE = {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def demo_run(built_demo, tmp_path_factory):
    """What `civicloop demo --no-serve` printed, and a workspace of the module's own."""
    return built_demo.stdout, built_demo.copy(tmp_path_factory.mktemp("learn-demo") / "ws")


@pytest.fixture(scope="module")
def demo_workspace(demo_run):
    return demo_run[1]


def learn(*args: str, workspace) -> str:
    out = civicloop_cmd("learn", *args, workspace=workspace, env=WIDE)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_demo_says_what_learn_found(demo_run):
    out, _ = demo_run
    assert re.search(r"learn: [\d,]+ series analysed", out)
    assert "Home child-care network (Kindergarten readiness): working, +7.1 points" in out
    assert "Attendance text nudges (Chronic absence in K-3): not working" in out
    # The summary's Trend column carries the verdicts.
    assert "improving (+1.5/yr)" in out and "no clear trend" in out


def test_trends_as_json(demo_workspace):
    rows = {
        r["indicator"]: r for r in json.loads(learn("trends", "--json", workspace=demo_workspace))
    }
    assert len(rows) >= 13
    reading = rows["third-grade-reading"]
    assert reading["status"] == "improving" and reading["family_size"] >= 13
    assert reading["slope_low"] < reading["slope"] < reading["slope_high"]
    assert reading["p"] <= reading["p_adjusted"] < 0.05
    assert rows["emergency-savings"]["status"] != "improving"


def test_trends_table_for_an_area(demo_workspace):
    out = learn("trends", "--area", "south", workspace=demo_workspace)
    assert "Trends: Riverton Cradle to Career, South Ward" in out
    assert "Kindergarten readiness" in out and "95% interval" in out


@pytest.mark.parametrize("method", ["open-sdg", "civicloop"])
def test_progress_as_json_has_every_component(demo_workspace, method):
    rows = json.loads(learn("progress", "--method", method, "--json", workspace=demo_workspace))
    assert len(rows) >= 13
    components = {
        "status",
        "score",
        "progress_value",
        "base_year",
        "base_value",
        "current_year",
        "current_value",
        "target",
        "target_year",
        "direction",
    }
    for row in rows:
        assert components <= set(row)
    reading = next(r for r in rows if r["indicator"] == "third-grade-reading")
    assert reading["target"] == 50.0 and reading["base_value"] is not None
    if method == "open-sdg":
        assert reading["status"] in {
            "substantial_progress",
            "moderate_progress",
            "limited_progress",
            "deterioration",
            "target_achieved",
        }
        assert reading["direction"] == "positive" and reading["score"] is not None
    else:
        assert reading["status"] in {"on_track", "at_risk", "off_track", "too_noisy"}


def test_progress_table(demo_workspace):
    out = learn("progress", workspace=demo_workspace)
    assert "Progress to target (civicloop)" in out and "Pace / needed" in out
    out = learn("progress", "--method", "open-sdg", workspace=demo_workspace)
    assert "Progress to target (open-sdg)" in out and "Score" in out


def test_effects_as_json_and_as_a_table(demo_workspace):
    rows = {
        r["strategy"]: r for r in json.loads(learn("effects", "--json", workspace=demo_workspace))
    }
    assert rows["home-child-care-network"]["status"] == "working"
    assert rows["attendance-text-nudges"]["status"] == "not_working"
    assert rows["home-child-care-network"]["did"]["n_post"] == 5
    out = learn("effects", workspace=demo_workspace)
    assert "Home child-care network" in out and "working" in out and "diff-in-diff" in out


def test_equity_gaps_as_json_and_as_a_table(demo_workspace):
    rows = json.loads(learn("equity", "--json", workspace=demo_workspace))
    reading = {r["group"]: r for r in rows if r["indicator"] == "third-grade-reading"}
    assert reading["White"]["status"] == "reference" and reading["White"]["reference"] == "White"
    black = reading["Black"]
    assert black["reference"] == "White" and black["latest_difference"] > 0
    assert black["status"] in ("closing", "widening", "no_clear_change")
    if black["status"] != "no_clear_change":  # called only on a significant trend
        assert black["p"] < 0.05
    assert {r["status"] for r in rows} >= {"reference", "closing"}
    out = learn("equity", "--area", "south", workspace=demo_workspace)
    assert "Equity gaps: Riverton Cradle to Career, South Ward" in out
    assert "best-off group" in out and "Gap trend a year" in out


def test_analyse_recomputes_only_when_asked(demo_workspace):
    assert "Recomputed 0 series and 0 strategy effects" in learn(
        "analyse", workspace=demo_workspace
    )
    out = learn("analyse", "--force", workspace=demo_workspace)
    assert re.search(r"Recomputed [\d,]+ series and 6 strategy effects", out)
    assert "Recomputed 0 series" not in out


def test_mistakes_are_one_clear_line(demo_workspace):
    out = civicloop_cmd("learn", "trends", "-c", "gotham", workspace=demo_workspace)
    assert out.returncode == 1 and out.stderr.strip() == "error: no collaborative 'gotham'"
    out = civicloop_cmd("learn", "trends", "--area", "atlantis", workspace=demo_workspace)
    assert out.returncode == 1 and "no area 'atlantis'" in out.stderr
    out = civicloop_cmd("learn", "progress", "--method", "linear", workspace=demo_workspace)
    assert out.returncode != 0 and "Traceback" not in out.stderr


def test_every_learn_command_has_help_with_an_example():
    for command in ("trends", "progress", "effects", "equity", "analyse"):
        out = civicloop_cmd("learn", command, "--help", env=WIDE)
        assert out.returncode == 0, out.stderr
        assert "Example" in out.stdout, command
