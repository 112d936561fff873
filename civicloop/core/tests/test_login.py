"""Signing in holds under attack: wrong passwords lock out, checks wait their turn, and a
deployment behind TLS gets secure cookies, HSTS and short sessions."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from civicloop.core import auth
from civicloop.core.tests.people import PASSWORD

SETTINGS = Path(auth.__file__).with_name("settings.py")


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_wrong_passwords_then_the_right_one_is_refused(client, erin):
    assert sign_in(client, "erin", "guess").status_code == 200  # the form again
    for _ in range(59):
        sign_in(client, "erin", "guess")
    locked = sign_in(client, "erin", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_right_password_after_a_few_slips_still_signs_in(client, erin):
    for _ in range(3):
        sign_in(client, "erin", "guess")
    assert sign_in(client, "erin", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(erin.pk)


@pytest.mark.django_db
def test_a_lockout_is_per_person_and_address(client, erin, frank):
    for _ in range(6):
        sign_in(client, "erin", "guess")
    assert sign_in(client, "frank", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_password_checks_wait_their_turn(erin, monkeypatch):
    monkeypatch.setattr(auth, "LOGIN_WAIT", 0.2)
    request = RequestFactory().post("/accounts/login/")
    turns = auth._semaphore()
    assert turns.acquire(timeout=1)  # another sign-in is checking its password
    try:
        assert authenticate(request, username="erin", password=PASSWORD) is None
    finally:
        turns.release()
    assert authenticate(request, username="erin", password=PASSWORD) == erin


def _settings_with(monkeypatch, **env) -> dict:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_behind_tls_cookies_are_secure_with_hsts_and_short_sessions(monkeypatch):
    monkeypatch.delenv("CIVICLOOP_HTTPS", raising=False)
    plain = runpy.run_path(str(SETTINGS))
    assert not plain.get("SESSION_COOKIE_SECURE") and not plain.get("SECURE_HSTS_SECONDS")
    tls = _settings_with(monkeypatch, CIVICLOOP_HTTPS="1")
    assert tls["SESSION_COOKIE_SECURE"] and tls["CSRF_COOKIE_SECURE"]
    assert tls["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert tls["SESSION_COOKIE_AGE"] <= 12 * 3600
    assert tls["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert os.environ["CIVICLOOP_HTTPS"] == "1"
