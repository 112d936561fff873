"""Declare's part of the demo: declarations at every step of their life, and a subscriber.

Called at the end of the demo install (`civicloop.demo.install`). Everything goes through
`civicloop.declare.workflow`, with the demo's own people, exactly as on the pages:

- four declarations drafted by staff, approved by the chair and published (third-grade
  reading in the South Ward is the example of the brief);
- a draft about families' emergency savings whose edit ("rose ... up from ...") was refused:
  the last rise is within the survey's margin of error (the demo's planted signal 3);
- an edited draft waiting for the chair;
- a funder subscribed to alerts about what is declared, and the backbone team to all of
  them (by email: into the workspace's outbox/ unless CIVICLOOP_SMTP_URL is set).
"""

from __future__ import annotations

from civicloop.core.models import User
from civicloop.declare import workflow
from civicloop.declare.models import Subscription
from civicloop.results.models import Area, Collaborative, Indicator

PUBLISHED = [
    # indicator, area code, drafted by, the chair's note
    ("third-grade-reading", "south", "analyst", "The restated 2024-25 scores are in."),
    ("kindergarten-readiness", "south", "analyst", "Matches the review's evidence."),
    ("unemployment-rate", "riverton", "backbone", ""),
    ("child-poverty", "riverton", "backbone", ""),
]
REFUSED_EDIT = (
    "Families able to cover a $400 emergency rose to 43.0% in 2025, up from 40.0% in 2024: "
    "the family savings accounts are working."
)


def install(collab: Collaborative) -> None:
    people = {
        u.username: u for u in User.objects.filter(username__in=["backbone", "chair", "analyst"])
    }
    areas = {a.code: a for a in Area.objects.filter(collaborative=collab)}
    indicators = {i.slug: i for i in Indicator.objects.filter(result__collaborative=collab)}
    for slug, area, drafter, note in PUBLISHED:
        d = workflow.draft(indicators[slug], areas[area], people[drafter])
        workflow.approve(d, people["chair"], note)
        workflow.publish(d, people["backbone"])

    savings = workflow.draft(indicators["emergency-savings"], areas["riverton"], people["backbone"])
    try:
        workflow.edit(savings, REFUSED_EDIT, people["backbone"], note="Good news for the funders")
    except workflow.Unsupported:
        pass  # refused, as it must be: the reasons are in the draft's history

    absence = workflow.draft(indicators["chronic-absence"], areas["riverton"], people["analyst"])
    workflow.edit(
        absence,
        absence.text + " Attendance text nudges, tried in the West Ward, are being adapted.",
        people["analyst"],
        note="Add what the table decided",
    )

    Subscription.objects.create(
        collaborative=collab,
        name="Riverton Community Foundation (funder)",
        email="grants@riverton-foundation.example",
        created_by=people["backbone"],
    )
    Subscription.objects.create(
        collaborative=collab,
        name="Backbone team",
        email="team@riverton-c2c.example",
        include_private=True,
        created_by=people["backbone"],
    )
