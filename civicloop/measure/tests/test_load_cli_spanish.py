"""``CIVICLOOP_LANGUAGE=es civicloop load ...`` reports in Spanish: the table's headings, each
problem beside its row and column, and the summary line; the problems file keeps its English
column names (a file for programs)."""

from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db
MESSY = (
    "indicator,area,period,value\nchild-poverty,riverton,2025,22\nchild-povrty,riverton,2025,22\n"
)


@pytest.fixture
def spanish(monkeypatch):
    monkeypatch.setenv("CIVICLOOP_LANGUAGE", "es")
    yield
    translation.deactivate()  # the command activated Spanish in this process


def test_a_spanish_load_report_from_the_terminal(cli, spanish, riverton, tmp_path):
    path = tmp_path / "socio.csv"
    path.write_text(MESSY)
    errors = tmp_path / "errores.csv"
    result = cli("load", str(path), "-c", "riverton", "--dry-run", "--errors", str(errors))
    out = " ".join(result.stdout.split())
    assert result.exit_code == 2, result.exception
    assert "1 problema(s)" in out
    assert "Fila" in out and "Columna" in out and "Problema" in out
    assert (
        "3 │ indicator │ indicador desconocido 'child-povrty' (¿quiso decir 'child-poverty'?)"
        in out
    )
    assert "Prueba: no se escribió nada: 2 filas; 0 nuevas, 0 revisadas, 0 sin cambios" in out
    assert "Problemas escritos en" in out
    assert "problem(s)" not in out and "unknown indicator" not in out
    assert errors.read_text(encoding="utf-8").splitlines()[0].endswith("row,column,problem")


def test_the_sources_and_their_errors_in_spanish(cli, spanish, riverton):
    from civicloop.measure.models import Source

    listed = " ".join(cli("sources", "-c", "riverton").stdout.split())
    if Source.objects.filter(collaborative=riverton).exists():
        assert "fuente" in listed and "última actualización" in listed
    else:
        assert "Todavía no hay fuentes." in listed
    wrong = cli("refresh", "no-such-source", "-c", "riverton")
    assert wrong.exit_code == 1
    assert "no existe la fuente 'no-such-source' en riverton" in str(wrong.exception) + (
        wrong.output or ""
    )
