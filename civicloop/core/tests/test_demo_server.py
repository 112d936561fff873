"""The browser tests' shared demo server keeps answering however many requests it serves.

gunicorn logs a line per request; when the server's output went to a pipe nobody read, the
pipe filled after about 330 requests and every worker blocked on its next log line, so the
browser tests that ran late in the session timed out one after another.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from civicloop.core.tests.browser import demo_server  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_demo_server_answers_a_thousand_requests_in_a_row(demo_server):  # noqa: F811
    where = urlsplit(demo_server)
    for n in range(1000):
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
        try:
            conn.request("GET", "/accounts/login/")
            response = conn.getresponse()
            response.read()
        except OSError as exc:
            pytest.fail(f"request {n + 1} got no answer: {exc!r}")
        finally:
            conn.close()
        assert response.status == 200
