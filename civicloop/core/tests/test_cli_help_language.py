"""``--help`` speaks CIVICLOOP_LANGUAGE too: every command's help, its options' and
arguments' help and Typer's own words come from the Spanish catalog, without Django; English
stays the default and is what the help was written in."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from civicloop.cli import app
from civicloop.cli_language import catalog, translated
from civicloop.core.tests.commands import civicloop_cmd

WIDE = {"COLUMNS": "200"}


def test_learn_help_in_spanish():
    out = civicloop_cmd("learn", "--help", env={**WIDE, "CIVICLOOP_LANGUAGE": "es"})
    assert out.returncode == 0, out.stderr
    assert "Aprender: tendencias, progreso hacia la meta" in out.stdout
    assert "¿Mejora cada indicador?" in out.stdout  # a command's summary in the list
    assert "Comandos" in out.stdout and "Commands" not in out.stdout
    assert "Learn: trends" not in out.stdout


def test_an_option_and_the_example_in_spanish():
    out = civicloop_cmd("learn", "trends", "--help", env={**WIDE, "CIVICLOOP_LANGUAGE": "es"})
    assert out.returncode == 0, out.stderr
    assert "Slug de la colaborativa (por defecto: la única que hay)." in out.stdout
    assert "Mostrar este mensaje y salir." in out.stdout
    # The example keeps its command as typed, under a Spanish heading.
    assert "Ejemplo: civicloop learn trends -c riverton --area south" in out.stdout
    assert "Slug of the collaborative" not in out.stdout


def test_english_by_default():
    out = civicloop_cmd("learn", "trends", "--help", env=WIDE)
    assert out.returncode == 0, out.stderr
    assert "Is each indicator improving?" in out.stdout
    assert "Slug of the collaborative (default: the only one)." in out.stdout
    assert "Example: civicloop learn trends" in out.stdout and "Options" in out.stdout


def test_one_process_switches_language_between_runs():
    runner = CliRunner()
    spanish = runner.invoke(app, ["init", "--help"], env={**WIDE, "CIVICLOOP_LANGUAGE": "es"})
    english = runner.invoke(app, ["init", "--help"], env={**WIDE, "CIVICLOOP_LANGUAGE": "en"})
    assert "Carpeta del espacio de trabajo que se crea." in spanish.output
    assert "Argumentos" in spanish.output
    assert "Workspace folder to create." in english.output and "Arguments" in english.output
    assert "Argumentos" not in english.output


def _help_texts(command, path=()):
    yield path, "help", command.help
    for param in command.params:
        if getattr(param, "help", None):
            yield path, param.name, param.help
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _help_texts(sub, (*path, name))


def test_every_help_text_has_its_spanish():
    words = catalog("es")
    missing, no_example = [], []
    for path, what, text in _help_texts(typer.main.get_command(app)):
        if not text:
            continue
        spanish = translated(text, words)
        if spanish == text and text not in ("Slug.",):  # the same word in both
            missing.append(f"{' '.join(path) or 'civicloop'}: {what}: {text[:60]!r}")
        if "Example" in text and "Ejemplo" not in spanish:
            no_example.append(" ".join(path))
    assert missing == [], "\n".join(missing)
    assert no_example == []
