"""Reminders: the people who owe an indicator's numbers hear by email (a local SMTP server)
before they are due and when overdue, once each, with a link to the entry form; the worker
sends them with nobody asking."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from civicloop.core import access
from civicloop.core.tests.browser import free_port
from civicloop.measure import calendar_data, reminders
from civicloop.measure.models import DataReminder
from civicloop.results.models import Indicator

pytestmark = pytest.mark.django_db

SEATS = "licensed-child-care-seats"  # yearly, stewarded by Little Steps (carol's)
NAME = "Licensed child-care seats per 100 children under 5"
SITE = "https://civicloop.example.org"
DUE_SOON = date(2027, 6, 10)  # 2026's seats are due on 29 June 2027
OVERDUE = date(2027, 7, 10)


@pytest.fixture
def people(riverton, alice, carol, monkeypatch):
    monkeypatch.setenv("CIVICLOOP_SITE_URL", "https://civicloop.example.org/")
    carol.email = "carol@littlesteps.test"
    carol.save()
    alice.email = "alice@backbone.test"
    alice.save()
    return {"carol": carol, "alice": alice}


def to(mailbox, address):
    return [m for m in mailbox if m["X-Rcpt"] == address]


def test_a_steward_is_reminded_before_and_after_the_due_date_once_each(
    riverton, people, smtp_server
):
    reminders.remind(riverton, on=DUE_SOON)
    # One email to carol: the seats due soon, with her commitments' measures overdue.
    (before,) = to(smtp_server, "carol@littlesteps.test")
    body = " ".join(before.get_payload().split())
    assert f"{NAME} for 2026 is due by 29 June 2027." in body
    assert f"Enter the numbers: {SITE}/c/riverton/measure/enter/?indicator={SEATS}" in body
    assert "] Data due or overdue: " in str(before["Subject"])
    reminder = DataReminder.objects.get(indicator__slug=SEATS, kind="due")
    assert reminder.period_label == "2026" and reminder.sent_at is not None
    assert reminder.recipients == ["carol@littlesteps.test"]

    reminders.remind(riverton, on=DUE_SOON)  # again: nothing new
    reminders.remind(riverton, on=date(2027, 6, 20))
    assert len(to(smtp_server, "carol@littlesteps.test")) == 1

    reminders.remind(riverton, on=OVERDUE)
    after = to(smtp_server, "carol@littlesteps.test")
    assert len(after) == 2
    subject = " ".join(str(after[1]["Subject"]).split())
    assert subject.endswith(f"] Overdue: {NAME} for 2026")
    assert "was due on 29 June 2027" in " ".join(after[1].get_payload().split())
    reminders.remind(riverton, on=OVERDUE)
    assert len(to(smtp_server, "carol@littlesteps.test")) == 2
    assert DataReminder.objects.filter(indicator__slug=SEATS).count() == 2


def test_what_no_organisation_owes_goes_to_the_backbone_in_one_email(riverton, people, smtp_server):
    report = reminders.remind(riverton, on=DUE_SOON)
    mine = [w for w in report.new if w.recipients == ["alice@backbone.test"]]
    assert len(mine) >= 2  # the indicators with no steward
    assert all(not w.row.owers for w in mine)
    (email,) = to(smtp_server, "alice@backbone.test")
    body = email.get_payload()
    assert body.count("Enter the numbers:") == len(mine)
    for w in mine:
        assert w.row.indicator.name in body


def test_nobody_with_an_email_address_means_nothing_is_recorded(riverton, smtp_server):
    report = reminders.remind(riverton, on=DUE_SOON)  # the demo's people have no address
    assert report.new == [] and report.sent == []
    assert report.nobody
    assert not DataReminder.objects.exists()
    assert len(smtp_server) == 0


def test_a_dry_run_says_who_would_hear_and_changes_nothing(riverton, people, smtp_server):
    report = reminders.remind(riverton, on=DUE_SOON, dry_run=True)
    assert any(w.row.indicator.slug == SEATS and w.kind == "due" for w in report.new)
    assert not DataReminder.objects.exists() and len(smtp_server) == 0


def test_a_failed_email_is_retried_and_then_sent_once(riverton, people, monkeypatch, request):
    monkeypatch.setenv("CIVICLOOP_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nobody there
    failed = reminders.remind(riverton, on=DUE_SOON)
    assert failed.failed and not failed.sent
    reminder = DataReminder.objects.get(indicator__slug=SEATS, kind="due")
    assert reminder.sent_at is None and reminder.attempts == 1 and reminder.error
    mailbox = request.getfixturevalue("smtp_server")  # now the server is up
    reminders.remind(riverton, on=DUE_SOON)
    assert len(to(mailbox, "carol@littlesteps.test")) == 1
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.error == "" and reminder.attempts == 2
    reminders.remind(riverton, on=DUE_SOON)
    assert len(to(mailbox, "carol@littlesteps.test")) == 1


def test_numbers_that_came_in_meanwhile_are_not_asked_for(
    riverton, people, monkeypatch, request, tmp_path
):
    from civicloop.measure.loads import load_file

    monkeypatch.setenv("CIVICLOOP_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    reminders.remind(riverton, on=DUE_SOON)  # recorded, not sent
    path = tmp_path / "seats.csv"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["indicator", "area", "period", "value"])
        out.writerow([SEATS, "riverton", "2026", 30.5])
    assert load_file(path, riverton).ok  # pending approval: delivered all the same
    mailbox = request.getfixturevalue("smtp_server")
    reminders.remind(riverton, on=DUE_SOON)
    # Carol still hears of her commitments' measures, not of the seats she sent.
    assert all(NAME not in m.get_payload() for m in to(mailbox, "carol@littlesteps.test"))
    reminder = DataReminder.objects.get(indicator__slug=SEATS, kind="due")
    assert reminder.sent_at is None and reminder.error == "not sent: no longer due"


def test_who_owes_what(riverton, people, bob, dave):
    bob.email = "bob@schools.test"
    bob.save()
    rows = calendar_data.calendar_rows(riverton, on=DUE_SOON)
    owed = access.people_owing(riverton, {r.indicator.pk: r.owers for r in rows})
    by_slug = {r.indicator.slug: owed[r.indicator.pk] for r in rows}
    assert by_slug[SEATS] == [people["carol"]]
    assert by_slug["third-grade-reading"] == [bob]  # a chair speaks for the schools
    unstewarded = [r for r in rows if not r.owers]
    assert unstewarded and all(by_slug[r.indicator.slug] == [people["alice"]] for r in unstewarded)
    seats = Indicator.objects.get(result__collaborative=riverton, slug=SEATS)
    assert [o.slug for o in access.owing_organisations(seats)] == [
        "little-steps-child-care-alliance"
    ]
    carols = access.data_duty(people["carol"], riverton)
    assert carols.member and carols.owes(access.owing_organisations(seats))
    assert not carols.owes([])  # what no organisation owes is the backbone's
    assert access.data_duty(people["alice"], riverton).owes([])
    assert not access.data_duty(dave, riverton).owes(access.owing_organisations(seats))


def test_the_worker_sends_reminders_with_nobody_asking(riverton, people, smtp_server, monkeypatch):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    from civicloop.measure.refresh import run_worker

    # The worker closes stale connections between tasks: inside the test's transaction
    # that would close the test's own connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(calendar_data, "today", lambda: DUE_SOON)
    DBTaskResult.objects.all().delete()
    run_worker(once=True)
    task = DBTaskResult.objects.get(task_path="civicloop.measure.tasks.send_reminders_task")
    assert task.status == "SUCCESSFUL", task.traceback
    assert task.return_value["sent"] >= 2 and task.return_value["failed"] == 0
    assert len(to(smtp_server, "carol@littlesteps.test")) == 1
    sent = len(smtp_server)
    run_worker(once=True)  # nothing waits: no task, no email
    assert DBTaskResult.objects.filter(task_path=task.task_path).count() == 1
    assert len(smtp_server) == sent
