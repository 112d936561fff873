"""HTTP for connectors: GET with retries and exponential backoff, standard library only.

A connector asks for one page at a time; a page that fails with a network error, a 5xx or
a 429 is asked for again after 1, 2, 4... seconds (or the server's ``Retry-After``, when
longer; never more than ``max_delay``), up to ``RetryPolicy.attempts`` tries. Any other
4xx is the server saying no, so it is not retried. When the tries run out `HttpError` or
`NetworkError` is raised and the refresh fails as a whole: pages fetched before are thrown
away, never loaded. Only public http(s) hosts are called (`civicloop.core.netguard`); a
refused address fails at once, without retries.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from civicloop import __version__
from civicloop.core import netguard

USER_AGENT = f"civicloop/{__version__} (+https://github.com/civicloop)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries per request, the first included
    base_delay: float = 1.0  # seconds before the second try; doubles each time
    max_delay: float = 60.0
    timeout: float = 60.0  # seconds to wait for one response

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based)."""
        wait = self.base_delay * 2 ** (attempt - 1)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, self.max_delay)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> RetryPolicy:
        """A source may tune its own policy: ``{"retry": {"attempts": 6, "base_delay": 5}}``."""
        options = dict(settings.get("retry") or {})
        unknown = set(options) - {"attempts", "base_delay", "max_delay", "timeout"}
        if unknown:
            raise ValueError(f"unknown retry setting(s): {', '.join(sorted(unknown))}")
        values = {name: float(value) for name, value in options.items()}
        attempts = int(values.pop("attempts", cls.attempts))
        if attempts < 1:
            raise ValueError("retry attempts must be at least 1")
        return cls(attempts=attempts, **values)


class HttpError(Exception):
    """The server answered with an error status (after retries, for retryable ones)."""

    def __init__(self, url: str, status: int, body: bytes, attempts: int):
        self.url, self.status, self.body, self.attempts = url, status, body, attempts
        super().__init__(f"HTTP {status} from {redact(url)}")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def text(self, limit: int = 200) -> str:
        """The first line of the body, for a one-line message."""
        first = self.body.decode("utf-8", "replace").strip().splitlines()
        return first[0][:limit] if first else ""


class NetworkError(Exception):
    """The server could not be reached or the connection broke on every try, or its answer
    could not be read."""


@dataclass
class Response:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            snippet = self.body[:80].decode("utf-8", "replace").strip()
            raise NetworkError(
                f"{redact(self.url)} did not answer with JSON: {snippet!r}"
            ) from None


def redact(url: str) -> str:
    """Keys and tokens in query strings must not end up in error messages or logs."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (k, "***" if k.lower() in {"key", "api_key", "$$app_token", "token"} else v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, safe="*:")))


def with_params(url: str, params: Mapping[str, Any] | None) -> str:
    if not params:
        return url
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


class Http:
    """One per refresh: counts requests and retries so the refresh can report them."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        headers: Mapping[str, str] | None = None,
    ):
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.headers = {"User-Agent": USER_AGENT, "Accept": "*/*", **(headers or {})}
        self.requests = 0
        self.retries = 0

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        full = with_params(url, params)
        try:
            netguard.check_url(full)
        except netguard.UnsafeURL as exc:
            raise NetworkError(f"refused {redact(full)}: {exc}") from None
        request = urllib.request.Request(full, headers={**self.headers, **(headers or {})})
        opener = netguard.opener()  # checks again on connecting: redirects, DNS rebinding
        for attempt in range(1, self.policy.attempts + 1):
            self.requests += 1
            retry_after: float | None = None
            try:
                with opener.open(request, timeout=self.policy.timeout) as answer:
                    body = answer.read()
                    return Response(full, answer.status, dict(answer.headers.items()), body)
            except netguard.UnsafeURL as exc:
                raise NetworkError(f"refused {redact(full)}: {exc}") from None
            except urllib.error.HTTPError as exc:
                body = exc.read() if exc.fp is not None else b""
                if exc.code not in RETRY_STATUSES or attempt == self.policy.attempts:
                    raise HttpError(full, exc.code, body, attempt) from None
                retry_after = _seconds(exc.headers.get("Retry-After"))
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                if netguard.refused(exc):
                    raise NetworkError(f"refused {redact(full)}: {netguard.refused(exc)}") from None
                if attempt == self.policy.attempts:
                    reason = getattr(exc, "reason", None) or exc
                    raise NetworkError(
                        f"could not fetch {redact(full)} ({reason}) after {attempt} tries"
                    ) from None
            self.retries += 1
            self.sleep(self.policy.delay(attempt, retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return self.get(url, params, {"Accept": "application/json", **(headers or {})}).json()


def _seconds(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is rare from data portals; ignored)."""
    try:
        return float(value) if value else None
    except ValueError:
        return None


__all__ = [
    "Http",
    "HttpError",
    "NetworkError",
    "Response",
    "RetryPolicy",
    "redact",
]
