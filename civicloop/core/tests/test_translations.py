"""The interface in two languages: every word marked, the Spanish catalog whole and compiled,
and pages that speak Spanish when asked (the working app by its cookie or the browser, the
public site by its address)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from civicloop.core.template_text import mark, unmarked

ROOT = Path(__file__).resolve().parents[2]  # the civicloop package
TEMPLATES = sorted(ROOT.glob("*/templates/**/*.html"))
PO = ROOT / "locale/es/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%%|\{[a-z_]*\}")


# -- every word in a template is marked -----------------------------------------------------


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 99


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_word_in_the_template_is_marked_for_translation(template):
    found = unmarked(template.read_text(encoding="utf-8"))
    assert found == [], "\n".join(
        f"{template.relative_to(ROOT)}:{u.line}: {u.where}: {u.text!r}" for u in found
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ("{% block title %}Sources{% endblock %}", ["Sources"]),
        ("<li>{{ n }} rows loaded</li>", ["{{ n }} rows loaded"]),
        ('<nav aria-label="Breadcrumb"></nav>', ["Breadcrumb"]),
        ('<img alt="Logo of {{ name }}" src="x.png">', ["Logo of {{ name }}"]),
        ('<input placeholder="a name">', ["a name"]),
        ('<meta name="description" content="Progress declared">', ["Progress declared"]),
        ("{% if x %}Yes{% else %}<b>No</b>{% endif %}", ["Yes", "No"]),
        ('{{ value|default:"none" }}', ['{{ value|default:"none" }}']),
        (
            '{% blocktranslate with a=b|default:"the city" %}in {{ a }}{% endblocktranslate %}',
            ['{% blocktranslate with a=b|default:"the city" %}'],
        ),
        ("<p>{% translate 'Seen' %} and unseen</p>", ["and unseen"]),
        ("<p>É</p>", ["É"]),
    ],
)
def test_the_check_finds_unmarked_words(source, expected):
    assert [u.text for u in unmarked(source)] == expected


@pytest.mark.parametrize(
    "source",
    [
        "<p>{% translate 'Hello' %}</p>",
        "<p>{% blocktranslate count n=k %}{{ n }} row{% plural %}{{ n }} rows{% endblocktranslate %}</p>",
        "<p>{{ indicator.name }} · {{ area.name }} — 12%</p>",
        "{# a note for developers #}<p>{% comment %}Not shown{% endcomment %}</p>",
        '<script type="application/json">{"title": "Chart"}</script>',
        "<style>.a::after { content: 'more' }</style>",
        "<p><code>civicloop load FILE</code></p>",
        '<a class="brand" href="/">civicloop</a>',
        '<a href="/x" title="{% translate "Open" %}">→</a>',
        '{{ value|default:_("none") }}',
        '{{ when|date:"j F Y" }}',
        '<div class="table-wrap" id="x1" data-spec="{{ spec }}">&nbsp;</div>',
    ],
)
def test_the_check_passes_what_a_translator_never_sees_or_already_has(source):
    assert unmarked(source) == []


def test_the_check_caught_a_real_unmarked_string():
    """The site's frame with one of its strings unmarked again, as it was before i18n."""
    base = (ROOT / "core/templates/base.html").read_text(encoding="utf-8")
    undone = base.replace('{% translate "Skip to content" %}', "Skip to content")
    assert undone != base
    assert [u.text for u in unmarked(undone)] == ["Skip to content"]


def test_marking_wraps_text_and_counts_plurals():
    text, left = mark("<p>{{ rows|length }} row{{ rows|length|pluralize }} checked</p>")
    assert left == []
    assert text == (
        "{% load i18n %}<p>{% blocktranslate count rows=rows|length trimmed %}{{ rows }} row "
        "checked{% plural %}{{ rows }} rows checked{% endblocktranslate %}</p>"
    )
    assert unmarked(text) == []


# -- the Spanish catalog --------------------------------------------------------------------


def _catalog() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_msgid_has_a_spanish_msgstr_with_the_same_placeholders():
    po = _catalog()
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for english, spanish in pairs:
            if not spanish.strip():
                problems.append(f"untranslated: {english!r}")
            elif sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(spanish)):
                problems.append(f"placeholders differ: {english!r} → {spanish!r}")
    assert problems == []
    assert len(po) > 1000


def _entries(catalog) -> dict:
    out = {}
    for e in catalog:
        if e.obsolete or "fuzzy" in e.flags:
            continue
        key = (e.msgctxt or "", e.msgid, e.msgid_plural or "")
        out[key] = dict(e.msgstr_plural) if e.msgid_plural else e.msgstr
    return out


def test_the_compiled_catalog_is_the_po_file():
    """The .mo Django reads says what the .po says (compile it: scripts/translations.sh)."""
    mo = polib.mofile(str(MO))
    assert {k: v for k, v in _entries(mo).items() if k[1]} == {
        k: v for k, v in _entries(_catalog()).items() if k[1]
    }


def test_the_catalog_holds_every_marked_string(tmp_path):
    """makemessages over the sources finds nothing the catalog lacks (and nothing stale)."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install gettext (scripts/test.sh does)")
    copy = tmp_path / "civicloop"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo", "static")
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT.parent)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "es",
            "--add-location",
            "file",
            "--ignore",
            "demo/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale/es/LC_MESSAGES/django.po"))
    wanted = {(e.msgctxt or "", e.msgid) for e in fresh if not e.obsolete}
    have = {(e.msgctxt or "", e.msgid) for e in _catalog() if not e.obsolete}
    assert sorted(wanted - have) == []
    assert sorted(have - wanted) == []


# -- pages in Spanish -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_working_app_speaks_the_browsers_language():
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
    body = page.content.decode()
    assert page["Content-Language"] == "es"
    assert '<html lang="es">' in body
    assert "Iniciar sesión" in body and "Saltar al contenido" in body
    english = Client().get("/accounts/login/").content.decode()
    assert '<html lang="en">' in english and "Skip to content" in english


@pytest.mark.django_db
def test_the_switcher_sets_the_language_with_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/").content.decode()
    token = re.search(
        r'class="languages".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S
    ).group(1)
    assert client.post("/i18n/setlang/", {"language": "es", "next": "/"}).status_code == 403
    answer = client.post(
        "/i18n/setlang/",
        {"language": "es", "next": "/accounts/login/", "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    spanish = client.get("/accounts/login/").content.decode()
    assert '<html lang="es">' in spanish and "Iniciar sesión" in spanish
    assert 'value="en"' in spanish  # the switcher now offers English


@pytest.mark.django_db
def test_the_public_site_has_one_address_per_language(riverton):
    client = Client()
    client.cookies["django_language"] = "es"  # the public site's language is its address
    english = client.get("/public/c/riverton/")
    assert english.status_code == 200
    body = english.content.decode()
    assert '<html lang="en">' in body and "Open data" in body
    spanish = client.get("/es/public/c/riverton/")
    assert spanish.status_code == 200 and spanish["Content-Language"] == "es"
    body = spanish.content.decode()
    assert '<html lang="es">' in body
    assert "Datos abiertos" in body and "Metodología" in body
    assert 'hreflang="en" href="http://testserver/public/c/riverton/"' in body
    assert 'hreflang="es" href="http://testserver/es/public/c/riverton/"' in body
    assert 'href="/es/public/c/riverton/methodology/"' in body  # links stay in Spanish
    indicator = client.get("/es/public/c/riverton/indicators/third-grade-reading/")
    assert indicator.status_code == 200
    assert "Lo que dicen los datos" in indicator.content.decode()


# -- content in two languages ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_result_is_written_in_spanish_beside_the_english_and_falls_back(client, alice):
    from civicloop.core.tests.people import login
    from civicloop.results.models import Result

    login(client, alice)
    client.cookies["django_language"] = "es"  # a Spanish reader saving never overwrites English
    form = client.get("/c/riverton/setup/results/new/").content.decode()
    assert 'name="title_es"' in form and 'lang="es"' in form
    answer = client.post(
        "/c/riverton/setup/results/new/",
        {
            "title": "Children ready for school",
            "title_es": "Niños preparados para la escuela",
            "slug": "",
            "statement": "Every child ready.",
            "statement_es": "",
            "population": "",
            "order": "0",
        },
    )
    assert answer.status_code == 302
    result = Result.objects.get(slug="children-ready-for-school")
    assert (result.title_en, result.title_es) == (
        "Children ready for school",
        "Niños preparados para la escuela",
    )
    assert result.statement_es is None
    with translation.override("es"):
        assert result.title == "Niños preparados para la escuela"
        assert result.statement == "Every child ready."  # no Spanish yet: the English
    with translation.override("en"):
        assert result.title == "Children ready for school"
    page = client.get("/c/riverton/").content.decode()  # the working app, in Spanish
    assert "Niños preparados para la escuela" in page


@pytest.mark.django_db
def test_the_configuration_carries_the_spanish(riverton):
    from civicloop.core.configuration import apply_configuration, export_configuration
    from civicloop.results.models import Indicator

    indicator = Indicator.objects.get(result__collaborative=riverton, slug="third-grade-reading")
    indicator.name_es = "Lectura en tercer grado"
    indicator.definition_es = None
    indicator.save()
    with translation.override("es"):  # whoever asks, the plain keys are the English
        data = export_configuration(riverton)
    exported = next(
        i for r in data["results"] for i in r["indicators"] if i["slug"] == indicator.slug
    )
    assert exported["name"] == indicator.name_en
    assert exported["name_es"] == "Lectura en tercer grado"
    assert "definition_es" not in exported  # nothing written in Spanish, nothing said
    exported["name_es"] = "Lectura de tercer grado"
    applied = apply_configuration(data)
    assert any("name_es" in change for change in applied.changes)
    indicator.refresh_from_db()
    assert indicator.name_es == "Lectura de tercer grado"
    with translation.override("es"):
        assert indicator.name == "Lectura de tercer grado"


@pytest.mark.django_db
def test_a_declarations_spanish_goes_back_to_the_chair_with_the_english(riverton, alice):
    from civicloop.declare import workflow
    from civicloop.declare.models import Declaration

    d = Declaration.objects.filter(collaborative=riverton, status="draft").first()
    if d is None:
        published = Declaration.objects.filter(collaborative=riverton).first()
        d = workflow.draft(published.indicator, published.area, alice)
    english = d.text_en
    with translation.override("es"):  # a Spanish reader's edit keeps the English as it was
        workflow.edit(d, english, alice, text_es="La lectura en tercer grado mejora.")
    d.refresh_from_db()
    assert d.text_en == english and d.status == "draft"
    with translation.override("es"):
        assert d.text == "La lectura en tercer grado mejora."
    with translation.override("en"):
        assert d.text == english


@pytest.mark.django_db
def test_breakdowns_read_in_spanish_while_files_and_open_sdg_keep_their_names(riverton):
    from civicloop.measure.opensdg.components import group_cells
    from civicloop.measure.validate import Catalogue
    from civicloop.results.models import Collaborative, Group

    black = Group.objects.select_related("dimension").get(
        dimension__collaborative=riverton, slug="black"
    )
    with translation.override("es"):
        assert (black.dimension.name, black.name) == ("Raza/etnia", "Negra")
        assert "Datos de demostración" in Collaborative.objects.get(pk=riverton.pk).description
        assert group_cells(black) == {"Race/ethnicity": "Black"}  # Open SDG's keys
        catalogue = Catalogue(riverton)  # a file may name it in either language
    assert catalogue.groups[("race-ethnicity", "negra")] == black
    assert catalogue.groups[("race-ethnicity", "black")] == black
    assert catalogue.dimensions["raza/etnia"] == "race-ethnicity"
    with translation.override("en"):
        assert black.name == "Black"
