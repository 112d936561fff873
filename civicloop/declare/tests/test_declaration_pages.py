"""The working pages: staff draft and edit, the editor is told why a claim is refused, a chair
approves, and a partner or a stranger cannot do any of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.core.tests.people import PASSWORD
from civicloop.declare import workflow
from civicloop.declare.models import Declaration, DeclarationStatus
from civicloop.declare.tests.helpers import SAVINGS_CLAIM, area, indicator

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    # Asserted: a failed sign-in would leave an anonymous client, and a "refused" answer
    # would then pass for the wrong reason.
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_staff_draft_from_the_page(client, riverton, alice):
    signed_in(client, alice)
    ind, south = indicator(riverton, "third-grade-reading"), area(riverton, "south")
    response = client.post(
        reverse("declaration_new", args=["riverton"]), {"indicator": ind.pk, "area": south.pk}
    )
    d = Declaration.objects.get(indicator=ind, area=south, status="draft")
    assert response.status_code == 302 and response.url == d.get_absolute_url()
    page = client.get(d.get_absolute_url()).content.decode()
    assert "Third-grade reading proficiency in the South Ward rose from" in page
    assert "Save the words" in page and "Approve as chair" not in page


def test_the_editor_is_told_why_a_claim_is_refused(client, riverton, alice):
    d = workflow.draft(indicator(riverton, "emergency-savings"), area(riverton, "riverton"), alice)
    signed_in(client, alice)
    response = client.post(
        reverse("declaration_edit", args=["riverton", d.pk]), {"text": SAVINGS_CLAIM}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Not saved: the evidence does not support these claims" in page
    assert "&quot;rose&quot; claims a change, but the evidence says no clear trend" in page
    assert "rose to 43.0% in 2025, up from 40.0%" in page  # the words stay, to fix
    d.refresh_from_db()
    assert d.text != SAVINGS_CLAIM


def test_a_chair_approves_and_a_backbone_admin_publishes(client, riverton, alice, bob):
    d = workflow.draft(indicator(riverton, "child-poverty"), area(riverton, "riverton"), alice)
    signed_in(client, bob)
    assert "Approve as chair" in client.get(d.get_absolute_url()).content.decode()
    client.post(reverse("declaration_approve", args=["riverton", d.pk]), {"note": "Agreed"})
    client.logout()
    signed_in(client, alice)
    client.post(reverse("declaration_publish", args=["riverton", d.pk]))
    d.refresh_from_db()
    assert d.status == DeclarationStatus.PUBLISHED
    public = client.get(reverse("public_declaration", args=["riverton", d.pk]))
    assert public.status_code == 200 and d.text in public.content.decode()


def test_partners_cannot_draft_approve_or_publish(client, riverton, alice, carol):
    d = workflow.draft(indicator(riverton, "child-poverty"), area(riverton, "riverton"), alice)
    signed_in(client, carol)
    page = client.get(d.get_absolute_url()).content.decode()
    assert "Save the words" not in page and "Approve as chair" not in page
    for name in ("declaration_edit", "declaration_approve", "declaration_publish"):
        response = client.post(reverse(name, args=["riverton", d.pk]), {"text": "Poverty fell."})
        assert response.status_code == 403, name
    assert client.post(reverse("declaration_new", args=["riverton"]), {}).status_code == 403


def test_the_public_is_sent_to_the_public_site_and_strangers_see_nothing(
    client, riverton, alice, frank
):
    d = workflow.draft(indicator(riverton, "child-poverty"), area(riverton, "riverton"), alice)
    response = client.get(reverse("declarations", args=["riverton"]))
    assert response.status_code == 302 and response.url == "/public/c/riverton/declarations/"
    assert client.get(d.get_absolute_url()).status_code == 404
    signed_in(client, frank)
    assert client.get(d.get_absolute_url()).status_code == 404


def test_backbone_admins_subscribe_people_to_alerts(client, riverton, alice, erin):
    signed_in(client, erin)
    assert (
        "Add a subscriber"
        not in client.get(reverse("subscriptions", args=["riverton"])).content.decode()
    )
    client.logout()
    signed_in(client, alice)
    url = reverse("subscriptions", args=["riverton"])
    assert client.post(url, {"name": "Nobody"}).status_code == 422  # no channel
    client.post(
        url, {"name": "Funder", "webhook_url": "https://example.org/hook", "kinds": ["verdict"]}
    )
    sub = riverton.subscriptions.get(name="Funder")
    assert sub.kinds == ["verdict"] and len(sub.secret) > 30
