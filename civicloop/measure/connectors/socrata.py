"""Socrata Open Data API (SODA 2.x): ``{base_url}/resource/{dataset}.json``.

Settings::

    {"base_url": "https://data.cityofnewyork.us", "dataset": "abcd-1234",
     "where": "borough = 'BRONX' AND year >= 2019", "select": "year, borough, rate",
     "order": ":id", "page_size": 1000, "app_token_env": "SOCRATA_APP_TOKEN"}

Pages are read with ``$limit``/``$offset`` until a short page. ``order`` defaults to
``:id`` (the row id) because Socrata only promises stable pages under an explicit order;
set it yourself when ``select`` aggregates. The app token goes in the ``X-App-Token``
header (``app_token``, or better ``app_token_env`` naming an environment variable).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from civicloop.measure.connectors.base import (
    Connector,
    FetchError,
    FetchResult,
    positive_int,
    records_to_table,
    secret,
)
from civicloop.measure.connectors.http import Http, HttpError

if TYPE_CHECKING:
    from civicloop.measure.models import Source


class Socrata(Connector):
    kind = "socrata"
    label = "Socrata (SODA)"
    required = ("base_url", "dataset")

    def fetch(self, source: Source, http: Http, *, first_page: bool = False) -> FetchResult:
        settings = source.settings
        url = f"{settings['base_url'].rstrip('/')}/resource/{settings['dataset']}.json"
        size = positive_int(settings, "page_size", 1000)
        token = secret(settings, "app_token")
        headers = {"X-App-Token": token} if token else {}
        query = {
            "$where": settings.get("where"),
            "$select": settings.get("select"),
            "$order": settings.get("order") or ":id",
        }
        records: list[dict[str, Any]] = []
        fields: list[str] = []
        pages = 0
        while True:
            response = http.get(url, {**query, "$limit": size, "$offset": len(records)}, headers)
            page = response.json()
            if not isinstance(page, list):
                raise FetchError(f"Socrata answered {url} with {type(page).__name__}, not rows")
            fields = fields or _declared_fields(response.headers)
            records.extend(page)
            pages += 1
            if len(page) < size or first_page:
                break
        columns, rows = records_to_table(records, fields)
        return FetchResult(str(settings["dataset"]), columns, rows, pages=pages)

    def explain(self, error: HttpError) -> str:
        body = error.json()
        if isinstance(body, dict) and body.get("message"):
            code = f" ({body['code']})" if body.get("code") else ""
            return f"Socrata answered {error.status}: {body['message']}{code}"
        return f"Socrata answered {error.status}: {error.text() or 'no details'}"


def _declared_fields(headers: dict[str, str]) -> list[str]:
    """SODA lists the columns in ``X-SODA2-Fields``; rows omit null fields, so the header
    keeps a column that happens to be empty on every row fetched."""
    raw = next((v for k, v in headers.items() if k.lower() == "x-soda2-fields"), None)
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [str(n) for n in names] if isinstance(names, list) else []
