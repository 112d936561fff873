"""The command line speaks CIVICLOOP_LANGUAGE (English by default): its tables, its
summaries and its errors, while files and JSON stay the same in both languages."""

from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish(monkeypatch):
    monkeypatch.setenv("CIVICLOOP_LANGUAGE", "es")
    yield
    translation.activate("en")  # the command activated Spanish for this process


def test_the_decision_log_in_spanish(cli, riverton, spanish):
    result = cli("review", "log", "-c", "riverton")
    assert result.exit_code == 0, result.output
    assert "decisiones" in result.output or "decisión" in result.output
    assert "Estrategia" in result.output and "Firmada por" in result.output
    assert "Strategy" not in result.output


def test_who_is_missing_in_spanish(cli, riverton, spanish):
    result = cli("table", "missing", "early-literacy", "-c", "riverton")
    assert result.exit_code == 0, result.output
    assert "Quién falta en la mesa de" in result.output
    assert "Organización" in result.output


def test_an_error_in_spanish(cli, riverton, spanish):
    result = cli("approve", "--list", "-c", "nowhere")
    assert result.exit_code != 0
    assert str(result.exception) == "no existe la colaborativa 'nowhere'"


def test_the_same_command_in_english_by_default(cli, riverton, monkeypatch):
    monkeypatch.delenv("CIVICLOOP_LANGUAGE", raising=False)
    result = cli("review", "log", "-c", "riverton")
    assert result.exit_code == 0 and "Signed by" in result.output
