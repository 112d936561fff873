"""The command line, run as a user runs it: in a subprocess, against a real workspace."""

from __future__ import annotations

import civicloop
from civicloop.core.tests.commands import civicloop_cmd


def test_version():
    out = civicloop_cmd("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"civicloop {civicloop.__version__}"


def test_every_command_has_help_with_an_example():
    for command in ("init", "demo", "serve", "createuser", "migrate"):
        out = civicloop_cmd(command, "--help", env={"COLUMNS": "200"})
        assert out.returncode == 0, out.stderr
        assert "Example" in out.stdout, command


def test_a_missing_workspace_is_one_clear_line(tmp_path):
    out = civicloop_cmd("migrate", workspace=tmp_path / "nowhere")
    assert out.returncode == 1
    assert out.stderr.strip().startswith("error: no workspace at")
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_init_creates_a_workspace_with_a_private_secret_key(initialised_workspace, tmp_path):
    # initialised_workspace is one real `civicloop init` run, shared by the tests that need
    # an empty workspace (civicloop.core.tests.demos); it checked that init succeeded.
    made = initialised_workspace.path
    assert "Created workspace" in initialised_workspace.stdout
    assert (made / "civicloop.toml").is_file() and (made / "civicloop.sqlite3").is_file()
    key = made / "secret_key"
    assert oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_text().strip()) > 40
    # Running it again keeps the key.
    ws = initialised_workspace.copy(tmp_path / "riverton")
    before = (ws / "secret_key").read_text()
    again = civicloop_cmd("init", str(ws))
    assert again.returncode == 0 and "Updated workspace" in again.stdout
    assert (ws / "secret_key").read_text() == before


def test_createuser_checks_its_arguments(initialised_workspace, tmp_path):
    ws = initialised_workspace.copy(tmp_path / "ws")
    out = civicloop_cmd(
        "createuser",
        "sam",
        "--role",
        "wizard",
        "--collaborative",
        "x",
        "--password",
        "long enough password",
        workspace=ws,
    )
    assert out.returncode == 1 and "unknown role 'wizard'" in out.stderr
    out = civicloop_cmd("createuser", "sam", "--password", "long enough password 42", workspace=ws)
    assert out.returncode == 0, out.stderr
    out = civicloop_cmd("createuser", "sam", "--password", "long enough password 42", workspace=ws)
    assert out.returncode == 1 and "already exists" in out.stderr


def test_demo_without_serving_runs_the_loop_and_prints_a_summary(built_demo, tmp_path):
    # built_demo is one real `civicloop demo --no-serve` run, shared by the tests that need
    # a demo workspace (civicloop.core.tests.demos).
    out = built_demo.stdout
    assert "Riverton Cradle to Career" in out
    assert "Third-grade reading proficiency" in out
    assert "rows validated" in out
    assert (built_demo.path / "archive").is_dir()
    # Without serving it still says how to sign in.
    assert "password riverton-demo" in out and "backbone" in out
    assert "civicloop serve" in out
    # Running it again rebuilds the demo in the same workspace.
    workspace = built_demo.copy(tmp_path / "demo")
    again = civicloop_cmd("demo", "--no-serve", "--workspace", str(workspace))
    assert again.returncode == 0, again.stderr
