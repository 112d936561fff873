"""``CIVICLOOP_LANGUAGE=es civicloop declare ...`` speaks Spanish to the person at the
terminal; what the alerts say stays in the site's language (they are kept and emailed)."""

from __future__ import annotations

import pytest
from django.utils import translation
from typer.testing import CliRunner

from civicloop.cli import app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spanish(workspace_dir, monkeypatch):
    monkeypatch.setenv("CIVICLOOP_WORKSPACE", str(workspace_dir))
    monkeypatch.setenv("CIVICLOOP_LANGUAGE", "es")
    yield
    translation.deactivate()  # the command activated Spanish in this process


def run(*args):
    return CliRunner().invoke(app, ["declare", *args], env={"COLUMNS": "200"})


def test_the_declarations_are_listed_in_spanish(riverton):
    result = run("list", "-c", "riverton")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Declaraciones: Riverton" in out
    assert "Estado" in out and "Indicador" in out and "Declaration" not in out


def test_the_alerts_check_counts_in_spanish(riverton):
    result = run("alerts", "-c", "riverton", "--dry-run")
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert "alerta" in last and "enviadas" in last and "fallidas" in last
