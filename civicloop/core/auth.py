"""Signing in: wrong passwords lock an account out for a while, and password checks wait
their turn so they cannot starve the threads that serve pages.

- `LockoutBackend` is django-axes's: after ``AXES_FAILURE_LIMIT`` wrong passwords for one
  user name from one address, that pair is refused for ``AXES_COOLOFF_TIME`` (HTTP 429),
  even with the right password. Sign-ins with no HTTP request (the command line, the test
  client) cannot be brute-forced over the network, and pass through.
- `PasswordBackend` checks passwords (argon2, deliberately slow and memory-hungry) at most
  ``CIVICLOOP_CONCURRENT_LOGINS`` at a time per process; a sign-in that cannot get a turn
  within ``LOGIN_WAIT`` seconds fails as a wrong password would, so a flood of sign-ins
  costs the server a bounded share of its CPU and memory while pages keep being served.
"""

from __future__ import annotations

import threading

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend

LOGIN_WAIT = 10.0  # seconds a sign-in may wait for a turn to check its password

_turns: threading.BoundedSemaphore | None = None
_turns_lock = threading.Lock()


def _semaphore() -> threading.BoundedSemaphore:
    global _turns
    with _turns_lock:
        if _turns is None:
            _turns = threading.BoundedSemaphore(
                int(getattr(settings, "CIVICLOOP_CONCURRENT_LOGINS", 1))
            )
        return _turns


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None  # not over HTTP: nothing to lock out
        return super().authenticate(request, username=username, password=password, **kwargs)


class PasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        turns = _semaphore()
        if not turns.acquire(timeout=LOGIN_WAIT):
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        finally:
            turns.release()
