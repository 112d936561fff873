"""Test set-up shared by every part: a throwaway workspace, the demo collaborative, and people.

The demo collaborative is installed once per test session (each test runs in a transaction
that is rolled back), so every test can read it as "riverton".
"""

from __future__ import annotations

import os

import pytest

DB_ONLY = os.environ.get("CIVICLOOP_TEST_DB_ONLY") == "1"

if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-xdist's workers start with COLUMNS=80 and LINES=24 in their environment. A Rich
    # console made at import would keep 80 columns, and the CLI tests, which give each
    # command 200 (as a wide terminal does), would read wrapped tables. A worker has no
    # terminal: like the single-process run, it leaves the width to each command.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)


# Tests that share an expensive session resource run in one worker when the suite is spread
# over processes (pytest-xdist, ``--dist loadgroup``): one demo server, one Spark JVM.
SHARED_RESOURCES = {"demo_server": "demo-server", "spark_engine": "spark"}


def pytest_collection_modifyitems(config, items):
    """Group tests by the shared resource they need; on the PostgreSQL pass, run only the
    tests that touch the database."""
    _group_for_workers(items)
    if not DB_ONLY:
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") or {
            "db",
            "transactional_db",
            "client",
        } & set(getattr(item, "fixturenames", ()))
        (keep if uses_db and not item.get_closest_marker("browser") else drop).append(item)
    items[:] = keep
    config.hook.pytest_deselected(items=drop)


def _group_for_workers(items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        group = next((g for f, g in SHARED_RESOURCES.items() if f in names), None)
        if group is None and item.get_closest_marker("browser"):
            # A browser module's own server (module or session fixture) starts once.
            group = item.nodeid.split("::")[0]
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def workspace_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("workspace")


@pytest.fixture(scope="session", autouse=True)
def _workspace(workspace_dir):
    try:
        from django.conf import settings
        from django.test import override_settings
    except ImportError:  # pragma: no cover - pure tests without Django installed
        yield
        return
    from civicloop.core.workspace import Workspace

    ws = Workspace(workspace_dir)
    ws.init("tests")
    settings.WORKSPACE = ws
    with override_settings(PASSWORD_HASHERS=_test_password_hashers()):
        yield


def _test_password_hashers() -> list[str]:
    """Argon2 is deliberately slow (a tenth of a second of CPU per hash): a test that makes
    a person or signs one in would spend most of its time hashing. Tests hash new passwords
    the cheap way; the production hashers follow, so their hashes (the demo server's, a
    marked test's) still check. The tests marked ``production_passwords`` keep the real
    list, and one of them checks that people's passwords are argon2 hashes."""
    from civicloop.core import settings as production

    return ["django.contrib.auth.hashers.MD5PasswordHasher", *production.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _production_passwords(request):
    """Tests marked ``production_passwords`` hash with the production settings' hashers
    (before any person of theirs is made: autouse fixtures come first)."""
    if request.node.get_closest_marker("production_passwords") is None:
        return
    from civicloop.core import settings as production

    request.getfixturevalue("settings").PASSWORD_HASHERS = list(production.PASSWORD_HASHERS)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _workspace):
    from civicloop.demo.install import install

    with django_db_blocker.unblock():
        install()


@pytest.fixture(autouse=True)
def _fresh_data_cache():
    """Each test starts with empty caches: a test's rolled-back transaction can bring a data
    version back while entries made under it stay in this process, and it reuses the ids
    (of loads, of approval events) that the public pages' stamps are made of. Nor does a
    rolled-back test commit, so the signals sent on commit that forget the public pages'
    stamps never fire: a stamp read by the test before would be kept for its second."""
    try:
        from django.core.cache import caches
    except ImportError:  # pragma: no cover - pure tests without Django installed
        yield
        return
    from civicloop.core import cache as data_cache
    from civicloop.declare.stamps import forget_stamps

    data_cache.clear()
    caches["default"].clear()  # the public pages, by stamp
    forget_stamps()
    yield
