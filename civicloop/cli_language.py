"""The command line's own help (``--help``) in ``CIVICLOOP_LANGUAGE``.

Typer fixes every help text when the commands are defined, long before Django is set up
(``--help`` and ``--version`` never start Django), so these texts cannot go through
Django's translation. Instead they are marked with :func:`gettext_noop` (one of the names
``makemessages`` extracts) so they land in the Spanish catalog with everything else, and
when the command line starts, the help of the whole command tree is rewritten from the
compiled catalog, read with the standard ``gettext`` module. English costs nothing: the
catalog is only opened when another language is asked for.
"""

from __future__ import annotations

import gettext
import inspect
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from typer.core import TyperGroup

LOCALE = Path(__file__).resolve().parent / "locale"
F = TypeVar("F", bound=Callable[..., Any])


def gettext_noop(message: str) -> str:
    """Marks `message` for the catalog and leaves it as it is; named as Django's marker
    so ``makemessages`` (xgettext) extracts it, without importing Django."""
    return message


def help_text(text: str) -> Callable[[F], F]:
    """A command's help, given above it instead of as its docstring, because xgettext
    extracts marked strings, never docstrings. Typer reads it as the docstring."""

    def give(function: F) -> F:
        function.__doc__ = text
        return function

    return give


def language() -> str:
    """The command line's language: ``CIVICLOOP_LANGUAGE`` (``en`` or ``es``), else English."""
    return (os.environ.get("CIVICLOOP_LANGUAGE") or "en").split("-")[0].lower()


# Typer's own words in the help screen (panel titles, "[default: ...]"), by their English.
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": gettext_noop("Arguments"),
    "OPTIONS_PANEL_TITLE": gettext_noop("Options"),
    "COMMANDS_PANEL_TITLE": gettext_noop("Commands"),
    "DEFAULT_STRING": gettext_noop("[default: {}]"),
    "REQUIRED_LONG_STRING": gettext_noop("[required]"),
    "ENVVAR_STRING": gettext_noop("[env var: {}]"),
}
# The help of the options Typer adds itself: --help to every command, and the root's
# shell completion.
gettext_noop("Show this message and exit.")
gettext_noop("Install completion for the current shell.")
gettext_noop("Show completion for the current shell, to copy it or customize the installation.")


@cache
def catalog(code: str) -> dict[str, str]:
    """The compiled catalog of `code`, keyed by the text as Typer shows it: Typer removes a
    help text's indentation (``inspect.cleandoc``), and a triple-quoted msgid keeps it."""
    try:
        with open(LOCALE / code / "LC_MESSAGES" / "django.mo", "rb") as mo:
            messages = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    except OSError:
        return {}
    return {
        inspect.cleandoc(msgid): inspect.cleandoc(text)
        for msgid, text in messages.items()
        if isinstance(msgid, str) and msgid and text
    }


def translated(text: str | None, words: dict[str, str]) -> str | None:
    if not text:
        return text
    return words.get(inspect.cleandoc(text), text)


def translate_command(command: Any, words: dict[str, str]) -> None:
    """Rewrites the help of `command`, its options and arguments, and all its subcommands."""
    command.help = translated(command.help, words)
    command.short_help = translated(command.short_help, words)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = translated(param.help, words)  # type: ignore[attr-defined]
    command.get_help_option = _translated_help_option(command.get_help_option, words)
    command.format_help = _with_typer_words(command.format_help, words)
    for sub in (getattr(command, "commands", None) or {}).values():
        translate_command(sub, words)


def _translated_help_option(get_help_option: Callable, words: dict[str, str]) -> Callable:
    # The --help option is made on first use, from the context, with Typer's English help.
    def translated_help_option(ctx: Any) -> Any:
        option = get_help_option(ctx)
        if option is not None:
            option.help = translated(option.help, words)
        return option

    return translated_help_option


def _with_typer_words(format_help: Callable, words: dict[str, str]) -> Callable:
    # Typer's drawing module is imported only to draw help (it costs a tenth of a second),
    # so its words are translated then, not at start.
    def format_translated_help(*args: Any, **kwargs: Any) -> Any:
        translate_typer_words(words)
        return format_help(*args, **kwargs)

    return format_translated_help


def translate_typer_words(words: dict[str, str]) -> None:
    """Sets the module constants Typer reads while drawing help; in English (no `words`)
    too, so that one process (the tests) can show both languages in turn."""
    rich_utils = sys.modules.get("typer.rich_utils")
    if rich_utils is None:
        if not words:
            return  # English, and Typer has not drawn anything yet
        from typer import rich_utils
    for name, english in TYPER_WORDS.items():
        setattr(rich_utils, name, words.get(english, english))


class TranslatedGroup(TyperGroup):
    """The root command: translates the tree Typer has just built before running it (Typer
    builds it afresh for every run, so this happens once per run, and per test)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        code = language()
        words = {} if code == "en" else catalog(code)
        if words:
            translate_command(self, words)
        else:
            translate_typer_words(words)
        return super().main(*args, **kwargs)
