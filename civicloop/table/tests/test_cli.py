"""``civicloop table ...`` run in-process against the test database."""

from __future__ import annotations

import pytest

from civicloop.cli import CliError
from civicloop.table.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(cli, riverton):
    return cli


def test_missing_prints_a_table_with_the_reasons(run):
    out = run("table", "missing", "early-literacy", "--limit", "3")
    assert out.exit_code == 0, out.output
    assert "South Ward Family Health Center" in out.output
    assert "no health organisation sits at this table" in out.output
    assert "Health systems and hospitals, Housing and housing authorities" in out.output


def test_an_unknown_result_is_one_clear_error(run):
    out = run("table", "missing", "literacy")
    assert isinstance(out.exception, CliError)
    assert "no result 'literacy' in riverton" in str(out.exception)


def test_import_registry_with_a_zip_crosswalk(run, tmp_path):
    zips = tmp_path / "zips.csv"
    zips.write_text("zip,area\n07150,s-fairmount\n")
    registry = tmp_path / "eo.csv"
    registry.write_text(
        "EIN,NAME,STREET,CITY,STATE,ZIP,NTEE_CD,INCOME_AMT\n"
        "223333333,FAIRMOUNT TENANTS UNION,5 Elm St,Riverton,NJ,07150,S22,1000\n"
        "224444444,FAR AWAY FOUNDATION,1 Road,Elsewhere,CA,94110,T20,5\n"
    )
    out = run("table", "import-registry", str(registry), "--zip-areas", str(zips))
    assert out.exit_code == 0, out.output
    assert "1 new" in out.output and "1 outside" in out.output
    union = Organisation.objects.get(ein="223333333")
    assert union.sector == "residents" and union.footprint.get().area.code == "s-fairmount"


def test_import_registry_lists_problems_and_imports_nothing(run, tmp_path):
    registry = tmp_path / "bad.csv"
    registry.write_text("name,sector\nGood,housing\n,housing\n")
    out = run("table", "import-registry", str(registry), "--include-outside")
    assert isinstance(out.exception, CliError)
    assert "name is empty" in out.output
    assert not Organisation.objects.filter(slug="good").exists()


def test_the_table_commands_have_help_with_examples(run):
    for command in ("missing", "import-registry"):
        out = run("table", command, "--help")
        assert out.exit_code == 0 and "Example" in out.output
