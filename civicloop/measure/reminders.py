"""Reminders: the people who owe an indicator's numbers hear by email before they are due and
once more when they are overdue, each time with a link straight to the data-entry form.

`remind(collaborative)` (run by the worker when the scheduler, looking every `REMIND_EVERY`,
finds reminders waiting, see `enqueue_reminders`; and by ``civicloop measure remind``):

1. reads the data calendar (`calendar_data.calendar_rows`): each indicator that is *due*
   wants a "due" reminder for its next period, each *overdue* one an "overdue" reminder;
2. creates one `DataReminder` per indicator, period and kind, unique in the database, so
   a second run creates nothing and nobody hears twice; its recipients are fixed then:
   the members of the organisations that owe the numbers, or the backbone admins when no
   organisation does (`access.people_owing`); with nobody to tell, nothing is recorded;
3. delivers every reminder not yet sent: the reminders going to the same people are sent
   together, in one email; an email that fails is retried by the next run, up to
   `alerts.MAX_ATTEMPTS`. A reminder whose numbers came in the meantime is not sent.
   Each reader hears in their own language (`User.language`, else the site's): readers of
   different languages get one email per language.

Email goes through the alerts' mail set-up (`civicloop.declare.alerts.email_connection`:
``CIVICLOOP_SMTP_URL``, else the workspace's ``outbox/``). Links start with
``CIVICLOOP_SITE_URL`` (default ``http://localhost:8000``), the address people open
civicloop at.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicloop.core import access
from civicloop.core.language import by_language
from civicloop.measure import calendar_data
from civicloop.measure import datacalendar as dc
from civicloop.measure.models import DataReminder, ReminderKind
from civicloop.results.models import Collaborative

log = logging.getLogger("civicloop.reminders")

REMIND_EVERY = timedelta(hours=1)  # how often the worker looks at the calendar
KIND_OF_STATUS = {dc.DUE: ReminderKind.DUE, dc.OVERDUE: ReminderKind.OVERDUE}


@dataclass(frozen=True)
class Wanted:
    """A reminder the calendar calls for today."""

    row: calendar_data.CalendarRow
    kind: str
    recipients: list[str]

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.row.indicator.pk, self.row.entry.next.label, self.kind)


@dataclass
class RemindReport:
    wanted: list[Wanted] = field(default_factory=list)  # what the calendar calls for
    new: list[Wanted] = field(default_factory=list)  # not reminded before (dry run: would be)
    nobody: list[Wanted] = field(default_factory=list)  # no one to tell: recorded nowhere
    sent: list[str] = field(default_factory=list)  # one line per email sent
    failed: list[str] = field(default_factory=list)


def site_url() -> str:
    return os.environ.get("CIVICLOOP_SITE_URL", "http://localhost:8000").rstrip("/")


def wanted(collaborative: Collaborative, on: date | None = None) -> list[Wanted]:
    rows = [
        r for r in calendar_data.calendar_rows(collaborative, on=on) if r.status in KIND_OF_STATUS
    ]
    people = access.people_owing(collaborative, {r.indicator.pk: r.owers for r in rows})
    return [
        Wanted(r, KIND_OF_STATUS[r.status], [u.email for u in people[r.indicator.pk]]) for r in rows
    ]


def remind(
    collaborative: Collaborative, *, on: date | None = None, dry_run: bool = False
) -> RemindReport:
    """Record the reminders the calendar calls for, once each, and send those not yet sent
    (`dry_run`: only say what would be recorded; change and send nothing)."""
    report = RemindReport(wanted=wanted(collaborative, on))
    recorded = set(
        DataReminder.objects.filter(indicator__result__collaborative=collaborative).values_list(
            "indicator_id", "period_label", "kind"
        )
    )
    for item in report.wanted:
        if item.key in recorded:
            continue
        if not item.recipients:
            report.nobody.append(item)
            continue
        if dry_run:
            report.new.append(item)
            continue
        entry = item.row.entry
        try:
            with transaction.atomic():
                DataReminder.objects.create(
                    indicator=item.row.indicator,
                    period_label=entry.next.label,
                    period_kind=entry.next.kind,
                    kind=item.kind,
                    due=entry.due,
                    recipients=item.recipients,
                )
        except IntegrityError:  # another run recorded it first
            continue
        report.new.append(item)
    if not dry_run:
        deliver(collaborative, report)
    return report


def deliver(collaborative: Collaborative, report: RemindReport) -> RemindReport:
    """Send the collaborative's reminders not yet sent, one email per set of recipients."""
    still = {w.key: w for w in report.wanted}
    pending = (
        DataReminder.objects.filter(
            indicator__result__collaborative=collaborative,
            sent_at__isnull=True,
            attempts__lt=_max_attempts(),
        )
        .select_related("indicator__result__collaborative")
        .order_by("due", "indicator__name", "pk")
    )
    groups: dict[tuple[str, ...], list[DataReminder]] = {}
    for reminder in pending:
        if (reminder.indicator_id, reminder.period_label, reminder.kind) not in still:
            # The numbers came (or the next period changed) since it was recorded.
            DataReminder.objects.filter(pk=reminder.pk).update(
                attempts=_max_attempts(), error="not sent: no longer due"
            )
            continue
        groups.setdefault(tuple(reminder.recipients), []).append(reminder)
    connection = None
    for recipients, reminders in groups.items():
        claimed = [r for r in reminders if _claim(r)]
        if not claimed:
            continue
        # Each reader hears in their own language: one email per language among them.
        sent, error = [], ""
        for language, readers in by_language(recipients).items():
            try:
                connection = connection or _connection()
                subject = send_email(collaborative, readers, claimed, connection, language)
            except Exception as exc:  # noqa: BLE001 - any failure is retried next time
                error = str(exc)
                report.failed.append(f"{', '.join(readers)}: {exc}")
                log.warning("reminder to %s failed: %s", ", ".join(readers), exc)
                continue
            sent.append(f"{', '.join(readers)}: {subject}")
        if error and not sent:
            DataReminder.objects.filter(pk__in=[r.pk for r in claimed]).update(error=error)
            continue
        # Some readers heard: the reminder counts as sent (a retry would tell them twice); the
        # failure stays in its error for whoever looks.
        DataReminder.objects.filter(pk__in=[r.pk for r in claimed]).update(
            sent_at=timezone.now(), error=error
        )
        report.sent += sent
    return report


def _claim(reminder: DataReminder) -> bool:
    """Take the reminder for this run: a concurrent run that read the same attempts count
    updates nothing, so one email goes."""
    return bool(
        DataReminder.objects.filter(pk=reminder.pk, attempts=reminder.attempts).update(
            attempts=F("attempts") + 1
        )
    )


def _max_attempts() -> int:
    from civicloop.declare.alerts import MAX_ATTEMPTS

    return MAX_ATTEMPTS


def _connection():
    from civicloop.declare.alerts import email_connection

    return email_connection()


def _line(reminder: DataReminder) -> str:
    indicator = reminder.indicator
    due = date_format(reminder.due, "j F Y")
    if reminder.kind == ReminderKind.OVERDUE:
        when = _("was due on %(due)s") % {"due": due}
    else:
        when = _("is due by %(due)s") % {"due": due}
    link = site_url() + calendar_data.entry_url(indicator)
    return _("- %(indicator)s for %(period)s %(when)s.\n  Enter the numbers: %(link)s") % {
        "indicator": indicator.name,
        "period": reminder.period_label,
        "when": when,
        "link": link,
    }


def subject_for(collaborative: Collaborative, reminders: list[DataReminder]) -> str:
    overdue = any(r.kind == ReminderKind.OVERDUE for r in reminders)
    if len(reminders) == 1:
        r = reminders[0]
        template = (
            _("Overdue: %(indicator)s for %(period)s")
            if overdue
            else _("Due by %(due)s: %(indicator)s for %(period)s")
        )
        text = template % {
            "indicator": r.indicator.name,
            "period": r.period_label,
            "due": date_format(r.due, "j F Y"),
        }
    elif overdue and not all(r.kind == ReminderKind.OVERDUE for r in reminders):
        text = ngettext(
            "Data due or overdue: %(n)d indicator",
            "Data due or overdue: %(n)d indicators",
            len(reminders),
        ) % {"n": len(reminders)}
    elif overdue:
        text = ngettext(
            "Data overdue: %(n)d indicator", "Data overdue: %(n)d indicators", len(reminders)
        ) % {"n": len(reminders)}
    else:
        text = ngettext(
            "Data due soon: %(n)d indicator", "Data due soon: %(n)d indicators", len(reminders)
        ) % {"n": len(reminders)}
    return f"[{collaborative.name}] {text}"


def send_email(
    collaborative: Collaborative,
    recipients: list[str],
    reminders: list[DataReminder],
    connection,
    language: str | None = None,
) -> str:
    """One email to `recipients` about `reminders`, in `language` (their language, see
    `civicloop.core.language.by_language`; the site's when not given), whatever language the
    worker or the command speaks; returns its subject."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _send_email(collaborative, recipients, reminders, connection)


def _send_email(
    collaborative: Collaborative, recipients: list[str], reminders: list[DataReminder], connection
) -> str:
    from civicloop.declare.alerts import sender

    subject = subject_for(collaborative, reminders)
    intro = _("%(collaborative)s's data calendar says these numbers are yours to send:") % {
        "collaborative": collaborative.name
    }
    outro = _(
        "You receive this because your organisation owes these numbers to %(collaborative)s. "
        "Each reminder is sent once before the due date and once when it has passed."
    ) % {"collaborative": collaborative.name}
    body = "\n\n".join([intro, "\n".join(_line(r) for r in reminders), outro])
    message = mail.EmailMessage(
        subject=subject,
        body=body,
        from_email=sender(),
        to=recipients,
        connection=connection,
        headers={"X-Civicloop-Reminder": ",".join(str(r.pk) for r in reminders)},
    )
    message.send(fail_silently=False)
    return subject


def remind_all(on: date | None = None) -> dict:
    """`remind` every collaborative (the worker's task); one that fails does not stop the
    others."""
    totals = {"collaboratives": 0, "new": 0, "sent": 0, "failed": 0}
    for collab in Collaborative.objects.all():
        try:
            report = remind(collab, on=on)
        except Exception:
            log.exception("reminders of %s failed", collab)
            totals["failed"] += 1
            continue
        totals["collaboratives"] += 1
        totals["new"] += len(report.new)
        totals["sent"] += len(report.sent)
        totals["failed"] += len(report.failed)
    return totals


def waiting(on: date | None = None) -> bool:
    """Whether any reminder is waiting to be recorded or sent, without changing anything."""
    unsent = DataReminder.objects.filter(sent_at__isnull=True, attempts__lt=_max_attempts())
    if unsent.exists():
        return True
    return any(remind(c, on=on, dry_run=True).new for c in Collaborative.objects.all())


def enqueue_reminders(now: datetime | None = None) -> bool:
    """Enqueue `send_reminders_task` when reminders are waiting and no such task is queued
    already. Two schedulers racing may both enqueue it; each reminder's uniqueness and its
    claim still send it once."""
    from django_tasks_db.models import DBTaskResult, TaskResultStatus

    from civicloop.measure.tasks import send_reminders_task

    queued = DBTaskResult.objects.filter(
        task_path=send_reminders_task.module_path, status=TaskResultStatus.READY
    )
    if queued.exists():
        return False
    on = timezone.localdate(now) if now is not None else None
    if not waiting(on):
        return False
    send_reminders_task.enqueue()
    return True
