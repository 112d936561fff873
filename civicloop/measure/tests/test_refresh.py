"""Sources refresh on their schedule, through the task queue, and say what changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicloop.measure import refresh as refreshing
from civicloop.measure.connectors import RetryPolicy
from civicloop.measure.models import Refresh, RefreshStatus, Source
from civicloop.measure.refresh import describe_changes, enqueue_due, mark_abandoned, refresh_source
from civicloop.measure.tests.portals import FilePortal, serving

CSV = b"indicator,area,period,value\nemergency-savings,south,2031,41.5\n"
FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.05, timeout=5)


def refresh_tasks():
    """The refresh tasks queued (loads also queue declare's alert checks, not these)."""
    return DBTaskResult.objects.filter(task_path="civicloop.measure.tasks.refresh_source_task")


@pytest.fixture
def url():
    with serving(FilePortal(files={"/savings.csv": ("text/csv", CSV)})) as base:
        yield f"{base}/savings.csv"


@pytest.fixture
def scheduled(riverton, url):
    return Source.objects.create(
        collaborative=riverton,
        name="Savings (hourly)",
        kind="url",
        settings={"url": url, "retry": {"attempts": 2, "base_delay": 0.01}},
        schedule_minutes=60,
    )


@pytest.fixture
def no_connection_housekeeping(monkeypatch):
    """The worker closes stale connections between tasks; inside a test's transaction that
    would end the test's own connection, so it is left out here."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def test_a_due_source_is_enqueued_once_per_turn(scheduled, riverton):
    Source.objects.create(collaborative=riverton, name="Uploads", kind="file", schedule_minutes=5)
    Source.objects.create(collaborative=riverton, name="By hand", kind="url", settings={"url": "x"})
    now = timezone.now()
    assert enqueue_due(now) == [scheduled]
    assert enqueue_due(now) == []  # claimed: the next turn is an hour away
    scheduled.refresh_from_db()
    assert scheduled.next_refresh_at == now + timedelta(minutes=60)
    task = refresh_tasks().get()
    assert task.args_kwargs == {"args": [scheduled.pk], "kwargs": {}}
    assert enqueue_due(now + timedelta(minutes=61)) == [scheduled]


def test_the_worker_runs_due_refreshes_in_the_background(scheduled, no_connection_housekeeping):
    refreshing.run_worker(once=True)
    done = Refresh.objects.get(source=scheduled)
    assert done.status == RefreshStatus.DONE, done.error
    assert done.changes["rows_created"] == 1
    task = refresh_tasks().get()
    assert task.status == "SUCCESSFUL" and task.return_value["status"] == "done"
    scheduled.refresh_from_db()
    assert scheduled.last_refreshed_at == done.finished_at
    assert scheduled.next_refresh_at == done.finished_at + timedelta(minutes=60)


def test_a_source_can_tune_its_retries(scheduled):
    scheduled.settings["url"] = "http://127.0.0.1:9/savings.csv"
    done = refresh_source(scheduled, sleep=lambda s: None)
    assert done.status == "failed" and done.attempts == 2
    scheduled.settings["retry"] = {"tries": 3}
    assert refresh_source(scheduled).error == "source settings: unknown retry setting(s): tries"


def test_a_refresh_left_running_by_a_dead_worker_is_marked_failed(scheduled):
    stuck = Refresh.objects.create(source=scheduled)
    Refresh.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - timedelta(hours=7))
    assert mark_abandoned() == 1
    stuck.refresh_from_db()
    assert stuck.status == RefreshStatus.FAILED and stuck.error.startswith("interrupted")


def test_an_unknown_kind_fails_with_the_list_of_connectors(riverton):
    source = Source.objects.create(collaborative=riverton, name="Odd", kind="ftp")
    done = refresh_source(source, policy=FAST)
    assert done.error == (
        "source 'Odd' is of kind 'ftp', which has no connector "
        "(connectors: socrata, ckan, census, url)"
    )


def test_what_changed_reads_as_sentences():
    lines = describe_changes(
        {
            "rows_fetched": 40,
            "pages": 2,
            "retries": 1,
            "rows_created": 1,
            "rows_changed": 1,
            "rows_unchanged": 38,
            "sample": [
                {
                    "indicator": "child-poverty",
                    "area": "south",
                    "group": "",
                    "period": "2031",
                    "old": 22.5,
                    "new": 21.0,
                },
                {
                    "indicator": "child-poverty",
                    "area": "west",
                    "group": "Black",
                    "period": "2031",
                    "old": None,
                    "new": 30.0,
                },
            ],
            "skipped_count": 1,
            "skipped": ["B1_001E for 34013000200: -666666666"],
        }
    )
    assert lines == [
        "1 new, 1 changed, 38 unchanged (from 40 rows in 2 page(s), 1 retried request(s))",
        "child-poverty · south · 2031: 22.5 → 21",
        "child-poverty · west · Black · 2031: new → 30",
        "1 fetched value(s) not loaded:",
        "  B1_001E for 34013000200: -666666666",
    ]


# --- the commands ------------------------------------------------------------------------------


def test_refresh_and_sources_show_what_changed(cli, scheduled):
    out = cli("refresh", "Savings (hourly)", "-c", "riverton")
    assert out.exit_code == 0, out.output
    assert "1 new, 0 changed, 0 unchanged" in out.output
    assert "emergency-savings · south · 2031: new → 41.5" in out.output
    listing = cli("sources", "-c", "riverton")
    assert listing.exit_code == 0, listing.output
    assert "Savings (hourly)" in listing.output and "1 h" in listing.output
    assert "emergency-savings · south · 2031: new → 41.5" in listing.output


def test_a_failed_refresh_is_one_error_line(cli, scheduled):
    from civicloop.cli import CliError

    scheduled.settings["url"] = scheduled.settings["url"].replace("savings", "gone")
    scheduled.save()
    out = cli("refresh", "Savings (hourly)")
    assert isinstance(out.exception, CliError)
    assert str(out.exception).startswith("refresh failed: Savings (hourly): HTTP 404 from")
    assert isinstance(cli("refresh", "Nope").exception, CliError)


def test_every_command_has_help_with_an_example(cli):
    for command in (
        ["sources"],
        ["refresh"],
        ["worker"],
        ["import", "open-sdg"],
        ["export", "open-sdg"],
    ):
        out = cli(*command, "--help")
        assert out.exit_code == 0 and "Example" in out.output, command
