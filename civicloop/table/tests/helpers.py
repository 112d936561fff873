"""Small helpers shared by the table's tests."""

from __future__ import annotations

from civicloop.core.tests.people import login  # noqa: F401 - the table tests take it from here
from civicloop.results.models import Result
from civicloop.table.models import Organisation


def org(slug: str) -> Organisation:
    return Organisation.objects.get(collaborative__slug="riverton", slug=slug)


def result(slug: str) -> Result:
    return Result.objects.get(collaborative__slug="riverton", slug=slug)
