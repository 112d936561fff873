"""A load's problems are said in the reader's language, still naming their row and column."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from civicloop.core.tests.people import login
from civicloop.results.periods import PeriodError, parse_period

pytestmark = pytest.mark.django_db
MESSY = (
    b"indicator,area,period,value\n"
    b"child-poverty,riverton,2025,22.5\n"
    b"child-povrty,riverton,2025,22\n"
    b"child-poverty,riverton,2025-13,20\n"
    b"child-poverty,n-harbor,2025,abc\n"
    b"child-poverty,n-harbor,2024,140\n"
)


def test_a_spanish_reader_of_the_upload_page_reads_spanish_problems_by_row_and_column(client, erin):
    login(client, erin)
    page = client.post(
        "/c/riverton/loads/new/",
        {"file": SimpleUploadedFile("socio.csv", MESSY)},
        HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9",
    ).content.decode()
    row = '<tr><td class="num">{}</td><td>{}</td><td>{}'
    assert row.format(3, "indicator", "indicador desconocido &#x27;child-povrty&#x27;") in page
    assert "(¿quiso decir &#x27;child-poverty&#x27;?)" in page
    assert row.format(4, "period", "&#x27;2025-13&#x27;: el mes 13 no existe") in page
    assert row.format(5, "value", "&#x27;abc&#x27; no es un número") in page
    assert row.format(6, "value", "140 está fuera de 0-100 para un porcentaje") in page
    assert "unknown indicator" not in page and "is not a number" not in page


def test_a_period_error_stays_english_as_text_and_is_said_in_spanish_when_asked():
    with pytest.raises(PeriodError) as caught:
        parse_period("2023-W60")
    assert "is not" in str(caught.value) or "has no ISO week" in str(caught.value)
    with translation.override("es"):
        spanish = caught.value.translated()
    assert spanish != str(caught.value) and "2023-W60" in spanish
