"""Disaggregations and their groups, declared by alice before the first broken-down file."""

from __future__ import annotations

import pytest

from civicloop.core.tests.people import login
from civicloop.results.models import Dimension, Series

pytestmark = pytest.mark.django_db


def test_alice_declares_a_disaggregation_with_its_groups_in_order(client, alice, riverton):
    login(client, alice)
    response = client.post(
        "/c/riverton/setup/disaggregations/new/",
        {"name": "School type", "slug": "", "groups": "Public\n\nCharter\nPrivate\n"},
    )
    assert response.status_code == 302
    dim = Dimension.objects.get(collaborative=riverton, slug="school-type")
    assert [(g.slug, g.name) for g in dim.groups.all()] == [
        ("public", "Public"),
        ("charter", "Charter"),
        ("private", "Private"),
    ]


def test_a_group_with_data_cannot_be_dropped(client, alice, riverton):
    login(client, alice)
    used = Series.objects.filter(
        indicator__result__collaborative=riverton, group__isnull=False
    ).first()
    dim = used.group.dimension
    keep = "\n".join(g.name for g in dim.groups.exclude(pk=used.group_id))
    response = client.post(
        f"/c/riverton/setup/disaggregations/{dim.slug}/",
        {"name": dim.name, "slug": dim.slug, "groups": keep},
    )
    assert response.status_code == 200
    assert f"{used.group.name} already has data" in response.content.decode()
    assert dim.groups.filter(pk=used.group_id).exists()


def test_a_group_listed_twice_is_named(client, alice):
    login(client, alice)
    response = client.post(
        "/c/riverton/setup/disaggregations/new/",
        {"name": "Tenure", "groups": "Owner\nRenter\nowner"},
    )
    assert "Group 3 (owner) is listed twice." in response.content.decode()


def test_renaming_a_group_keeps_its_slug_and_data(client, alice, riverton):
    login(client, alice)
    used = Series.objects.filter(
        indicator__result__collaborative=riverton, group__isnull=False
    ).first()
    dim = used.group.dimension
    lines = [g.name for g in dim.groups.all()]
    response = client.post(
        f"/c/riverton/setup/disaggregations/{dim.slug}/",
        {"name": dim.name, "slug": dim.slug, "groups": "\n".join(lines)},
    )
    assert response.status_code == 302
    assert dim.groups.filter(pk=used.group_id).exists()
