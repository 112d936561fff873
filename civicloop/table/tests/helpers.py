"""Small helpers shared by the table's tests."""

from __future__ import annotations

from civicloop.core.tests.people import PASSWORD
from civicloop.results.models import Result
from civicloop.table.models import Organisation


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def org(slug: str) -> Organisation:
    return Organisation.objects.get(collaborative__slug="riverton", slug=slug)


def result(slug: str) -> Result:
    return Result.objects.get(collaborative__slug="riverton", slug=slug)
