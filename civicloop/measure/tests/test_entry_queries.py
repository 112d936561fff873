"""The data-entry grid reads a fixed number of queries, whatever its size: the backbone's
grid of every indicator × area × group costs what a small one costs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicloop.core.tests.people import login
from civicloop.results.models import Dimension, Group, Indicator

pytestmark = pytest.mark.django_db
URL = "/c/riverton/measure/enter/"
MAX_QUERIES = 40  # the page's own (session, roles, navigation) and the grid's handful


def _grid(client) -> tuple[int, int]:
    """(queries, cells) of one request of the grid."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL)
    assert page.status_code == 200
    return len(queries), page.content.decode().count('inputmode="decimal"')


def test_the_grid_does_not_grow_per_cell(client, alice, riverton, django_assert_max_num_queries):
    # One indicator declares the race/ethnicity breakdown its series already have.
    race = Dimension.objects.get(collaborative=riverton, slug="race-ethnicity")
    Indicator.objects.get(
        result__collaborative=riverton, slug="third-grade-reading"
    ).dimensions.add(race)
    login(client, alice)
    client.get(URL)  # the session and caches warm, as in a second visit
    with django_assert_max_num_queries(MAX_QUERIES):
        small, small_cells = _grid(client)
    # A larger collaborative: a new disaggregation of five groups on every indicator
    # multiplies the rows, and a new indicator with no data yet gets every area.
    income = Dimension.objects.create(collaborative=riverton, name="Income", slug="income")
    for order, name in enumerate(["Q1", "Q2", "Q3", "Q4", "Q5"]):
        Group.objects.create(dimension=income, name=name, slug=name.lower(), order=order)
    indicators = Indicator.objects.filter(result__collaborative=riverton)
    for ind in indicators:
        ind.dimensions.add(income)
    first = indicators.first()
    Indicator.objects.create(
        result=first.result,
        slug="new-indicator",
        name="A new indicator",
        unit="%",
        unit_kind="percent",
        direction="higher",
        frequency="year",
    )
    with django_assert_max_num_queries(MAX_QUERIES):
        large, large_cells = _grid(client)
    assert large_cells > 3 * small_cells
    assert large == small, (small, large)
