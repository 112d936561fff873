"""Queries per page do not grow with the collaborative: the same count at two sizes.

`test_query_counts` bounds each page on the demo; a query per indicator, area or
observation could still hide under such a bound. Here one network is built small and
then larger (four times the indicators, more districts and years) and every page a
member or the API reads most is counted at both sizes: the counts must be equal, and
under the bound. The data version is replaced before each reading, so every count is of
an uncached render (the first after a load), which `benchmarks/site.py` measures.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicloop.core import cache
from civicloop.core.models import Membership, Role, User
from civicloop.learn import store
from civicloop.results.models import (
    Approval,
    Area,
    Collaborative,
    Dimension,
    Group,
    Indicator,
    Network,
    Observation,
    ObservationStatus,
    Period,
    Result,
    Series,
)

pytestmark = pytest.mark.django_db

SMALL = {"indicators": 2, "districts": 2, "years": 4}
LARGE = {"indicators": 8, "districts": 5, "years": 9}


def build(slug: str, indicators: int, districts: int, years: int) -> Collaborative:
    """A public collaborative like the benchmark's: a city and its districts, a dimension of
    three groups, every series with approved yearly values, learn's analyses stored."""
    network, _ = Network.objects.get_or_create(slug="sizes", defaults={"name": "Sizes"})
    collab = Collaborative.objects.create(
        network=network, slug=slug, name=slug, city=slug, is_public=True, is_synthetic=True
    )
    city = Area.objects.create(collaborative=collab, name="City", code="city", level="city")
    areas = [city] + [
        Area.objects.create(
            collaborative=collab, name=f"D{d}", code=f"d{d}", level="district", parent=city
        )
        for d in range(districts)
    ]
    dim = Dimension.objects.create(collaborative=collab, name="Income", slug="income")
    groups = [
        Group.objects.create(dimension=dim, name=g, slug=g, order=i) for i, g in enumerate("abc")
    ]
    results = [
        Result.objects.create(collaborative=collab, slug=f"r{r}", title=f"R{r}", order=r)
        for r in range(2)
    ]
    periods = [Period.get(str(2025 - years + y), "year") for y in range(years)]
    now = timezone.now()
    for i in range(indicators):
        ind = Indicator.objects.create(
            result=results[i % 2],
            slug=f"i{i}",
            name=f"Indicator {i}",
            unit="%",
            direction="higher" if i % 2 else "lower",
            frequency="year",
            is_public=True,
            order=i,
            target_value=60.0,
            target_period=Period.get("2030", "year"),
        )
        series = [Series.objects.create(indicator=ind, area=a, version=1) for a in areas]
        series += [
            Series.objects.create(indicator=ind, area=city, group=g, version=1) for g in groups
        ]
        Observation.objects.bulk_create(
            Observation(
                series=s,
                period=p,
                value=40.0 + k + n,
                created_at=now,
                approval=Approval.APPROVED,
                approved_at=now,
                approved_value=40.0 + k + n,
                approved_status=ObservationStatus.FINAL,
            )
            for k, s in enumerate(series)
            for n, p in enumerate(periods)
        )
    store.analyse(collab)
    return collab


@pytest.fixture
def sizes(db):
    member = User.objects.create_user("sizes-chair", password="x")
    built = {}
    for name, size in (("small", SMALL), ("large", LARGE)):
        collab = build(name, **size)
        Membership.objects.create(user=member, collaborative=collab, role=Role.CHAIR)
        built[name] = collab
    return member, built


PAGES = [
    # (path at a collaborative, signed in, at most): each bound is the count plus one. Of
    # an indicator page's 27: session and person 2, collaborative, rights, indicator and
    # its targets 4, data version 1, its areas, dimensions and city 3, freshness of the
    # stored analyses 3, observations and their revisions 2, curve start 1, its stored
    # entry and the chart's series 2, strategies 1, conversation 1, data calendar 3, map
    # 4; one more for the lines of a breakdown, however many.
    ("/c/{c}/indicators/i1/", True, 28),
    ("/c/{c}/indicators/i1/?area=d1", True, 28),
    ("/c/{c}/indicators/i1/?by=income", True, 29),
    ("/c/{c}/indicators/i1/?by=areas", True, 29),
    ("/c/{c}/results/r1/", True, 22),
    ("/c/{c}/", True, 21),
    ("/api/collaboratives/{c}/indicators/i1/observations", False, 5),
    ("/api/collaboratives/{c}/indicators", False, 4),
]


@pytest.mark.parametrize(("path", "signed_in", "most"), PAGES)
def test_an_uncached_page_reads_as_many_queries_at_any_size(
    client, sizes, django_assert_max_num_queries, path, signed_in, most
):
    member, built = sizes
    if signed_in:
        client.force_login(member)
    counts = {}
    for name, collab in built.items():
        url = path.format(c=collab.slug)
        assert client.get(url).status_code == 200  # the session and templates, read once
        cache.bump()  # as a load does: nothing of it is cached any more
        with django_assert_max_num_queries(most):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
        counts[name] = len(queries)
    assert counts["small"] == counts["large"], counts
