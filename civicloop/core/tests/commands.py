"""The ``cli`` fixture: ``civicloop ...`` run in-process on the test workspace and database."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli(workspace_dir, monkeypatch):
    """cli("review", "log") -> the Typer result (exit_code, stdout), 200 columns wide."""
    from typer.testing import CliRunner

    from civicloop.cli import app

    monkeypatch.setenv("CIVICLOOP_WORKSPACE", str(workspace_dir))
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "200"})
