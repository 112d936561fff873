"""Helpers for the set-up page tests: a fresh collaborative and its backbone admin."""

from __future__ import annotations

from civicloop.core.models import Membership, Role, User
from civicloop.core.tests.people import PASSWORD
from civicloop.results.models import Area, AreaLevel, Collaborative


def fresh_collaborative(slug: str = "lakeside") -> Collaborative:
    collab = Collaborative.objects.create(name="Lakeside Promise", slug=slug, city="Lakeside")
    Area.objects.create(collaborative=collab, name="Lakeside", code="LS", level=AreaLevel.CITY)
    return collab


def backbone_admin(username: str, collab: Collaborative) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, collaborative=collab, role=Role.BACKBONE_ADMIN)
    return user


def square(x: float, y: float, size: float = 0.01) -> dict:
    """A GeoJSON Polygon: a square of ``size`` degrees with its south-west corner at x, y."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(*features: tuple[dict, dict]) -> dict:
    """A FeatureCollection of ``(properties, geometry)`` pairs."""
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
    }
