"""Background tasks of the declare stage, on Django's tasks framework (``django_tasks``).

After every load that changes observations, `after_load` enqueues `check_alerts_task`:
the worker (``civicloop worker``, started by ``civicloop serve``) brings learn's stored
analyses up to date and tells alert subscribers what changed, so nobody has to run
``civicloop declare alerts`` by hand or from cron (both still work).
"""

from __future__ import annotations

from django_tasks import task

from civicloop.results.models import Collaborative


@task()
def check_alerts_task(collaborative_id: int) -> dict:
    """`civicloop.declare.alerts.check` for one collaborative (analyses first, then alerts)."""
    from civicloop.declare import alerts

    collaborative = Collaborative.objects.filter(pk=collaborative_id).first()
    if collaborative is None:  # deleted since it was enqueued
        return {"collaborative": collaborative_id, "status": "gone"}
    report = alerts.check(collaborative)
    return {
        "collaborative": collaborative_id,
        "events": len(report.events),
        "alerts": len(report.alerts),
        "sent": len(report.sent),
        "failed": len(report.failed),
    }


def after_load(sender, *, collaborative, load, **kwargs) -> None:
    """Receiver of `civicloop.measure.signals.observations_changed`: enqueue a check unless
    one for the collaborative is still waiting (it will see this load's data too), so a
    burst of loads costs one check."""
    from django_tasks_db.models import DBTaskResult, TaskResultStatus

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=check_alerts_task.module_path,
        args_kwargs={"args": [collaborative.pk], "kwargs": {}},
    )
    if not waiting.exists():
        check_alerts_task.enqueue(collaborative.pk)
