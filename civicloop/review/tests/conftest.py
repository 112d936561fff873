"""The review's tests sign people in with force_login, so the named people's passwords are
never checked: hash them the cheap way (argon2 costs a tenth of a second per person)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cheap_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
