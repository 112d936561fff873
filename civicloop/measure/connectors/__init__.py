"""Connectors: one small adapter per kind of portal, all registered here.

``Source.kind`` names the adapter and ``Source.settings`` holds its options (each module's
docstring lists them). Adding a portal is one module with one `Connector` subclass and one
line in `CONNECTORS`; nothing else changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from civicloop.measure.connectors.base import Connector, FetchError, FetchResult
from civicloop.measure.connectors.census import Census
from civicloop.measure.connectors.ckan import Ckan
from civicloop.measure.connectors.http import Http, HttpError, NetworkError, RetryPolicy
from civicloop.measure.connectors.socrata import Socrata
from civicloop.measure.connectors.url import UrlFile

if TYPE_CHECKING:
    from civicloop.measure.models import Source

CONNECTORS: dict[str, type[Connector]] = {
    Socrata.kind: Socrata,
    Ckan.kind: Ckan,
    Census.kind: Census,
    UrlFile.kind: UrlFile,
}


def connector_for(source: Source) -> Connector:
    try:
        return CONNECTORS[source.kind]()
    except KeyError:
        kinds = ", ".join(CONNECTORS)
        raise FetchError(
            f"source {source.name!r} is of kind {source.kind!r}, which has no connector "
            f"(connectors: {kinds})"
        ) from None


__all__ = [
    "CONNECTORS",
    "Connector",
    "FetchError",
    "FetchResult",
    "Http",
    "HttpError",
    "NetworkError",
    "RetryPolicy",
    "connector_for",
]
