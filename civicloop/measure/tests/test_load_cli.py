"""``civicloop load`` as a user runs it, and a load killed half-way."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys

import pytest

from civicloop.core.tests.test_cli import civicloop_cmd


@pytest.fixture(scope="module")
def demo_workspace(built_demo, tmp_path_factory):
    return built_demo.copy(tmp_path_factory.mktemp("loadcli") / "ws")


def count(ws, sql: str) -> int:
    with sqlite3.connect(ws / "civicloop.sqlite3") as db:
        return db.execute(sql).fetchone()[0]


def test_a_messy_file_gets_a_precise_report_and_nothing_is_written(demo_workspace, tmp_path):
    messy = tmp_path / "messy.csv"
    messy.write_text(
        "indicator,area,period,value\nchild-poverty,riverton,2025,22\n"
        "child-povrty,riverton,2025,22\nchild-poverty,Harbour Point,2025,12\n"
    )
    before = count(demo_workspace, "select count(*) from results_revision")
    errors = tmp_path / "errors.csv"
    out = civicloop_cmd(
        "load",
        str(messy),
        "--errors",
        str(errors),
        workspace=demo_workspace,
        env={"COLUMNS": "200"},
    )
    assert out.returncode == 2
    assert (
        "did you mean 'child-poverty'" in out.stdout and "did you mean 'Harbor Point'" in out.stdout
    )
    assert "Nothing written" in out.stdout
    assert errors.read_text().splitlines()[1:] == [
        "3,indicator,unknown indicator 'child-povrty' (did you mean 'child-poverty'?)",
        "4,area,unknown area 'Harbour Point' (did you mean 'Harbor Point'?)",
    ]
    assert count(demo_workspace, "select count(*) from results_revision") == before
    # Fixed, it loads.
    messy.write_text("indicator,area,period,value\nchild-poverty,riverton,2025,22\n")
    out = civicloop_cmd("load", str(messy), workspace=demo_workspace)
    assert out.returncode == 0 and "Loaded" in out.stdout


def test_decimal_commas_ambiguity_and_unusual_values_from_the_terminal(demo_workspace, tmp_path):
    semi = tmp_path / "semi.csv"
    semi.write_text(
        "indicator;area;period;value\nchild-poverty;riverton;2025;41,5\n"
        "child-poverty;Harbor Point;2025;104\n"
    )
    out = civicloop_cmd(
        "load", str(semi), "--dry-run", workspace=demo_workspace, env={"COLUMNS": "200"}
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 unusual value(s), loaded all the same" in out.stdout
    assert "104 is outside 0-100 for a percent" in out.stdout
    lone = tmp_path / "lone.csv"
    lone.write_text('indicator,area,period,value\nchild-poverty,riverton,2025,"1,234"\n')
    out = civicloop_cmd(
        "load", str(lone), "--dry-run", workspace=demo_workspace, env={"COLUMNS": "200"}
    )
    assert out.returncode == 2 and "'1,234' could be 1234 or 1.234" in out.stdout
    out = civicloop_cmd("load", str(lone), "--dry-run", "--decimal", ",", workspace=demo_workspace)
    assert out.returncode == 0, out.stdout


def test_a_load_killed_half_way_leaves_the_database_as_it_was(demo_workspace, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("w") as fh:
        fh.write("indicator,area,period,value\n")
        for indicator in ("eviction-filings", "unemployment-rate", "library-story-time-visits"):
            for area in ("riverton", "north", "south", "west", "n-harbor", "n-cedar"):
                for year in range(1850, 2010):
                    for month in range(1, 13):
                        fh.write(f"{indicator},{area},{year}-{month:02d},5\n")
    before = count(demo_workspace, "select count(*) from results_observation")
    env = {"CIVICLOOP_WORKSPACE": str(demo_workspace)}
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith("CIVICLOOP_")} | env
    proc = subprocess.Popen(
        [sys.executable, "-m", "civicloop.cli", "load", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environ,
    )
    for line in proc.stdout:
        if line.startswith("written "):  # rows are in, the transaction is still open
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert count(demo_workspace, "select count(*) from results_observation") == before
    assert (
        count(demo_workspace, "select count(*) from measure_load where original_name = 'big.csv'")
        == 0
    )
    # The database is healthy and the same file then loads in full.
    out = civicloop_cmd("load", str(big), workspace=demo_workspace)
    assert out.returncode == 0, out.stdout + out.stderr
    assert (
        count(demo_workspace, "select count(*) from results_observation")
        == before + 6 * 3 * 160 * 12
    )
