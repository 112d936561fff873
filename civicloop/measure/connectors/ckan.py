"""CKAN DataStore: ``datastore_search`` for one resource, or ``datastore_search_sql``.

Settings for a resource::

    {"base_url": "https://data.example.gov", "resource_id": "2b6c...",
     "filters": {"ward": "South"}, "q": null, "sort": "_id", "page_size": 1000,
     "api_key_env": "CKAN_API_KEY"}

or for SQL (CKAN does not page SQL itself, so civicloop wraps the query as
``SELECT * FROM (<sql>) AS page LIMIT n OFFSET m``; give it an ``ORDER BY`` so pages do not
shift)::

    {"base_url": "https://data.example.gov",
     "sql": "SELECT year, ward, rate FROM \\"2b6c...\\" ORDER BY year, ward"}

``datastore_search`` pages are read until a short page; when CKAN reports an exact
``total`` and the count fetched differs (rows were added or removed while paging), the
refresh fails rather than load a table that never existed.
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


class Ckan(Connector):
    kind = "ckan"
    label = "CKAN DataStore"
    required = ("base_url",)

    def fetch(self, source: Source, http: Http, *, first_page: bool = False) -> FetchResult:
        settings = source.settings
        if not (settings.get("resource_id") or settings.get("sql")):
            raise FetchError(f"ckan source {source.name!r} needs setting resource_id or sql")
        key = secret(settings, "api_key")
        headers = {"Authorization": key} if key else {}
        size = positive_int(settings, "page_size", 1000)
        if settings.get("sql"):
            return self._fetch_sql(settings, http, headers, size, first_page)
        return self._fetch_search(settings, http, headers, size, first_page)

    def _action(self, settings: dict, name: str) -> str:
        return f"{settings['base_url'].rstrip('/')}/api/3/action/{name}"

    def _fetch_search(
        self, settings: dict, http: Http, headers: dict[str, str], size: int, first_page: bool
    ) -> FetchResult:
        url = self._action(settings, "datastore_search")
        query = {
            "resource_id": settings["resource_id"],
            "filters": json.dumps(settings["filters"]) if settings.get("filters") else None,
            "q": settings.get("q"),
            "sort": settings.get("sort") or "_id",
        }
        records: list[dict[str, Any]] = []
        fields: list[str] = []
        total: int | None = None
        pages = 0
        while True:
            result = _result(
                http.get_json(url, {**query, "limit": size, "offset": len(records)}, headers)
            )
            page = result.get("records") or []
            fields = fields or [f["id"] for f in result.get("fields", []) if "id" in f]
            if not result.get("total_was_estimated"):
                total = result.get("total", total)
            records.extend(page)
            pages += 1
            if len(page) < size or first_page:
                break
        if total is not None and total != len(records) and not first_page:
            raise FetchError(
                f"the resource changed while it was read ({total} rows announced, "
                f"{len(records)} fetched); nothing was loaded, try again"
            )
        columns, rows = records_to_table(records, fields)
        return FetchResult(str(settings["resource_id"]), columns, rows, pages=pages)

    def _fetch_sql(
        self, settings: dict, http: Http, headers: dict[str, str], size: int, first_page: bool
    ) -> FetchResult:
        url = self._action(settings, "datastore_search_sql")
        sql = str(settings["sql"]).strip().rstrip(";")
        records: list[dict[str, Any]] = []
        fields: list[str] = []
        pages = 0
        while True:
            paged = f"SELECT * FROM ({sql}) AS page LIMIT {size} OFFSET {len(records)}"
            result = _result(http.get_json(url, {"sql": paged}, headers))
            page = result.get("records") or []
            fields = fields or [f["id"] for f in result.get("fields", []) if "id" in f]
            records.extend(page)
            pages += 1
            if len(page) < size or first_page:
                break
        columns, rows = records_to_table(records, fields)
        return FetchResult(settings.get("resource_id") or "sql", columns, rows, pages=pages)

    def explain(self, error: HttpError) -> str:
        body = error.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return f"CKAN answered {error.status}: {_describe(body['error'])}"
        return f"CKAN answered {error.status}: {error.text() or 'no details'}"


def _result(body: Any) -> dict[str, Any]:
    """The ``result`` of a CKAN action; ``success: false`` can come with status 200 too."""
    if not isinstance(body, dict):
        raise FetchError("CKAN did not answer with an action result")
    if not body.get("success"):
        raise FetchError(f"CKAN refused: {_describe(body.get('error') or {})}")
    result = body.get("result")
    if not isinstance(result, dict):
        raise FetchError("CKAN answered without a result")
    return result


def _describe(error: dict[str, Any]) -> str:
    """CKAN errors: ``{"__type": ..., "message": ...}`` or, for validation errors,
    ``{"__type": "Validation Error", "<field>": ["<message>", ...]}``."""
    kind = error.get("__type", "Error")
    if error.get("message"):
        return f"{kind}: {error['message']}"
    details = [
        f"{name}: {'; '.join(map(str, value)) if isinstance(value, list) else value}"
        for name, value in error.items()
        if name != "__type"
    ]
    return f"{kind}: {', '.join(details)}" if details else kind
