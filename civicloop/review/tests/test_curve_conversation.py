"""The Turn the Curve conversation: who writes it, what it refuses, the history it keeps,
the packet that shows it, and the public that reads only what a chair declared."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from civicloop.results.models import Indicator, Result
from civicloop.review import packet
from civicloop.review.models import CurveConversation
from civicloop.review.tests.helpers import login, todays_review
from civicloop.table.models import Strategy

pytestmark = pytest.mark.django_db

SAVINGS = "emergency-savings"
SEATS = "licensed-child-care-seats"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def edit_url(kind: str, slug: str) -> str:
    return reverse("conversation_edit", args=["riverton", kind, slug])


def declare_url(kind: str, slug: str) -> str:
    return reverse("conversation_declare", args=["riverton", kind, slug])


def form(**fields) -> dict:
    base = {
        "how_are_we_doing": "Above the forecast since 2023.",
        "story": "The matched savings accounts opened in 2020.",
        "partners_roles": "Credit unions could match deposits.",
        "what_works": "Matched savings with automatic deposit.",
        "evidence_links": "Prosperity Now review | https://example.org/matched-savings",
        "action_plan": "Open 400 more accounts in the South Ward.",
    }
    return {**base, **fields}


def test_backbone_staff_write_any_conversation_and_the_page_shows_it(client, alice, riverton):
    login(client, alice)
    page = client.get(edit_url("indicators", SAVINGS))
    assert page.status_code == 200 and "Turn the Curve" in page.content.decode()
    aimed = Strategy.objects.filter(collaborative=riverton, indicators__slug=SAVINGS).first()
    response = client.post(edit_url("indicators", SAVINGS), form(strategies=[aimed.pk]))
    assert response.status_code == 302
    talk = CurveConversation.objects.get(indicator__slug=SAVINGS)
    assert talk.evidence_links == [
        {"title": "Prosperity Now review", "url": "https://example.org/matched-savings"}
    ]
    assert talk.updated_by == alice and list(talk.strategies.all()) == [aimed]
    html = client.get(reverse("indicator", args=["riverton", SAVINGS])).content.decode()
    assert "The story behind the curve" in html and "matched savings accounts" in html
    assert 'href="https://example.org/matched-savings"' in html
    assert "Not declared: the public does not see it." in html


def test_a_steward_writes_its_own_indicators_conversation_only(client, carol, dave, bob):
    login(client, carol)  # Little Steps stewards the child-care seats
    assert client.post(edit_url("indicators", SEATS), form()).status_code == 302
    assert client.get(edit_url("indicators", SAVINGS)).status_code == 403
    assert client.get(edit_url("results", "early-literacy")).status_code == 403
    login(client, dave)
    assert client.get(edit_url("indicators", SEATS)).status_code == 403
    login(client, bob)  # a chair runs the table; writing it is staff work
    assert client.post(edit_url("indicators", SAVINGS), form()).status_code == 403


def test_strangers_are_not_told_it_exists(client, frank):
    assert client.get(edit_url("indicators", SAVINGS)).status_code == 302  # sign in first
    login(client, frank)
    assert client.get(edit_url("indicators", SAVINGS)).status_code == 404


def test_evidence_links_are_http_or_https_on_the_model_and_in_the_form(client, erin, riverton):
    ind = Indicator.objects.get(result__collaborative=riverton, slug=SAVINGS)
    talk = CurveConversation(
        collaborative=riverton, indicator=ind, evidence_links=[{"url": "javascript:alert(1)"}]
    )
    with pytest.raises(ValidationError):
        talk.save()
    talk.evidence_links = [{"title": "ftp", "url": "ftp://example.org/x"}]
    with pytest.raises(ValidationError):
        talk.save()
    login(client, erin)
    response = client.post(
        edit_url("indicators", SAVINGS), form(evidence_links="Bad | javascript:alert(1)")
    )
    assert response.status_code == 200
    assert "http:// or https://" in response.content.decode()
    assert not CurveConversation.objects.filter(indicator=ind).exists()


def test_every_change_is_kept_and_shown(client, alice, erin):
    login(client, alice)
    client.post(edit_url("indicators", SAVINGS), form())
    login(client, erin)
    client.post(edit_url("indicators", SAVINGS), form(story="A new employer opened in 2021."))
    html = client.get(reverse("indicator", args=["riverton", SAVINGS])).content.decode()
    assert "2 changes kept" in html
    assert "A new employer opened in 2021." in html and "erin" in html and "alice" in html


def test_only_a_chair_declares_and_the_public_reads_the_declared_copy(client, alice, bob):
    public = f"/public/c/riverton/indicators/{SAVINGS}/"
    login(client, alice)
    client.post(edit_url("indicators", SAVINGS), form())
    assert client.post(declare_url("indicators", SAVINGS)).status_code == 403
    client.logout()
    assert "matched savings accounts" not in client.get(public).content.decode()
    login(client, bob)
    assert client.post(declare_url("indicators", SAVINGS)).status_code == 302
    client.logout()
    cache.clear()
    html = client.get(public).content.decode()
    assert "Turn the Curve: the table" in html and "matched savings accounts" in html
    # A later edit waits for the next declaration.
    login(client, alice)
    client.post(edit_url("indicators", SAVINGS), form(story="Unreviewed new words."))
    page = client.get(reverse("indicator", args=["riverton", SAVINGS])).content.decode()
    assert "Changed since: the public still reads the declared copy." in page
    client.logout()
    cache.clear()
    html = client.get(public).content.decode()
    assert "Unreviewed new words." not in html and "matched savings accounts" in html
    login(client, bob)
    client.post(declare_url("indicators", SAVINGS), {"action": "withdraw"})
    client.logout()
    cache.clear()
    assert "matched savings accounts" not in client.get(public).content.decode()


def test_a_result_conversation_is_declared_on_the_public_result_page(client, alice, bob):
    login(client, alice)
    client.post(edit_url("results", "early-literacy"), form(story="Reading tutors left in 2022."))
    login(client, bob)
    client.post(declare_url("results", "early-literacy"))
    client.logout()
    html = client.get("/public/c/riverton/results/early-literacy/").content.decode()
    assert "Reading tutors left in 2022." in html


def test_the_packet_shows_the_conversations_declared_or_not(client, alice, riverton):
    login(client, alice)
    client.post(edit_url("indicators", SAVINGS), form())
    client.post(edit_url("results", "early-literacy"), form(story="Reading tutors left in 2022."))
    built = packet.build(riverton, todays_review().held_on)
    assert packet.indicator(built, SAVINGS)["conversation"]["story"].startswith("The matched")
    res = Result.objects.get(collaborative=riverton, slug="early-literacy")
    assert built["result_conversations"][0]["title"] == res.title
    html = client.get(reverse("review", args=["riverton", todays_review().pk])).content.decode()
    assert "The matched savings accounts opened in 2020." in html
    assert "Reading tutors left in 2022." in html
