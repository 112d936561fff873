"""The loop's stages across every working page: a nav landmark, the current stage marked."""

from __future__ import annotations

import re

import pytest

from civicloop.core.stages import STAGES, stage_of

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="stages" aria-label="The loop">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"(?: aria-current="(page|true)")?>(.*?)</a>', re.S)


def stage_links(page: str) -> list[tuple[str, str, str]]:
    """(href, aria-current or "", label) of each link of the stage navigation."""
    found = NAV.findall(page)
    assert len(found) == 1, "one stage navigation per page"
    return [
        (href, cur, re.sub(r"<[^>]+>", "", label)) for href, cur, label in LINK.findall(found[0])
    ]


def current(page: str) -> list[tuple[str, str]]:
    return [(label, cur) for _, cur, label in stage_links(page) if cur]


# Every working page, and the stage it belongs to: (path, label of the current stage, how).
PAGES = [
    ("/c/riverton/", "Home", "page"),
    ("/c/riverton/results/", "Results", "page"),
    ("/c/riverton/results/early-literacy/", "Results", "true"),
    ("/c/riverton/indicators/third-grade-reading/", "Results", "true"),
    ("/c/riverton/setup/", "Results", "true"),
    ("/c/riverton/table/", "The table", "page"),
    ("/c/riverton/commitments/", "The table", "true"),
    ("/c/riverton/rounds/", "The table", "true"),
    ("/c/riverton/organisations/", "The table", "true"),
    ("/c/riverton/loads/", "Measure", "page"),
    ("/c/riverton/approvals/", "Measure", "true"),
    ("/c/riverton/setup/sources/", "Measure", "true"),
    ("/c/riverton/strategies/", "Learn", "page"),
    ("/c/riverton/reviews/", "Review", "page"),
    ("/c/riverton/decisions/", "Review", "true"),
    ("/c/riverton/declarations/", "Declare", "page"),
    ("/c/riverton/alerts/", "Declare", "true"),
]


@pytest.mark.parametrize(("path", "label", "how"), PAGES)
def test_every_working_page_marks_its_stage(client, alice, path, label, how):
    client.force_login(alice)
    answer = client.get(path)
    assert answer.status_code == 200, path
    assert current(answer.content.decode()) == [(label, how)]


def test_a_member_sees_every_stage_in_the_order_of_the_loop(client, carol):
    client.force_login(carol)
    links = stage_links(client.get("/c/riverton/").content.decode())
    labels = [label for _, _, label in links]
    assert labels == [
        "Home",
        "Results",
        "The table",
        "Measure",
        "Learn",
        "Review",
        "Declare",
        "Public page of this collaborative, as the public sees it",
    ]
    assert links[-1][0] == "/public/c/riverton/"


def test_the_public_sees_only_what_is_open_to_it(client):
    """A visitor is not sent to sign-in pages: the public stages and the public site only."""
    page = client.get("/c/riverton/indicators/third-grade-reading/").content.decode()
    links = stage_links(page)
    assert [label for _, _, label in links][:2] == ["Home", "Results"] and len(links) == 3
    assert links[-1][0] == "/public/c/riverton/"
    # The site header links every visitor to the public site.
    assert '<a href="/public/">Public site</a>' in page


def test_pages_outside_a_collaborative_have_no_stage_navigation(client, alice, riverton):
    """The network view's URL carries a network's slug, never taken for a collaborative's."""
    client.force_login(alice)
    for path in ("/", f"/networks/{riverton.network.slug}/"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert 'class="stages"' not in answer.content.decode(), path
    assert 'class="stages"' not in client.get("/accounts/login/").content.decode()


def test_a_private_collaborative_links_no_public_page(client, alice, riverton):
    riverton.is_public = False
    riverton.save()
    client.force_login(alice)
    page = client.get("/c/riverton/").content.decode()
    assert "/public/c/riverton/" not in NAV.search(page)[1]


def test_every_stage_has_a_landing_page():
    from django.urls import reverse

    for stage in STAGES:
        assert reverse(stage.url_name, args=["riverton"]).startswith("/c/riverton/")


def test_a_new_page_of_a_stage_lands_in_its_stage_by_its_app():
    """No list to keep: a view's app says its stage (a data-entry page in measure, say)."""

    class Match:
        url_name = "entry_grid"
        route = "c/<slug:slug>/entry/"
        kwargs = {"slug": "riverton"}

        @staticmethod
        def func():
            pass

    Match.func.__module__ = "civicloop.measure.entry_views"
    assert stage_of(Match) == "measure"
    Match.func.__module__ = "civicloop.core.audit"
    assert stage_of(Match) is None
