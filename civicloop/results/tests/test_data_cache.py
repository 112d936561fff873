"""Cached pages and API answers are never stale and never leak (civicloop.core.cache).

Each test reads a page or answer once (so it is cached), changes the data by one of the
paths that write it (a load, an approval, a rollback, a set-up page, an observation saved
on its own), and reads again: the change shows at once. Pending values stay out of the
public's answers however the cache was filled, and members and the public never share an
entry.
"""

from __future__ import annotations

import pytest

from civicloop.core import cache
from civicloop.core.tests.people import login
from civicloop.measure.loads import load_file, rollback
from civicloop.results import approval
from civicloop.results.models import Indicator, Observation

pytestmark = pytest.mark.django_db
SLUG = "licensed-child-care-seats"
PAGE = f"/c/riverton/indicators/{SLUG}/"
API = f"/api/collaboratives/riverton/indicators/{SLUG}/observations"


@pytest.fixture
def latest(riverton) -> Observation:
    return (
        Observation.objects.filter(
            series__indicator__slug=SLUG, series__area__code="riverton", series__group__isnull=True
        )
        .select_related("period")
        .order_by("-period__start")
        .first()
    )


def carols_load(riverton, carol, latest, tmp_path, value="4321.9"):
    path = tmp_path / "seats.csv"  # its name is on the page: not the number
    path.write_text(f"indicator,area,period,value\n{SLUG},riverton,{latest.period.label},{value}\n")
    report = load_file(path, riverton, user=carol)
    assert report.status == "applied" and not report.approved
    return report


def shows(client, number: str, url=PAGE) -> bool:
    """The page shows `number` (e.g. "4321.9"), with or without a thousands separator."""
    page = client.get(url).content.decode()
    whole, point, decimals = number.partition(".")
    return number in page or f"{int(whole):,}{point}{decimals}" in page


def values(client, url=API) -> set[float]:
    return {row["value"] for row in client.get(url).json()}


def test_a_load_shows_at_once_to_members_and_never_to_the_public(
    client, riverton, carol, latest, tmp_path
):
    public_before = values(client)  # cached for the public
    login(client, carol)
    assert 4321.9 not in values(client)  # and for members
    load = carols_load(riverton, carol, latest, tmp_path)
    assert 4321.9 in values(client)
    assert shows(client, "4321.9")
    client.logout()
    # The members' answer is cached under the new version now; the public's is not theirs.
    assert 4321.9 not in values(client)
    assert values(client) == public_before
    assert not shows(client, "4321.9")
    rollback(load.load)
    login(client, carol)
    assert 4321.9 not in values(client)


def test_an_approval_shows_to_the_public_at_once(client, riverton, carol, latest, tmp_path):
    carols_load(riverton, carol, latest, tmp_path)
    assert 4321.9 not in values(client)
    assert not shows(client, "4321.9")
    approval.act("approve", Observation.objects.filter(pk=latest.pk), carol)
    assert 4321.9 in values(client)
    assert shows(client, "4321.9")
    approval.act("unapprove", Observation.objects.filter(pk=latest.pk), carol)
    assert 4321.9 not in values(client)


def test_an_observation_saved_on_its_own_shows_at_once(client, bob, latest):
    login(client, bob)
    assert 1234.5 not in values(client)
    client.get(PAGE)
    latest.value = 1234.5
    latest.save()
    assert 1234.5 in values(client)
    assert shows(client, "1234.5")


def test_a_changed_definition_shows_at_once(client, bob, riverton):
    login(client, bob)
    # The chart's title is in the cached part of the page (its spec).
    assert "Seats in licensed care, Riverton" not in client.get(PAGE).content.decode()
    indicator = Indicator.objects.get(result__collaborative=riverton, slug=SLUG)
    indicator.name = "Seats in licensed care"
    indicator.save()
    assert "Seats in licensed care, Riverton" in client.get(PAGE).content.decode()


def test_an_indicator_made_private_is_hidden_at_once(client, riverton):
    indicator = Indicator.objects.get(result__collaborative=riverton, slug=SLUG)
    assert client.get(API).status_code == 200
    version = cache.version(riverton.pk)
    indicator.is_public = False
    indicator.save()
    assert cache.version(riverton.pk) != version
    assert client.get(API).status_code == 404  # who may read is never cached


def test_each_change_makes_a_new_version_and_other_collaboratives_keep_theirs(
    riverton, carol, latest, tmp_path
):
    from civicloop.table.models import Strategy

    other = riverton.pk + 1000
    before, elsewhere = cache.version(riverton.pk), cache.version(other)
    carols_load(riverton, carol, latest, tmp_path)
    after_load = cache.version(riverton.pk)
    assert after_load != before
    assert cache.version(other) == elsewhere  # a load is one collaborative's
    strategy = Strategy.objects.filter(collaborative=riverton).first()
    strategy.areas.clear()
    assert cache.version(riverton.pk) != after_load


def test_members_and_the_public_never_share_an_entry(client, riverton, carol, latest, tmp_path):
    carols_load(riverton, carol, latest, tmp_path)
    login(client, carol)
    assert 4321.9 in values(client)  # members' entry made first, under this version
    client.logout()
    assert 4321.9 not in values(client)
    assert not shows(client, "4321.9")


def test_the_store_hands_back_what_was_built_until_it_expires_or_is_evicted(monkeypatch):
    """The store keeps the built object itself (no copy to unpickle on every read), drops
    an entry once its time is up, and the least recently read first when full."""
    store = cache._Store(max_entries=2)
    rows = [{"value": 1}]
    store.set("a", rows, ttl=60)
    assert store.get("a") is rows
    clock = [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    store.set("b", "B", ttl=10)
    store.set("a", rows, ttl=60)
    clock[0] += 11
    assert store.get("b") is None  # expired
    store.set("c", "C", ttl=60)
    assert store.get("a") is rows  # now the most recently read
    store.set("d", "D", ttl=60)  # full: "c", read least recently, goes
    assert store.get("c") is None
    assert (store.get("a"), store.get("d")) == (rows, "D")
    assert len(store) == 2


def test_one_builder_per_key_and_a_stamp_change_builds_again():
    built = []
    first = cache.cached(("thing", 1), "s1", lambda: built.append(1) or ["x"])
    again = cache.cached(("thing", 1), "s1", lambda: built.append(2) or ["y"])
    assert first is again and built == [1]
    assert cache.cached(("thing", 1), "s2", lambda: built.append(3) or ["z"]) == ["z"]
    assert built == [1, 3]
