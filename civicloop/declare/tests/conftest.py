"""Declare's test fixtures: the demo's static site, and the local SMTP server and webhook
receiver of the alert tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicloop.declare.tests.receivers import smtp_server, webhook_receiver  # noqa: F401

SITE_ADDRESS = "https://progress.riverton.example/"


def build_demo_site(out: Path):
    """Riverton's public site, as `civicloop declare build` writes it, into ``out``."""
    from civicloop.declare.site import build
    from civicloop.results.models import Collaborative

    riverton = Collaborative.objects.get(slug="riverton")
    return out, build(out, [riverton], base_url=SITE_ADDRESS, analyse=False)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, django_db_setup, django_db_blocker):
    """(folder, report) of the demo's site, built once per test process for the tests that
    only read it (a build takes many seconds): from the demo as installed, outside any
    test's transaction. A test that changes it works on a copy."""
    with django_db_blocker.unblock():
        return build_demo_site(tmp_path_factory.mktemp("site") / "site")
