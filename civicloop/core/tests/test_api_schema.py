"""The REST API against its own OpenAPI description, with schemathesis: generated requests
to every operation, anonymous and signed in, get no server error and answers that match
the documented schema. Bounded (a few examples per operation), so it runs in CI."""

from __future__ import annotations

import pytest
import schemathesis
from django.middleware.csrf import get_token
from django.test import RequestFactory
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from civicloop.core.tests.people import login

CHECKS = [not_a_server_error, response_schema_conformance]


def _schema():
    from civicloop.core.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


schema = _schema()  # the description needs no database; each case runs in the test's
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """Requests here go straight to the WSGI application, whose end-of-request signal
    closes the database connection (PostgreSQL, CONN_MAX_AGE 0) in the middle of the
    test's transaction; Django's own test client keeps it open the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def signed_in(client, alice):
    """Cookies and headers of alice (backbone admin), CSRF token included."""
    login(client, alice)
    request = RequestFactory().get("/")
    token = get_token(request)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_as_the_public_sees_it(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_as_a_backbone_admin_uses_it(case, signed_in):
    case.call_and_validate(
        checks=CHECKS, cookies=signed_in["cookies"], headers=signed_in["headers"]
    )
