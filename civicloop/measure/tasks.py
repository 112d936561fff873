"""Background tasks of the measure stage, on Django's tasks framework (``django_tasks``).

The database worker (``civicloop worker``) runs them; see ``measure.refresh`` (refreshes) and
``measure.reminders`` (the data calendar's reminders).
"""

from __future__ import annotations

from django_tasks import task

from civicloop.measure.models import Source
from civicloop.measure.refresh import refresh_source


@task()
def refresh_source_task(source_id: int) -> dict:
    """Refresh one source. A failed refresh is recorded on its `Refresh`, not raised, so the
    task itself succeeds; only an unexpected error fails the task (with its traceback)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:  # deleted since it was enqueued
        return {"source": source_id, "status": "gone"}
    refresh = refresh_source(source)
    return {"source": source_id, "refresh": refresh.pk, "status": refresh.status}


@task()
def send_reminders_task() -> dict:
    """The data calendar's reminders for every collaborative (`measure.reminders`), which the
    scheduler enqueues once an hour (`reminders.enqueue_reminders`)."""
    from civicloop.measure.reminders import remind_all

    return remind_all()
