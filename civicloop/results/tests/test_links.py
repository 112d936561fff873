"""A result leads to its table, strategies, review and public page; an indicator to the
strategies aimed at it; the public is linked only to what it may open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from civicloop.review.models import Review
from civicloop.table.models import Strategy

pytestmark = pytest.mark.django_db

RESULT = "/c/riverton/results/early-literacy/"


def around(page: str, label: str) -> str:
    found = re.search(rf'<nav class="around" aria-label="{label}">(.*?)</nav>', page, re.S)
    assert found, label
    return found[1]


def test_a_result_links_to_its_table_strategies_review_and_public_page(client, bob, riverton):
    aimed = Strategy.objects.filter(
        collaborative=riverton, indicators__result__slug="early-literacy"
    )
    assert aimed.exists()
    review = Review.objects.create(
        collaborative=riverton, held_on=timezone.localdate() + timedelta(days=30)
    )
    Review.objects.filter(held_on__gte=timezone.localdate()).exclude(pk=review.pk).delete()
    client.force_login(bob)
    links = around(client.get(RESULT).content.decode(), "Around this result")
    assert 'href="/c/riverton/results/early-literacy/table/"' in links
    for s in aimed.distinct():
        assert f'href="/c/riverton/strategies/{s.slug}/"' in links
    assert f'href="/c/riverton/reviews/{review.pk}/"' in links and "The next review" in links
    assert 'href="/public/c/riverton/results/early-literacy/"' in links
    for href in re.findall(r'href="([^"]+)"', links):
        assert client.get(href).status_code == 200, href


def test_with_no_review_ahead_the_result_links_the_last_one(client, bob, riverton):
    Review.objects.filter(collaborative=riverton, held_on__gte=timezone.localdate()).delete()
    last = Review.objects.filter(collaborative=riverton).order_by("-held_on").first()
    client.force_login(bob)
    links = around(client.get(RESULT).content.decode(), "Around this result")
    assert f'href="/c/riverton/reviews/{last.pk}/"' in links and "The last review" in links


def test_the_public_is_linked_to_the_public_page_only(client):
    links = around(client.get(RESULT).content.decode(), "Around this result")
    assert re.findall(r'href="([^"]+)"', links) == ["/public/c/riverton/results/early-literacy/"]


def test_an_indicator_links_to_the_strategies_aimed_at_it(client, carol, riverton):
    strategy = Strategy.objects.filter(collaborative=riverton, indicators__isnull=False).first()
    indicator = strategy.indicators.first()
    client.force_login(carol)
    page = client.get(f"/c/riverton/indicators/{indicator.slug}/").content.decode()
    links = around(page, "Around this indicator")
    assert f'href="/c/riverton/strategies/{strategy.slug}/">{strategy.name}</a>' in links


def test_an_indicator_no_strategy_aims_at_says_so(client, carol, riverton):
    Strategy.objects.filter(collaborative=riverton).first().indicators.clear()
    for s in Strategy.objects.filter(collaborative=riverton):
        s.indicators.remove(*s.indicators.filter(slug="third-grade-reading"))
    client.force_login(carol)
    page = client.get("/c/riverton/indicators/third-grade-reading/").content.decode()
    assert "No strategy is aimed at it yet." in around(page, "Around this indicator")


def test_the_public_reads_no_strategy_links_on_an_indicator(client):
    page = client.get("/c/riverton/indicators/third-grade-reading/").content.decode()
    links = around(page, "Around this indicator")
    assert "/strategies/" not in links
    assert 'href="/public/c/riverton/indicators/third-grade-reading/"' in links
