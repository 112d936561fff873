"""The background worker, as ``serve`` starts it: a real process on a real workspace picks
up a due source, refreshes it, and stops cleanly when asked."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

from civicloop.measure.refresh import start_background_worker
from civicloop.measure.tests.portals import FilePortal, serving

CSV = b"indicator,area,period,value\nsavings,all,2031,41.5\n"
SET_UP = """
from civicloop.cli import setup
setup()
from civicloop.measure.models import Source
from civicloop.results.models import Area, Collaborative, Indicator, Result
c = Collaborative.objects.create(slug="t", name="T", city="T")
Area.objects.create(collaborative=c, name="All", code="all", level="city")
r = Result.objects.create(collaborative=c, slug="r", title="R", statement="S")
Indicator.objects.create(result=r, slug="savings", name="Savings", unit="%", unit_kind="percent",
                         direction="higher", frequency="year")
Source.objects.create(collaborative=c, name="Savings", kind="url", settings={"url": URL},
                      schedule_minutes=60)
"""


def status_of_refreshes(database) -> list[str]:
    try:
        with sqlite3.connect(database, timeout=1) as db:
            return [row[0] for row in db.execute("select status from measure_refresh")]
    except sqlite3.OperationalError:  # the worker is writing; look again
        return []


def test_the_background_worker_refreshes_a_due_source_and_stops_cleanly(
    initialised_workspace, tmp_path, monkeypatch
):
    workspace = initialised_workspace.copy(tmp_path / "ws")  # a real `civicloop init`'s
    with serving(FilePortal(files={"/savings.csv": ("text/csv", CSV)})) as base:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICLOOP_")}
        env["CIVICLOOP_WORKSPACE"] = str(workspace)
        env["CIVICLOOP_ALLOWED_INTERNAL_HOSTS"] = "127.0.0.1"  # the worker's local portal
        script = SET_UP.replace("URL", repr(f"{base}/savings.csv"))
        made = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True
        )
        assert made.returncode == 0, made.stderr
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        worker = start_background_worker(interval=0.2, tick=0.5)
        try:
            deadline = time.monotonic() + 60  # generous: CI machines can be slow
            while (seen := status_of_refreshes(workspace / "civicloop.sqlite3")) != ["done"]:
                assert worker.running, "the worker stopped on its own"
                assert time.monotonic() < deadline, f"no finished refresh yet: {seen}"
                time.sleep(0.2)
        finally:
            code = worker.stop(timeout=10)
    assert code == 0 and not worker.running
