"""Every web request has a deadline (``CIVICLOOP_REQUEST_SECONDS``, default 60).

gunicorn's threaded workers cannot stop a request that runs long: the client gives up, the
thread works on for minutes and holds a database connection. Python cannot kill a thread,
but nearly all of a long request's time is spent in the database, so this middleware ends
it there: past the deadline each query is refused before it runs, and a SQLite query
already running is interrupted (a progress handler). The request then answers 503, and
anything it was writing rolls back with its transaction.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpResponse


class DeadlinePassed(Exception):
    """The request ran past its deadline."""


def _seconds() -> float:
    return float(getattr(settings, "CIVICLOOP_REQUEST_SECONDS", 60))


@contextmanager
def _sqlite_interrupt(deadline: float):
    raw = connection.connection
    if connection.vendor != "sqlite" or raw is None:
        yield
        return
    # Called every 10,000 SQLite VM steps: a non-zero answer interrupts the query.
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def _guard(deadline: float):
    def wrapper(execute, sql, params, many, context):
        if time.monotonic() > deadline:
            raise DeadlinePassed
        with _sqlite_interrupt(deadline):
            try:
                return execute(sql, params, many, context)
            except OperationalError as exc:
                if time.monotonic() > deadline and "interrupt" in str(exc):
                    raise DeadlinePassed from None
                raise

    return wrapper


class DeadlineMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        deadline = time.monotonic() + _seconds()
        try:
            with connection.execute_wrapper(_guard(deadline)):
                return self.get_response(request)
        except DeadlinePassed:
            return _too_long()

    def process_exception(self, request, exception):
        if isinstance(exception, DeadlinePassed):
            return _too_long()
        return None


def _too_long() -> HttpResponse:
    return HttpResponse(
        "This request took too long and was stopped; nothing it was changing was saved. "
        "Try a smaller file or a narrower page.",
        status=503,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": "30"},
    )
