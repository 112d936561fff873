"""Any CSV or JSON file at a URL.

Settings::

    {"url": "https://example.org/reading.csv"}
    {"url": "https://example.org/api/rates", "format": "json", "records": "data.items"}

``format`` is guessed from the content type, then the file name. A CSV is loaded byte for
byte as fetched. JSON may be a list of objects, a list of rows whose first row is the
header, or an object holding one of those at the dotted path ``records``.
"""

from __future__ import annotations

import csv
import io
import urllib.parse
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from civicloop.measure.connectors.base import (
    Connector,
    FetchError,
    FetchResult,
    cell,
    records_to_table,
)
from civicloop.measure.connectors.http import Http, Response

if TYPE_CHECKING:
    from civicloop.measure.models import Source


class UrlFile(Connector):
    kind = "url"
    label = "CSV or JSON at a URL"
    required = ("url",)

    def fetch(self, source: Source, http: Http, *, first_page: bool = False) -> FetchResult:
        # One request fetches everything, so the first page is the whole table.
        settings = source.settings
        response = http.get(str(settings["url"]))
        name = PurePosixPath(urllib.parse.urlsplit(response.url).path).stem or "download"
        kind = settings.get("format") or _guess_format(response)
        if kind == "csv":
            columns, rows = _csv_table(response.body)
            return FetchResult(name, columns, rows, raw=response.body)
        if kind == "json":
            data = _at_path(response.json(), settings.get("records"))
            columns, rows = _json_table(data)
            return FetchResult(name, columns, rows)
        raise FetchError(f"format must be csv or json, not {kind!r}")


def _guess_format(response: Response) -> str:
    content_type = next(
        (v for k, v in response.headers.items() if k.lower() == "content-type"), ""
    ).lower()
    if "json" in content_type:
        return "json"
    if "csv" in content_type:
        return "csv"
    suffix = PurePosixPath(urllib.parse.urlsplit(response.url).path).suffix.lower()
    return {".json": "json", ".geojson": "json"}.get(suffix, "csv")


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _csv_table(raw: bytes) -> tuple[list[str], list[list[str]]]:
    text = _decode(raw)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if not rows:
        raise FetchError("the file at the URL is empty")
    return rows[0], rows[1:]


def _at_path(data: Any, path: str | None) -> Any:
    for part in (path or "").split(".") if path else []:
        if not isinstance(data, dict) or part not in data:
            raise FetchError(f"the JSON has nothing at {path!r} (stopped at {part!r})")
        data = data[part]
    return data


def _json_table(data: Any) -> tuple[list[str], list[list[str]]]:
    if isinstance(data, list) and data and all(isinstance(r, list) for r in data):
        return [cell(h) for h in data[0]], [[cell(v) for v in row] for row in data[1:]]
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return records_to_table(data)
    raise FetchError(
        "the JSON is not a list of records; name where they are with the setting records"
    )
