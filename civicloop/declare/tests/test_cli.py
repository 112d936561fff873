"""`civicloop declare ...` from the terminal."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from civicloop.cli import CliError, app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_the_test_workspace(workspace_dir, monkeypatch):
    monkeypatch.setenv("CIVICLOOP_WORKSPACE", str(workspace_dir))


def run(*args):
    return CliRunner().invoke(app, ["declare", *args], env={"COLUMNS": "200"})


def refused(result) -> str:
    assert isinstance(result.exception, CliError), result.output
    return str(result.exception)


def test_build_writes_the_site_and_says_where(tmp_path, riverton):
    result = run("build", str(tmp_path / "site"), "-c", "riverton", "--no-analyse")
    assert result.exit_code == 0, result.output
    assert "pages" in result.output and "pages/s" in result.output
    assert (tmp_path / "site" / "c" / "riverton" / "index.html").is_file()


def test_build_refuses_a_folder_it_did_not_make(tmp_path, riverton):
    (tmp_path / "notes.txt").write_text("mine")
    result = run("build", str(tmp_path), "-c", "riverton", "--no-analyse")
    assert "not empty and was not built by civicloop" in refused(result)


def test_list_shows_each_declaration_and_its_status(riverton):
    result = run("list", "-c", "riverton")
    assert result.exit_code == 0
    assert "Published" in result.output and "Draft" in result.output


def test_draft_needs_a_staff_member(riverton, alice, carol):
    result = run("draft", "child-poverty", "-c", "riverton", "--as", "alice")
    assert result.exit_code == 0 and "Children in poverty in Riverton fell from" in result.output
    result = run("draft", "child-poverty", "-c", "riverton", "--as", "carol")
    assert refused(result) == "only backbone staff and analysts draft declarations"
