"""Refreshing connector sources: now (`refresh_source`), when due (`enqueue_due`), in the
background (`run_worker`, `start_background_worker`).

One refresh: the source's connector fetches every page (retrying network errors with
backoff), the whole table is written to one CSV file named after the source and dataset,
and that file goes through ``load_file`` like an upload: archived, validated, applied in one
transaction or not at all. A fetch that fails on any page loads nothing. Each refresh is a
`Refresh` row saying what happened and what changed (rows created/changed/unchanged and a
few changed values, old → new); ``Refresh.attempts`` is 1 plus the number of requests
that had to be retried, so 1 means every page came at the first try.

Source settings every connector understands, besides its own (see ``connectors``):
``retry`` (``{"attempts": 4, "base_delay": 1, "max_delay": 60, "timeout": 60}``) and
``on_problems`` (``"reject"``, the default: a fetch with any invalid row loads nothing;
``"quarantine"``: load the sound rows and keep the others in quarantine).

Scheduling: a source with ``schedule_minutes`` is due when ``next_refresh_at`` has passed
(or was never set). The scheduler claims a due source by moving its ``next_refresh_at`` one
period on, then enqueues `civicloop.measure.tasks.refresh_source_task` on Django's tasks
framework; the database worker runs it.
"""

from __future__ import annotations

import csv
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from civicloop.core import access
from civicloop.measure.connectors import (
    CONNECTORS,
    FetchError,
    FetchResult,
    Http,
    NetworkError,
    RetryPolicy,
    connector_for,
)
from civicloop.measure.loads import LoadError, LoadReport, load_file
from civicloop.measure.mapping import Mapping, MappingError
from civicloop.measure.models import Load, Refresh, RefreshStatus, Source
from civicloop.results.models import Observation, Revision

log = logging.getLogger("civicloop.refresh")

SAMPLE_SIZE = 5  # changed values shown per refresh
SKIPPED_KEPT = 20  # skipped-row notes kept per refresh (the count is always kept)
ABANDONED_AFTER = timedelta(hours=6)  # a refresh "running" this long lost its worker
EXPECTED = (FetchError, NetworkError, LoadError, MappingError)


# --- one refresh -----------------------------------------------------------------------


def refresh_source(
    source: Source,
    *,
    user=None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Refresh:
    """Fetch every page, load the whole table or nothing, and record what changed."""
    refresh = Refresh.objects.create(source=source)
    http: Http | None = None
    try:
        http = Http(policy or _policy(source), sleep=sleep)
        result = connector_for(source).run(source, http)
        if not result.rows:  # nothing to load is not an error, and not a load
            return _finish(refresh, http, changes=_changes(result, None, http))
        report = _load(result, source, user)
    except EXPECTED as exc:
        return _finish(refresh, http, error=str(exc))
    except Exception as exc:
        _finish(refresh, http, error=f"{type(exc).__name__}: {exc}")
        raise
    changes = _changes(result, report, http)
    if report.status == "rejected":
        return _finish(refresh, http, error=_rejection(report), load=report.load, changes=changes)
    return _finish(refresh, http, load=report.load, changes=changes)


def _finish(
    refresh: Refresh,
    http: Http | None,
    *,
    error: str = "",
    load: Load | None = None,
    changes: dict | None = None,
) -> Refresh:
    now = timezone.now()
    refresh.finished_at = now
    refresh.status = RefreshStatus.FAILED if error else RefreshStatus.DONE
    refresh.error = error
    refresh.attempts = 1 + (http.retries if http else 0)
    refresh.load = load
    refresh.changes = changes or {}
    refresh.save()
    source = refresh.source
    if not error:
        source.last_refreshed_at = now
    if source.schedule_minutes:
        source.next_refresh_at = now + timedelta(minutes=source.schedule_minutes)
    source.save(update_fields=["last_refreshed_at", "next_refresh_at"])
    log.info("refresh of %s: %s %s", source, refresh.status, error)
    return refresh


def _policy(source: Source) -> RetryPolicy:
    try:
        return RetryPolicy.from_settings(source.settings)
    except (TypeError, ValueError) as exc:
        raise FetchError(f"source settings: {exc}") from None


def _rejection(report: LoadReport) -> str:
    count = report.problem_count or len(report.problems)
    first = report.problems[0] if report.problems else None
    where = f"; first: row {first.row}, {first.column}: {first.message}" if first else ""
    return f"the fetched rows did not validate ({count} problem(s){where}); nothing was loaded"


# --- from fetched table to load ----------------------------------------------------------


def fetched_file_name(source: Source, result: FetchResult) -> str:
    """The name the archived original keeps: the source, then the dataset."""
    return f"{slugify(source.name) or 'source'}--{slugify(result.dataset) or 'data'}.csv"


def _load(result: FetchResult, source: Source, user) -> LoadReport:
    mapping = Mapping.from_json(result.mapping if result.mapping is not None else source.mapping)
    with tempfile.TemporaryDirectory(prefix="civicloop-fetch-") as folder:
        path = Path(folder) / fetched_file_name(source, result)
        write_table(path, result)
        return _load_file(path, source, mapping, user)


def write_table(path: Path, result: FetchResult) -> None:
    """The fetched table as CSV; a single-file source keeps its exact bytes."""
    if result.raw is not None:
        path.write_bytes(result.raw)
        return
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(result.columns)
        writer.writerows(result.rows)


def _load_file(path: Path, source: Source, mapping: Mapping, user) -> LoadReport:
    on_problems = source.settings.get("on_problems", "reject")
    if on_problems not in ("reject", "quarantine"):
        raise FetchError("source settings: on_problems is 'reject' or 'quarantine'")
    return load_file(
        path,
        source.collaborative,
        source=source,
        user=user,
        mapping=mapping,
        on_problems=on_problems,
        writer=access.connector_writer(source, user),
    )


# --- what changed ------------------------------------------------------------------------


def _changes(result: FetchResult, report: LoadReport | None, http: Http) -> dict:
    changes = {
        "rows_fetched": len(result),
        "pages": result.pages,
        "requests": http.requests,
        "retries": http.retries,
        "skipped_count": len(result.skipped),
        "skipped": result.skipped[:SKIPPED_KEPT],
    }
    if report is None:
        return changes | {"load_status": "nothing fetched", "rows_created": 0, "sample": []}
    return changes | {
        "load_status": str(report.status),
        "rows_created": report.rows_created,
        "rows_changed": report.rows_changed,
        "rows_unchanged": report.rows_unchanged,
        "rows_quarantined": report.rows_quarantined,
        "problems": report.problem_count or len(report.problems),
        "sample": change_sample(report.load) if report.load else [],
    }


def change_sample(load: Load, limit: int = SAMPLE_SIZE) -> list[dict]:
    """A few values the load changed (old → new), then a few it added (old: None)."""
    related = ("series__indicator", "series__area", "series__group", "period")
    revisions = Revision.objects.filter(load=load).select_related(
        *(f"observation__{r}" for r in related)
    )[:limit]
    sample = [_described(r.observation, r.old_value, r.new_value) for r in revisions]
    if len(sample) < limit:
        created = (
            Observation.objects.filter(load=load)
            .exclude(revisions__load=load)
            .select_related(*related)
            .order_by("id")[: limit - len(sample)]
        )
        sample += [_described(o, None, o.value) for o in created]
    return sample


def _described(obs: Observation, old: float | None, new: float | None) -> dict:
    series = obs.series
    return {
        "indicator": series.indicator.slug,
        "area": series.area.code,
        "group": series.group.name if series.group_id else "",
        "period": obs.period.label,
        "old": old,
        "new": new,
    }


def describe_changes(changes: dict) -> list[str]:
    """Refresh.changes as lines for people (the CLI and, later, a page)."""
    if not changes:
        return []
    lines = [
        f"{changes.get('rows_created', 0)} new, {changes.get('rows_changed', 0)} changed, "
        f"{changes.get('rows_unchanged', 0)} unchanged"
        f" (from {changes.get('rows_fetched', 0)} rows in {changes.get('pages', 1)} page(s)"
        + (f", {changes['retries']} retried request(s)" if changes.get("retries") else "")
        + ")"
    ]
    if changes.get("rows_quarantined"):
        lines.append(f"{changes['rows_quarantined']} row(s) quarantined")
    for item in changes.get("sample", []):
        group = f" · {item['group']}" if item.get("group") else ""
        old = "new" if item["old"] is None else f"{item['old']:g}"
        new = f"{item['new']:g}" if item["new"] is not None else "—"
        lines.append(
            f"{item['indicator']} · {item['area']}{group} · {item['period']}: {old} → {new}"
        )
    if changes.get("skipped_count"):
        lines.append(f"{changes['skipped_count']} fetched value(s) not loaded:")
        lines += [f"  {note}" for note in changes.get("skipped", [])]
        if changes["skipped_count"] > len(changes.get("skipped", [])):
            lines.append("  ...")
    return lines


# --- scheduling ---------------------------------------------------------------------------


def due_sources(now: datetime | None = None):
    now = now or timezone.now()
    return Source.objects.filter(kind__in=list(CONNECTORS), schedule_minutes__gt=0).filter(
        Q(next_refresh_at__isnull=True) | Q(next_refresh_at__lte=now)
    )


def enqueue_due(now: datetime | None = None) -> list[Source]:
    """Enqueue a refresh for every due source, once: the claim moves ``next_refresh_at``
    on, guarded by its old value, so two schedulers never enqueue the same turn twice."""
    from civicloop.measure.tasks import refresh_source_task

    now = now or timezone.now()
    enqueued = []
    for source in due_sources(now):
        following = now + timedelta(minutes=source.schedule_minutes)
        with transaction.atomic():
            claimed = Source.objects.filter(
                pk=source.pk, next_refresh_at=source.next_refresh_at
            ).update(next_refresh_at=following)
            if claimed:
                refresh_source_task.enqueue(source.pk)
                enqueued.append(source)
    return enqueued


def mark_abandoned(now: datetime | None = None) -> int:
    """Refreshes still 'running' long after they started lost their worker (killed,
    machine restarted); their load, if any, rolled back with them. Say so."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    stale = Refresh.objects.filter(status=RefreshStatus.RUNNING, started_at__lt=cutoff)
    if not stale.exists():  # the usual case; a read takes no write lock on SQLite
        return 0
    return stale.update(
        status=RefreshStatus.FAILED,
        finished_at=now or timezone.now(),
        error="interrupted: the worker stopped before the refresh finished; nothing was loaded",
    )


def schedule_once(now: datetime | None = None, *, reminders: bool = True) -> list[Source]:
    """One scheduler tick: tidy abandoned refreshes, enqueue the due ones, and (`reminders`)
    the data calendar's reminders when some are waiting (`civicloop.measure.reminders`)."""
    mark_abandoned(now)
    if reminders:
        _enqueue_reminders(now)
    return enqueue_due(now)


def _enqueue_reminders(now: datetime | None) -> None:
    """Reminders never stop refreshes: a failure is logged and the next look tries again."""
    from civicloop.measure.reminders import enqueue_reminders

    try:
        if enqueue_reminders(now):
            log.info("enqueued the data calendar's reminders")
    except Exception:
        log.exception("could not look at the data calendar's reminders")


def _scheduler_loop(stop: threading.Event, tick: float) -> None:
    from civicloop.measure.reminders import REMIND_EVERY

    last_look = None  # the calendar is read once every REMIND_EVERY, not every tick
    while not stop.is_set():
        try:
            look = last_look is None or time.monotonic() - last_look >= REMIND_EVERY.total_seconds()
            if look:
                last_look = time.monotonic()
            for source in schedule_once(reminders=look):
                log.info("enqueued a refresh of %s", source)
        except DatabaseError:
            log.exception("scheduler tick failed; trying again in %s s", tick)
        finally:
            close_old_connections()
        stop.wait(tick)


# --- the worker ---------------------------------------------------------------------------


def _db_worker(*, interval: float, batch: bool):
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"civicloop-{os.getpid()}-{get_random_string(8)}",
        excluded_queue_names=[],
    )


def run_worker(*, interval: float = 1.0, tick: float = 30.0, once: bool = False) -> None:
    """``civicloop worker``: the scheduler in a thread, Django's database worker here.

    ``once``: enqueue what is due, run every queued task, and return (for cron and tests).
    """
    for name in ("civicloop.refresh", "django_tasks", "django_tasks_db"):
        logging.getLogger(name).setLevel(logging.INFO)  # say what the worker does
    if once:
        schedule_once()
        _db_worker(interval=0, batch=True).run()
        return
    stop = threading.Event()
    scheduler = threading.Thread(
        target=_scheduler_loop, args=(stop, tick), name="civicloop-scheduler", daemon=True
    )
    scheduler.start()
    worker = _db_worker(interval=interval, batch=False)
    worker.configure_signals()  # SIGTERM/SIGINT: finish the current task, then stop
    try:
        worker.run()
    finally:
        stop.set()


@dataclass
class BackgroundWorker:
    """The worker as a child process (``civicloop worker``), e.g. beside ``serve``."""

    process: subprocess.Popen

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 30.0) -> int:
        """Ask it to finish its current task and stop; kill it after ``timeout`` seconds
        (a refresh killed mid-load rolls back, so nothing half-loaded remains)."""
        if self.running:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_background_worker(*, interval: float = 1.0, tick: float = 30.0) -> BackgroundWorker:
    """Start ``civicloop worker`` for the current workspace; ``.stop()`` ends it.

    A separate process rather than a thread: ``serve`` runs gunicorn, which forks, and
    threads do not survive a fork cleanly.
    """
    command = [
        sys.executable,
        "-m",
        "civicloop.cli",
        "worker",
        "--interval",
        str(interval),
        "--tick",
        str(tick),
    ]
    return BackgroundWorker(subprocess.Popen(command, env=os.environ.copy()))
