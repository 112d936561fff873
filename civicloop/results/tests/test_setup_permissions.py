"""Only a collaborative's backbone admins set it up, whatever the page shows or hides.

Every set-up page, read (GET) and written (POST), is refused to bob the chair, carol the
partner member, erin the analyst, frank with no role, gina the backbone admin of another
collaborative, and sends the public to sign in; alice, Riverton's backbone admin, opens
every one of them.
"""

from __future__ import annotations

import pytest

from civicloop.core.tests.people import login
from civicloop.results.models import Area, Collaborative, Dimension, Indicator, Result
from civicloop.results.tests.setup_helpers import backbone_admin, fresh_collaborative
from civicloop.table.models import Organisation, Strategy

pytestmark = pytest.mark.django_db


def setup_urls(collab: Collaborative) -> list[str]:
    base = f"/c/{collab.slug}/setup"
    result = Result.objects.filter(collaborative=collab).first()
    indicator = Indicator.objects.filter(result__collaborative=collab).first()
    area = Area.objects.filter(collaborative=collab).first()
    strategy = Strategy.objects.filter(collaborative=collab).first()
    org = Organisation.objects.filter(collaborative=collab).first()
    dimension = Dimension.objects.filter(collaborative=collab).first()
    return [
        f"{base}/",
        f"{base}/collaborative/",
        f"{base}/results/new/",
        f"{base}/results/{result.slug}/",
        f"{base}/indicators/new/",
        f"{base}/indicators/{indicator.slug}/",
        f"{base}/disaggregations/",
        f"{base}/disaggregations/new/",
        f"{base}/disaggregations/{dimension.slug}/",
        f"{base}/areas/",
        f"{base}/areas/new/",
        f"{base}/areas/import/",
        f"{base}/areas/{area.pk}/",
        f"{base}/strategies/",
        f"{base}/strategies/new/",
        f"{base}/strategies/{strategy.slug}/",
        f"{base}/organisations/",
        f"{base}/organisations/new/",
        f"{base}/organisations/{org.slug}/",
    ]


@pytest.fixture
def gina(db):
    """Gina: backbone admin of Lakeside, and of nothing else."""
    return backbone_admin("gina", fresh_collaborative())


def _unchanged(riverton) -> tuple:
    return (
        Collaborative.objects.get(pk=riverton.pk).name,
        Result.objects.filter(collaborative=riverton).count(),
        Area.objects.filter(collaborative=riverton).count(),
        Organisation.objects.filter(collaborative=riverton).count(),
        Strategy.objects.filter(collaborative=riverton).count(),
        Dimension.objects.filter(collaborative=riverton).count(),
    )


# A POST that would change something, were it allowed.
HOSTILE = {
    "name": "Taken over",
    "title": "Taken over",
    "city": "Nowhere",
    "statement": "x",
    "code": "X1",
    "level": "city",
    "sector": "government",
    "hypothesis": "x",
    "token": "0" * 32,
}


@pytest.mark.parametrize("who", ["bob", "carol", "erin", "frank", "gina"])
def test_no_one_but_the_backbone_admin_reads_or_writes_a_set_up_page(
    client, riverton, who, request
):
    person = request.getfixturevalue(who)
    login(client, person)
    before = _unchanged(riverton)
    for url in setup_urls(riverton):
        assert client.get(url).status_code == 403, f"{who} GET {url}"
        assert client.post(url, HOSTILE).status_code == 403, f"{who} POST {url}"
    assert _unchanged(riverton) == before


def test_the_public_is_sent_to_sign_in_for_every_set_up_page(client, riverton):
    before = _unchanged(riverton)
    for url in setup_urls(riverton):
        for response in (client.get(url), client.post(url, HOSTILE)):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next="), url
    assert _unchanged(riverton) == before


def test_alice_the_backbone_admin_opens_every_set_up_page(client, alice, riverton):
    login(client, alice)
    for url in setup_urls(riverton):
        assert client.get(url).status_code == 200, url


def test_a_collaborative_that_does_not_exist_is_refused_not_revealed(client, alice):
    login(client, alice)
    assert client.get("/c/atlantis/setup/").status_code == 403


def test_the_set_up_link_shows_for_the_backbone_admin_only(client, alice, bob, riverton):
    assert "/c/riverton/setup/" in login(client, alice).get("/c/riverton/").content.decode()
    client.logout()
    assert "/c/riverton/setup/" not in login(client, bob).get("/c/riverton/").content.decode()


def test_gina_sets_up_her_own_collaborative_only(client, gina):
    login(client, gina)
    assert client.get("/c/lakeside/setup/").status_code == 200
    assert client.get("/c/riverton/setup/").status_code == 403
