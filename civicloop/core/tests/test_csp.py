"""Content-Security-Policy: no page runs inline script, so an injected script stays inert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civicloop.core.tests.people import login

ROOT = Path(__file__).resolve().parents[2]
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_page_forbids_inline_script(client, alice):
    login(client, alice)
    for url in ("/", "/c/riverton/", "/c/riverton/indicators/third-grade-reading/"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        rules = policy(answer)
        assert rules["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in rules.get("script-src", [])
        assert "'unsafe-eval'" not in rules.get("script-src", [])
        assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"]
        page = answer.content.decode()
        assert not INLINE_HANDLER.search(page), url
        assert not INLINE_SCRIPT.search(page), url


@pytest.mark.django_db
def test_the_embed_alone_may_be_framed(client):
    answer = client.get("/public/c/riverton/indicators/third-grade-reading/embed/")
    assert answer.status_code == 200
    assert "frame-ancestors" not in policy(answer)
    assert "script-src" in policy(answer)


def test_no_template_has_inline_script_or_handlers():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text()
        if INLINE_HANDLER.search(text) or INLINE_SCRIPT.search(text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []
