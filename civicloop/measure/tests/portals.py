"""Local stand-ins for the portals the connectors talk to, answering with the real APIs'
response shapes, paging and error bodies, on 127.0.0.1 (a free port) in a thread.

Each portal records the requests it saw and can be told to fail: ``portal.fail(503, 503,
when=lambda q: q.get("$offset") == "10")`` answers the next two matching requests with 503
(with the portal's own error body), and ``"drop"`` closes the connection without an answer.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from civicloop.core.tests.network import local_servers_allowed_here

Query = dict[str, str]
Answer = tuple[int, dict[str, str], bytes]


def json_answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return (
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body).encode(),
    )


@dataclass
class Failure:
    actions: list[int | str]
    when: Callable[[Query], bool]


@dataclass
class Portal:
    requests: list[tuple[str, Query, dict[str, str]]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def fail(self, *actions: int | str, when: Callable[[Query], bool] = lambda q: True) -> None:
        self.failures.append(Failure(list(actions), when))

    def error(self, status: int) -> Answer:
        return json_answer(status, {"error": f"status {status}"})

    def answer(self, path: str, query: Query, headers: dict[str, str]) -> Answer | None:
        """None means: drop the connection."""
        self.requests.append((path, query, headers))
        for failure in self.failures:
            if failure.actions and failure.when(query):
                action = failure.actions.pop(0)
                if action == "drop":
                    return None
                status = int(action)
                code, hdrs, body = self.error(status)
                if status == 429:
                    hdrs = {**hdrs, "Retry-After": "0"}
                return code, hdrs, body
        return self.handle(path, query, headers)

    def handle(self, path: str, query: Query, headers: dict[str, str]) -> Answer:
        raise NotImplementedError


@contextmanager
def serving(portal: Portal) -> Iterator[str]:
    """Serve ``portal`` on a free local port; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
            answer = portal.answer(parts.path, query, {k: v for k, v in self.headers.items()})
            if answer is None:
                self.close_connection = True
                self.wfile.flush()
                self.connection.shutdown(2)
                return
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        with local_servers_allowed_here():  # while it serves, and no longer
            yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- Socrata SODA 2.x ---------------------------------------------------------------------

_CLAUSE = re.compile(r"^\s*(\w+)\s*(=|!=|>=|<=|>|<)\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*$")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


@dataclass
class SocrataPortal(Portal):
    """``/resource/<id>.json``: rows are objects of text; null fields are left out."""

    datasets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    app_token: str | None = None

    def error(self, status: int) -> Answer:
        codes = {429: "too_many_requests", 500: "internal_error", 503: "service_unavailable"}
        return json_answer(
            status,
            {"code": codes.get(status, "error"), "error": True, "message": f"status {status}"},
        )

    def handle(self, path: str, query: Query, headers: dict[str, str]) -> Answer:
        match = re.fullmatch(r"/resource/([a-z0-9]{4}-[a-z0-9]{4})\.json", path)
        if not match or match[1] not in self.datasets:
            return json_answer(
                404, {"code": "not_found", "error": True, "message": "Dataset not found"}
            )
        if self.app_token and headers.get("X-App-Token") != self.app_token:
            return json_answer(
                403,
                {
                    "code": "permission_denied",
                    "error": True,
                    "message": "Invalid app_token specified",
                },
            )
        rows = [dict(r, **{":id": f"row-{i}"}) for i, r in enumerate(self.datasets[match[1]])]
        columns = [c for c in dict.fromkeys(k for r in self.datasets[match[1]] for k in r)]
        try:
            rows = self._where(rows, query.get("$where"), columns)
            rows = self._order(rows, query.get("$order"), columns)
            names = self._select(query.get("$select"), columns)
        except KeyError as exc:
            return json_answer(
                400,
                {
                    "code": "query.soql.no-such-column",
                    "error": True,
                    "message": f"No such column: {exc.args[0]}",
                },
            )
        offset, limit = int(query.get("$offset", 0)), int(query.get("$limit", 1000))
        page = [
            {n: r[n] for n in names if r.get(n) is not None} for r in rows[offset : offset + limit]
        ]
        return json_answer(200, page, {"X-SODA2-Fields": json.dumps(names)})

    def _where(self, rows: list[dict], where: str | None, columns: list[str]) -> list[dict]:
        for clause in re.split(r"\s+AND\s+", where, flags=re.IGNORECASE) if where else []:
            m = _CLAUSE.match(clause)
            if not m:
                raise ValueError(clause)
            name, op, raw = m.groups()
            if name not in columns:
                raise KeyError(name)
            if raw.startswith("'"):
                text = raw[1:-1].replace("''", "'")
                rows = [r for r in rows if r.get(name) is not None and _OPS[op](r[name], text)]
            else:
                number = float(raw)
                rows = [
                    r for r in rows if r.get(name) is not None and _OPS[op](float(r[name]), number)
                ]
        return rows

    def _order(self, rows: list[dict], order: str | None, columns: list[str]) -> list[dict]:
        name = (order or ":id").split()[0]
        if name == ":id":
            return rows
        if name not in columns:
            raise KeyError(name)
        return sorted(rows, key=lambda r: str(r.get(name, "")))

    def _select(self, select: str | None, columns: list[str]) -> list[str]:
        if not select:
            return columns
        names = [n.strip() for n in select.split(",")]
        for name in names:
            if name not in columns:
                raise KeyError(name)
        return names


# --- CKAN DataStore -----------------------------------------------------------------------

_SQL_PAGE = re.compile(r"^SELECT \* FROM \((.*)\) AS page LIMIT (\d+) OFFSET (\d+)$", re.DOTALL)
_SQL = re.compile(
    r'^SELECT (?P<cols>.+?) FROM "(?P<table>[\w-]+)"'
    r"(?: WHERE (?P<where>.+?))?(?: ORDER BY (?P<order>.+?))?$",
    re.DOTALL,
)


@dataclass
class CkanPortal(Portal):
    """``/api/3/action/datastore_search`` and ``datastore_search_sql``."""

    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    grow_after_first_page: bool = False  # a row is added while a client pages

    HELP = "http://ckan.example/api/3/action/help_show?name=datastore_search"

    def error(self, status: int) -> Answer:
        return self._fail(status, {"__type": "Internal Server Error", "message": f"{status}"})

    def _fail(self, status: int, error: dict) -> Answer:
        return json_answer(status, {"help": self.HELP, "success": False, "error": error})

    def handle(self, path: str, query: Query, headers: dict[str, str]) -> Answer:
        if path == "/api/3/action/datastore_search":
            return self._search(query)
        if path == "/api/3/action/datastore_search_sql":
            return self._sql(query)
        return self._fail(404, {"__type": "Not Found Error", "message": "Not found"})

    def _records(self, resource: str) -> list[dict]:
        return [{"_id": i + 1, **r} for i, r in enumerate(self.resources[resource])]

    def _fields(self, resource: str) -> list[dict]:
        names = dict.fromkeys(k for r in self.resources[resource] for k in r)
        return [{"id": "_id", "type": "int"}] + [{"id": n, "type": "text"} for n in names]

    def _search(self, query: Query) -> Answer:
        resource = query.get("resource_id", "")
        if resource not in self.resources:
            message = f'Not found: Resource "{resource}" was not found.'
            return self._fail(404, {"__type": "Not Found Error", "message": message})
        records = self._records(resource)
        filters = json.loads(query.get("filters") or "{}")
        fields = {f["id"] for f in self._fields(resource)}
        bad = [name for name in filters if name not in fields]
        if bad:
            return self._fail(
                409,
                {"__type": "Validation Error", "filters": [f'field "{bad[0]}" not in resource']},
            )
        records = [r for r in records if all(str(r.get(k)) == str(v) for k, v in filters.items())]
        total = len(records)
        limit, offset = int(query.get("limit", 100)), int(query.get("offset", 0))
        if self.grow_after_first_page and offset > 0:
            total += 1  # another writer added a row since the first page
        base = f"/api/3/action/datastore_search?resource_id={resource}"
        result = {
            "include_total": True,
            "resource_id": resource,
            "fields": self._fields(resource),
            "records_format": "objects",
            "records": records[offset : offset + limit],
            "limit": limit,
            "offset": offset,
            "_links": {"start": base, "next": f"{base}&offset={offset + limit}"},
            "total": total,
        }
        return json_answer(200, {"help": self.HELP, "success": True, "result": result})

    def _sql(self, query: Query) -> Answer:
        paged = _SQL_PAGE.match(query.get("sql", ""))
        inner = _SQL.match(paged[1].strip()) if paged else None
        if not paged or not inner or inner["table"] not in self.resources:
            return self._fail(
                409,
                {
                    "__type": "Validation Error",
                    "query": ["(ProgrammingError) syntax error or unknown table"],
                },
            )
        records = self._records(inner["table"])
        if inner["where"]:
            name, raw = (s.strip() for s in inner["where"].split("="))
            records = [r for r in records if str(r.get(name)) == raw.strip("'")]
        for name in reversed((inner["order"] or "").split(",") if inner["order"] else []):
            records.sort(key=lambda r, n=name.strip(): str(r.get(n, "")))
        cols = [c.strip() for c in inner["cols"].split(",")]
        if cols != ["*"]:
            records = [{c: r.get(c) for c in cols} for r in records]
        limit, offset = int(paged[2]), int(paged[3])
        page = records[offset : offset + limit]
        fields = [{"id": k, "type": "text"} for k in (page[0] if page else {})]
        result = {"records": page, "fields": fields, "sql": query["sql"]}
        return json_answer(200, {"help": self.HELP, "success": True, "result": result})


# --- US Census Data API -------------------------------------------------------------------


@dataclass
class CensusPortal(Portal):
    """``/data/<year>/acs/acs5?get=...&for=tract:*&in=state:34 county:013&key=...``.

    ``places`` is a list of geography dicts (``{"state": "34", "county": "013", "tract":
    "000100", "NAME": ..., "<variable>": "<value>"}``); the answer is a list of lists whose
    first row is the header, geography columns last, as the API sends it.
    """

    places: list[dict[str, str]] = field(default_factory=list)
    key: str | None = None

    def error(self, status: int) -> Answer:
        return status, {"Content-Type": "text/plain"}, b"error: service unavailable"

    def handle(self, path: str, query: Query, headers: dict[str, str]) -> Answer:
        if not re.fullmatch(r"/data/\d{4}/acs/acs5", path):
            return 404, {"Content-Type": "text/html"}, b"<html>404 Not Found</html>"
        if self.key and query.get("key") != self.key:
            body = b"<html><body>Invalid Key</body></html>"
            return 400, {"Content-Type": "text/html"}, body
        wanted = query.get("get", "").split(",")
        known = {k for p in self.places for k in p}
        for name in wanted:
            if name not in known:
                body = f"error: error: unknown variable '{name}'".encode()
                return 400, {"Content-Type": "text/plain"}, body
        level, _, code = query.get("for", "").partition(":")
        within = dict(part.split(":") for part in query.get("in", "").split() if ":" in part)
        hierarchy = [*within, level]
        matches = [
            p
            for p in self.places
            if _level(p) == level
            and all(p.get(k) == v for k, v in within.items())
            and code in ("*", p[level])
        ]
        if not matches:
            return 204, {}, b""
        table = [wanted + hierarchy] + [[p[n] for n in wanted + hierarchy] for p in matches]
        return json_answer(200, table)


def _level(place: dict[str, str]) -> str:
    """The geography a row describes: the most detailed code it has."""
    return next(k for k in ("tract", "place", "county", "state") if k in place)


# --- a plain file -------------------------------------------------------------------------


@dataclass
class FilePortal(Portal):
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path → (type, bytes)

    def handle(self, path: str, query: Query, headers: dict[str, str]) -> Answer:
        if path not in self.files:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        content_type, body = self.files[path]
        return 200, {"Content-Type": content_type}, body
