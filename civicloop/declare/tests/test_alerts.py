"""Alerts: a changed verdict, a strategy crossing a threshold, an overdue commitment reach
each subscriber once, by email (a local SMTP server) and by signed webhook (a local
receiver that checks the signature)."""

from __future__ import annotations

import csv

import pytest

from civicloop.declare import alerts
from civicloop.declare.models import Alert, Subscription, Watch
from civicloop.table.models import Commitment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_these_subscribers(riverton):
    """The demo's own subscribers would receive these alerts too; the tests name theirs."""
    Subscription.objects.filter(collaborative=riverton).delete()


@pytest.fixture
def team(riverton, webhook_receiver):
    sub = Subscription.objects.create(
        collaborative=riverton,
        name="Backbone team",
        email="team@riverton.test",
        webhook_url=webhook_receiver.url,
        include_private=True,
    )
    webhook_receiver.secrets.append(sub.secret)
    return sub


@pytest.fixture
def public(riverton):
    return Subscription.objects.create(
        collaborative=riverton, name="Newsroom", email="news@paper.test", kinds=["verdict"]
    )


def raise_savings(riverton, tmp_path):
    """A restated survey series that rises clearly: the verdict changes from no clear trend."""
    from civicloop.measure.loads import load_file

    path = tmp_path / "savings.csv"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["indicator", "area", "period", "value", "margin_of_error", "confidence_level"]
        )
        for i, year in enumerate(range(2016, 2026)):
            out.writerow(["emergency-savings", "riverton", year, 38 + 2 * i, 1.0, 0.9])
    report = load_file(path, riverton, approve=True)  # alerts read approved values
    assert report.ok, report.problems


def test_each_change_reaches_each_subscriber_once(
    riverton,
    team,
    public,
    smtp_server,
    webhook_receiver,
    tmp_path,
):
    overdue = list(Commitment.objects.filter(collaborative=riverton).overdue())
    assert overdue  # the demo has overdue commitments

    first = alerts.check(riverton)
    # Verdicts seen for the first time are only remembered; an overdue commitment is news.
    assert {a.kind for a in first.alerts} == {"commitment"}
    assert sorted(a.subscription.name for a in first.alerts) == ["Backbone team"] * len(overdue)
    assert len(smtp_server) == len(overdue) and len(webhook_receiver.received) == len(overdue)
    assert all(valid for _, _, valid in webhook_receiver.received)
    assert Watch.objects.filter(collaborative=riverton, key__startswith="verdict:").exists()

    again = alerts.check(riverton)
    assert again.events == [] and again.alerts == [] and again.sent == []
    assert len(smtp_server) == len(overdue)  # nothing sent twice

    raise_savings(riverton, tmp_path)
    changed = alerts.check(riverton)
    savings = [a for a in changed.alerts if a.payload.get("indicator") == "emergency-savings"]
    assert {a.subscription.name for a in savings} == {"Backbone team", "Newsroom"}
    news = [m for m in smtp_server if m["X-Rcpt"] == "news@paper.test"]
    assert len(news) == 1
    assert " ".join(str(news[0]["Subject"]).split()) == (  # unfolded
        "[Riverton Cradle to Career] Families able to cover a $400 emergency in Riverton: "
        "now improving (was no clear trend)"
    )
    assert news[0]["From"] == "alerts@civicloop.test"
    headers, body, valid = webhook_receiver.received[-1]
    assert valid and headers["X-Civicloop-Event"] in ("verdict", "strategy")
    hooked = [
        b
        for _, b, _ in webhook_receiver.received
        if b["data"].get("indicator") == "emergency-savings"
    ]
    assert (
        hooked[0]["data"]["status"] == "improving"
        and hooked[0]["data"]["previous"] == "no_clear_trend"
    )

    assert alerts.check(riverton).alerts == []
    assert Alert.objects.filter(subscription=public).count() == 1


def test_a_strategy_whose_evidence_crosses_the_threshold(riverton, team, smtp_server, tmp_path):
    """Attendance text nudges had no effect; restated data in which chronic absence fell 6
    points in its four West Ward neighbourhoods from its start make it "working"."""
    from civicloop.measure.loads import load_file
    from civicloop.results.models import Observation

    alerts.check(riverton)  # remember the current verdicts
    west = Observation.objects.filter(
        series__indicator__slug="chronic-absence",
        series__area__parent__code="west",
        series__group__isnull=True,
    ).select_related("series__area", "period")
    path = tmp_path / "absence.csv"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["indicator", "area", "period", "value"])
        for o in west:
            after = o.period.label >= "2020-21"
            out.writerow(
                ["chronic-absence", o.series.area.code, o.period.label, o.value - 6 * after]
            )
    assert load_file(path, riverton, approve=True).ok  # alerts read approved values
    changed = alerts.check(riverton)
    [nudges] = [a for a in changed.alerts if a.payload.get("strategy") == "attendance-text-nudges"]
    assert nudges.kind == "strategy" and nudges.payload["status"] == "working"
    assert nudges.subject.startswith(
        "Attendance text nudges: the evidence on chronic absence in K-3 now says working (was "
    )
    assert "the threshold is 0.05" in nudges.body
    assert any("Attendance text nudges" in str(m["Subject"]) for m in smtp_server)


def test_a_failed_webhook_is_retried_and_then_sent_once(
    riverton,
    team,
    smtp_server,
    webhook_receiver,
):
    webhook_receiver.fail_next = 100
    first = alerts.check(riverton)
    assert first.failed and all("HTTP 500" in f for f in first.failed)
    assert len(smtp_server) == len(first.alerts)  # the email went; only the webhook failed
    webhook_receiver.fail_next = 0
    retried = alerts.check(riverton)
    assert retried.alerts == []  # no new alert: the same ones, delivered now
    assert len(webhook_receiver.received) == len(first.alerts)
    assert len(smtp_server) == len(first.alerts)  # and the emails were not sent again
    assert alerts.check(riverton).sent == []


def test_the_public_hears_only_of_what_is_declared(riverton, public):
    events = alerts.current_states(riverton)
    private = [e for e in events if not e.public]
    assert private  # undeclared indicators, strategies without a published decision...
    assert not any(public.wants(e.kind, e.public) for e in private)


def test_a_signature_is_hmac_sha256_of_the_body():
    import hashlib
    import hmac

    body = b'{"kind": "verdict"}'
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert alerts.sign("s3cret", body) == f"sha256={expected}"
    assert alerts.verify("s3cret", body, f"sha256={expected}")
    assert not alerts.verify("other", body, f"sha256={expected}")


def test_after_a_load_the_worker_checks_alerts_without_being_asked(
    riverton, team, smtp_server, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    """A load that changes data enqueues one check; the worker runs it and the verdict's
    change reaches the subscriber, with nobody running ``civicloop declare alerts``."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    from civicloop.measure.loads import load_file, rollback
    from civicloop.measure.models import Load
    from civicloop.measure.refresh import run_worker

    # The worker closes stale connections between tasks: inside the test's transaction
    # that would close the test's own connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    alerts.check(riverton)  # remember the current verdicts
    before = len(smtp_server)
    DBTaskResult.objects.all().delete()  # the demo's own loads left a check queued

    with django_capture_on_commit_callbacks(execute=True):
        raise_savings(riverton, tmp_path)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "civicloop.declare.tasks.check_alerts_task"
    assert queued.args_kwargs == {"args": [riverton.pk], "kwargs": {}}

    run_worker(once=True)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL", queued.traceback
    assert queued.return_value["alerts"] >= 1 and queued.return_value["failed"] == 0
    subjects = [str(m["Subject"]) for m in smtp_server[before:]]
    assert any("emergency" in s and "now improving" in " ".join(s.split()) for s in subjects)

    # Loading the same file again changes nothing, so nothing is enqueued.
    with django_capture_on_commit_callbacks(execute=True):
        again = load_file(tmp_path / "savings.csv", riverton, approve=True)
    assert again.rows_created == again.rows_changed == 0
    assert DBTaskResult.objects.count() == 1
    # Rolling the load back changes data: one check is enqueued, and only one while it waits.
    latest = Load.objects.filter(collaborative=riverton, rows_changed__gt=0).latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        rollback(latest)
        raise_savings(riverton, tmp_path)
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_each_reader_hears_in_their_own_language(riverton, public, smtp_server, tmp_path):
    from civicloop.core.models import User

    User.objects.create_user("lucia", email="lucia@periodico.test", language="es")
    Subscription.objects.create(
        collaborative=riverton, name="Periódico", email="lucia@periodico.test", kinds=["verdict"]
    )
    alerts.check(riverton)  # the verdicts are seen for the first time: remembered
    raise_savings(riverton, tmp_path)
    alerts.check(riverton)
    [english] = [m for m in smtp_server if m["X-Rcpt"] == "news@paper.test"]
    [spanish] = [m for m in smtp_server if m["X-Rcpt"] == "lucia@periodico.test"]
    assert "now improving (was no clear trend)" in " ".join(str(english["Subject"]).split())
    subject = " ".join(str(spanish["Subject"]).split())
    assert "now improving" not in subject and "ahora" in subject, subject
    body = spanish.get_payload(decode=True).decode()
    assert "Cada alerta se envía una sola vez" in " ".join(body.split()), body
