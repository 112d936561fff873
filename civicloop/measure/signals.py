"""What the measure stage tells later stages: observations changed.

`observations_changed` is sent once a load (an upload, a refresh, a rollback) that
created or changed observations has committed, with ``collaborative`` and ``load``.
Later stages listen without measure knowing them: declare brings learn's analyses
up to date and tells alert subscribers (`civicloop.declare.tasks`).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

observations_changed = Signal()

log = logging.getLogger(__name__)


def announce(collaborative, load) -> None:
    """Send `observations_changed` when the current transaction commits (at once outside
    one). A listener's failure is logged: the data is in, whatever a listener does."""

    def send() -> None:
        for receiver, result in observations_changed.send_robust(
            sender=type(load), collaborative=collaborative, load=load
        ):
            if isinstance(result, Exception):
                log.warning("after load #%s, %s failed: %s", load.pk, receiver, result)

    transaction.on_commit(send)
