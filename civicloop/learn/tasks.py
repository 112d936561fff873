"""Background task of the learn stage, on Django's tasks framework (``django_tasks``).

``analyse_task.enqueue(collab.pk)`` has the database worker (``civicloop worker``) bring
the stored results up to date. Loads need not: after every load that changes data,
declare's alert check (`civicloop.declare.tasks`) runs ``store.analyse`` first. Nothing
is lost without either: pages compute stale results on the fly, and every
``civicloop learn`` command analyses first.
"""

from __future__ import annotations

from django_tasks import task

from civicloop.learn import store
from civicloop.results.models import Collaborative


@task()
def analyse_task(collaborative_id: int) -> dict:
    """Recompute what changed in one collaborative; say how much was recomputed."""
    collaborative = Collaborative.objects.filter(pk=collaborative_id).first()
    if collaborative is None:  # deleted since it was enqueued
        return {"collaborative": collaborative_id, "status": "gone"}
    done = store.analyse(collaborative)
    return {
        "collaborative": collaborative_id,
        "series": len(done.series),
        "effects": len(done.effects),
    }
