"""Queries per page, bounded: the pages and API a member or the public reads most.

A page that grows a query per row (an N+1) or recomputes learn's analyses on a view is
what made uncached pages slow (`benchmarks/site.py` measures them at 50 connections);
these bounds fail at once on such a change, where a timing would depend on the machine.
Every page here reads learn's stored analyses, as after a load's analysis has run.

The bounds are today's counts plus a little room (an extra check or two may come with a
feature; a query per row never fits).
"""

from __future__ import annotations

import pytest

from civicloop.learn import store

pytestmark = pytest.mark.django_db

INDICATOR = "/c/riverton/indicators/third-grade-reading/"
API = "/api/collaboratives/riverton"


@pytest.fixture
def analysed(riverton, monkeypatch):
    """Stored analyses up to date; then the engine may not run: a page reads, never computes."""
    store.analyse(riverton)

    def no_engine(*args, **kwargs):
        raise AssertionError("a page recomputed an analysis that is stored and fresh")

    monkeypatch.setattr(store, "compute", no_engine)
    monkeypatch.setattr(store, "compute_effects", no_engine)
    return riverton


@pytest.mark.parametrize(
    ("path", "most"),
    [
        # Bounds first set before approval (pending badges) and the set-up and audit links
        # (their access checks) joined these pages: a constant few queries more, never one
        # per row; each bound is the merged count plus one. Turn the Curve added a constant
        # four to an indicator page (the start of the work aimed at it; the conversation,
        # the right to edit it: roles and stewards) and three to a result page. The data
        # calendar added three to an indicator page (its stewards, the periods received, the
        # reader's duty) and four to the home (the indicators too), whatever their number.
        # The map by area added six, the same whatever the number of areas (see test_maps).
        # The strategies aimed at an indicator: one query more (+1). Around a result (its
        # table, strategies, review, public page): membership, the strategies and the
        # reviews, one query each (+3).
        # Reading only what the page shows cut three (the data version added one).
        (INDICATOR, 36),
        (INDICATOR + "?area=south", 36),
        (INDICATOR + "?by=areas", 42),
        (INDICATOR + "?by=race-ethnicity", 46),
        ("/c/riverton/results/early-literacy/", 26),
        ("/c/riverton/results/healthy-homes/", 26),
        # The home's "needs attention" sections (core.attention) read a constant seven
        # (commitments 2, approvals 1, rounds 1, review 1, declarations 2); reading the
        # person's roles once (access.rights) saved three and the approval count is shared:
        # +3 on the merged count, never one per row; the data calendar's section four more.
        ("/c/riverton/", 22),
        ("/c/riverton/results/", 9),
    ],
)
def test_a_members_page(client, bob, analysed, django_assert_max_num_queries, path, most):
    client.force_login(bob)
    with django_assert_max_num_queries(most):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("path", "most"),
    [
        (INDICATOR, 23),  # 15, then the data calendar's two and the map's constant six
        ("/c/riverton/results/early-literacy/", 15),
        (API + "/indicators/third-grade-reading/observations", 5),
        (API + "/indicators/third-grade-reading/observations?limit=10&offset=20", 5),
        (API + "/indicators", 3),
    ],
)
def test_a_public_page_or_api_answer(client, analysed, django_assert_max_num_queries, path, most):
    with django_assert_max_num_queries(most):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("path", "signed_in", "most"),
    [
        # Read again with no change of the data: only who may see it (session, person,
        # collaborative, role, indicator, its targets, approval rights) and the data version
        # are read; the chart, observations, evidence and maps come from the data cache.
        # What depends on the reader is read each time: the Turn the Curve conversation and
        # the right to edit it, the data calendar's dates and the reader's duty, the
        # strategies aimed at the indicator (members). The merged count plus one.
        (INDICATOR, True, 18),
        (INDICATOR + "?by=race-ethnicity", True, 18),
        (INDICATOR, False, 8),
        (API + "/indicators/third-grade-reading/observations", False, 4),
    ],
)
def test_a_page_read_again_reads_only_access_and_the_data_version(
    client, bob, analysed, django_assert_max_num_queries, path, signed_in, most
):
    if signed_in:
        client.force_login(bob)
    first = client.get(path)
    with django_assert_max_num_queries(most):
        again = client.get(path)
    assert again.status_code == 200
    if path.startswith("/api/"):
        assert again.json() == first.json()


def test_the_observations_api_answers_a_page_at_a_time(client):
    every = client.get(API + "/indicators/third-grade-reading/observations").json()
    assert 10 < len(every) <= 1000
    page = client.get(API + "/indicators/third-grade-reading/observations?limit=10&offset=5")
    assert page.json() == every[5:15]
    past = client.get(API + f"/indicators/third-grade-reading/observations?offset={len(every)}")
    assert past.json() == []
    capped = client.get(API + "/indicators/third-grade-reading/observations?limit=100000")
    assert capped.json() == every  # at most 10,000: all of these


def test_the_openapi_document_says_the_observations_come_in_pages(client):
    spec = client.get("/api/openapi.json").json()
    op = spec["paths"]["/api/collaboratives/{slug}/indicators/{indicator}/observations"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"limit", "offset"}
    assert "at most 10000" in op["description"] and "offset" in op["description"]
