"""``civicloop ...`` in tests: in-process on the test database (the ``cli`` fixture), or in a
subprocess on a workspace of its own (``civicloop_cmd``), as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def civicloop_cmd(*args: str, workspace=None, env=None, input=None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CIVICLOOP_")}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    if workspace is not None:
        environ["CIVICLOOP_WORKSPACE"] = str(workspace)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "civicloop.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        input=input,
        timeout=300,
    )


@pytest.fixture
def cli(workspace_dir, monkeypatch):
    """cli("review", "log") -> the Typer result (exit_code, stdout), 200 columns wide."""
    from typer.testing import CliRunner

    from civicloop.cli import app

    monkeypatch.setenv("CIVICLOOP_WORKSPACE", str(workspace_dir))
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "200"})
