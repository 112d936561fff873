"""Tests' local servers (portals, webhook receivers) listen on 127.0.0.1, which civicloop
refuses to call in production. They are allowed here one test at a time, never globally."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import override_settings

LOCAL = ["127.0.0.1"]


@contextmanager
def local_servers_allowed_here() -> Iterator[None]:
    with override_settings(CIVICLOOP_ALLOWED_INTERNAL_HOSTS=LOCAL):
        yield


@pytest.fixture
def local_servers_allowed() -> Iterator[None]:
    with local_servers_allowed_here():
        yield
