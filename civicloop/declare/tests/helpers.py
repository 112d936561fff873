"""What several declare tests share: the demo's places and indicators by code."""

from __future__ import annotations

from civicloop.results.models import Area, Indicator


def area(collab, code: str) -> Area:
    return Area.objects.get(collaborative=collab, code=code)


def indicator(collab, slug: str) -> Indicator:
    return Indicator.objects.get(result__collaborative=collab, slug=slug)


SAVINGS_CLAIM = "Families able to cover a $400 emergency rose to 43.0% in 2025, up from 40.0%."
