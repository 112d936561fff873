"""A request that runs past its deadline is stopped in the database and answers 503."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from civicloop.core.deadline import DeadlineMiddleware
from civicloop.core.server import options

pytestmark = pytest.mark.django_db


def slow_view(request):
    time.sleep(0.3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("done")


def endless_query(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        )
    return HttpResponse("never")


def test_a_request_past_its_deadline_is_stopped(settings):
    settings.CIVICLOOP_REQUEST_SECONDS = 0.1
    answer = DeadlineMiddleware(slow_view)(RequestFactory().get("/"))
    assert answer.status_code == 503


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's progress handler")
def test_a_query_that_never_ends_is_interrupted(settings):
    settings.CIVICLOOP_REQUEST_SECONDS = 0.5
    began = time.monotonic()
    answer = DeadlineMiddleware(endless_query)(RequestFactory().get("/"))
    assert answer.status_code == 503 and time.monotonic() - began < 10


def test_a_quick_request_is_untouched(settings):
    settings.CIVICLOOP_REQUEST_SECONDS = 5
    assert DeadlineMiddleware(slow_view)(RequestFactory().get("/")).content == b"done"


def test_gunicorn_bounds_requests():
    served = options("127.0.0.1", 8000)
    assert served["timeout"] <= 60 and served["graceful_timeout"] <= 30
    assert served["limit_request_line"] and served["limit_request_fields"] <= 100
    assert served["max_requests"] > 0
