"""Finds the words in a template that a reader sees but no translator would.

A Spanish page is only complete when every word of every template passes through the
catalog. This module reads a template the way a reader sees it: text between HTML tags,
and the attributes a screen or a screen reader shows (title, alt, aria-label, placeholder,
a page's meta description), with Django's own tags and variables taken out. Whatever has a
letter left and is not inside {% translate %}, {% blocktranslate %}, a comment, a script,
a style or a code sample is a string nobody can translate: `unmarked` lists them (the test
in core/tests/test_translations.py fails on any), and `mark` wraps them
(`python -m civicloop.core.template_text FILE...`, for a template written without them).

Literal words given to `default`, `default_if_none` and `yesno` count as well: they reach
the page just the same (mark them as ``default:_("none")``).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from django.template.base import DebugLexer, TokenType

VAR, TAG, MARKED = "\x00", "\x01", "\x02"
# Attributes whose words are read (or read aloud); `content` only on a description.
READ_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "aria-description", "label")
SKIPPED_ELEMENTS = ("script", "style", "code", "kbd", "samp", "pre")
# Names, not words: the same in every language.
NOT_WORDS = {"civicloop"}
LETTER = re.compile(r"[^\W\d_]")
LITERAL_FILTER = re.compile(r"""\|(default|default_if_none|yesno):(?P<q>["'])(?P<text>.*?)(?P=q)""")


@dataclass(frozen=True)
class Unmarked:
    line: int
    text: str
    start: int
    end: int
    where: str = "text"  # "text", an attribute's name, or "filter"


def _skeleton(source: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The source with each template tag blanked out (same length, so offsets agree).

    Variables become VAR, other tags TAG, and whatever is already marked or commented
    MARKED. Also returns the variables and tags as (start, end, contents).
    """
    chars = list(source)
    tags: list[tuple[int, int, str]] = []
    depth: str | None = None  # inside a blocktranslate / comment / verbatim block
    ends = {
        "blocktranslate": "endblocktranslate",
        "blocktrans": "endblocktrans",
        "comment": "endcomment",
        "verbatim": "endverbatim",
    }
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        word = token.contents.split()[0] if token.contents.split() else ""
        if depth is not None:
            fill = MARKED
            if token.token_type == TokenType.BLOCK and word == depth:
                depth = None
        elif token.token_type == TokenType.TEXT:
            continue
        elif token.token_type == TokenType.VAR:
            fill = VAR
            tags.append((start, end, token.contents))
        elif token.token_type == TokenType.COMMENT:
            fill = MARKED
        elif word in ends:
            fill, depth = MARKED, ends[word]
            tags.append((start, end, token.contents))  # its `with` values may hold words
        elif word in ("translate", "trans"):
            fill = MARKED
        else:
            fill = TAG
            tags.append((start, end, token.contents))
        chars[start:end] = fill * (end - start)
    return "".join(chars), tags


_HTML = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _segments(skeleton: str, start: int, end: int):
    """Pieces of skeleton[start:end] between tags and marked parts, trimmed of whitespace."""
    for m in re.finditer(f"[^{TAG}{MARKED}]+", skeleton[start:end]):
        a, b = start + m.start(), start + m.end()
        piece = skeleton[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        a, b = a + lead, b - trail
        if a < b:
            yield a, b


def _has_words(skeleton: str, a: int, b: int) -> bool:
    text = re.sub(r"&#?\w+;", "", skeleton[a:b].replace(VAR, ""))  # &nbsp; is not a word
    words = set(re.findall(r"[^\W\d_][\w'-]*", text))
    return bool(words) and not words <= NOT_WORDS


def unmarked(source: str) -> list[Unmarked]:
    """Every piece of `source` a reader sees that is not marked for translation."""
    skeleton, tags = _skeleton(source)
    found: list[Unmarked] = []

    def note(a: int, b: int, where: str) -> None:
        line = source.count("\n", 0, a) + 1
        found.append(Unmarked(line, " ".join(source[a:b].split()), a, b, where))

    skipping: str | None = None
    position = 0
    for m in _HTML.finditer(skeleton):
        if skipping is None:
            for a, b in _segments(skeleton, position, m.start()):
                if _has_words(skeleton, a, b):
                    note(a, b, "text")
        position = m.end()
        tag = m.group(0)
        if tag.startswith("<!--"):
            continue
        name = re.match(r"</?\s*([\w-]+)", tag)
        name = name.group(1).lower() if name else ""
        if skipping is not None:
            if tag.startswith("</") and name == skipping:
                skipping = None
            continue
        if name in SKIPPED_ELEMENTS and not tag.startswith("</") and not tag.endswith("/>"):
            skipping = name
        described = re.search(r"""name\s*=\s*["']description["']""", tag)
        for attr in _ATTR.finditer(tag):
            key = attr.group(1).lower()
            if key in READ_ATTRIBUTES or (key == "content" and described):
                group = 2 if attr.group(2) is not None else 3
                base = m.start() + attr.start(group)
                for a, b in _segments(skeleton, base, base + len(attr.group(group))):
                    if _has_words(skeleton, a, b):
                        note(a, b, key)
    if skipping is None:
        for a, b in _segments(skeleton, position, len(skeleton)):
            if _has_words(skeleton, a, b):
                note(a, b, "text")
    for start, end, contents in tags:
        for f in LITERAL_FILTER.finditer(contents):
            if LETTER.search(f.group("text")):
                note(start, end, "filter")
                break
    found.sort(key=lambda u: u.start)
    return found


# -- marking ---------------------------------------------------------------------------------

_PLURAL = re.compile(r"^(?P<expr>.+?)\|pluralize(?::(?P<q>[\"'])(?P<arg>[^\"']*)(?P=q))?$")


def _name_for(expr: str, taken: set[str]) -> str:
    parts = re.split(r"[|:]", expr.strip())[0].split(".")
    # "indicator.name" reads better to a translator as "indicator" than as "name".
    base = parts[-2] if len(parts) > 1 and parts[-1] in ("name", "title", "label") else parts[-1]
    base = re.sub(r"\W", "_", base) or "value"
    if base[0].isdigit() or base in ("count", "counter", "with", "trimmed", "context", "asvar"):
        base = "v_" + base
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    taken.add(name)
    return name


def _quoted(text: str) -> str | None:
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return None


def _wrap(source: str, a: int, b: int, tags: dict[int, tuple[int, str]]) -> str | None:
    """The marked form of source[a:b] (a piece of text with variables in it), or None."""
    pieces: list[tuple[str, str]] = []  # ("text", s) or ("var", contents)
    i = a
    while i < b:
        if i in tags:
            end, contents = tags[i]
            pieces.append(("var", contents.strip()))
            i = end
        else:
            j = i
            while j < b and j not in tags:
                j += 1
            pieces.append(("text", source[i:j]))
            i = j
    if all(kind == "text" for kind, _ in pieces):
        text = " ".join(source[a:b].split())
        quoted = _quoted(text)
        if quoted is not None:
            return "{% translate " + quoted + " %}"
        return "{% blocktranslate trimmed %}" + text + "{% endblocktranslate %}"
    counts = {
        m.group("expr").strip()
        for kind, s in pieces
        if kind == "var"
        for m in [_PLURAL.match(s)]
        if m
    }
    if len(counts) > 1:
        return None
    count = counts.pop() if counts else None
    taken: set[str] = set()
    counter = _name_for(count, taken) if count else None
    names: dict[str, str] = {}
    singular, plural = [], []
    for kind, s in pieces:
        if kind == "text":
            singular.append(s)
            plural.append(s)
            continue
        m = _PLURAL.match(s)
        if m:
            arg = m.group("arg")
            one, many = (
                ("", "s") if arg is None else (arg.split(",", 1) if "," in arg else ("", arg))
            )
            singular.append(one)
            plural.append(many)
            continue
        if "{" in s or "%" in s:
            return None
        if count is not None and s == count:
            ref = counter
        elif re.fullmatch(r"[A-Za-z_]\w*", s) and s not in ("count", "counter"):
            ref = s
            taken.add(s)
        else:
            ref = names.get(s) or names.setdefault(s, _name_for(s, taken))
        singular.append("{{ " + ref + " }}")
        plural.append("{{ " + ref + " }}")
    options = []
    if count:
        options.append(f"count {counter}={count}")
    withs = [f"{name}={expr}" for expr, name in names.items()]
    if withs:
        options.append("with " + " ".join(withs))
    head = "{% blocktranslate " + " ".join(options + ["trimmed"]) + " %}"
    one = " ".join("".join(singular).split())
    if count:
        many = " ".join("".join(plural).split())
        return head + one + "{% plural %}" + many + "{% endblocktranslate %}"
    return head + one + "{% endblocktranslate %}"


def mark(source: str) -> tuple[str, list[Unmarked]]:
    """`source` with its unmarked text wrapped; also what it could not wrap (by hand)."""
    skeleton, tag_list = _skeleton(source)
    tags = {start: (end, contents) for start, end, contents in tag_list}
    out, left, position = [], [], 0
    for u in unmarked(source):
        if u.where == "filter" or u.start < position:
            left.append(u)
            continue
        wrapped = _wrap(source, u.start, u.end, tags)
        if wrapped is None:
            left.append(u)
            continue
        out.append(source[position : u.start])
        out.append(wrapped)
        position = u.end
    out.append(source[position:])
    text = "".join(out)
    if text != source and "{% load i18n" not in text and "i18n" not in _loads(text):
        text = _add_load(text)
    return text, left


def _loads(text: str) -> set[str]:
    return {
        lib for m in re.finditer(r"\{%\s*load\s+([^%]*)%\}", text) for lib in m.group(1).split()
    }


def _add_load(text: str) -> str:
    extends = re.match(r"\s*\{%\s*extends[^%]*%\}", text)
    at = extends.end() if extends else 0
    return text[:at] + "{% load i18n %}" + text[at:]


def main(paths: list[str]) -> int:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure()
        django.setup()
    left_total = 0
    for p in paths:
        path = Path(p)
        source = path.read_text(encoding="utf-8")
        text, left = mark(source)
        if text != source:
            path.write_text(text, encoding="utf-8")
        for u in left:
            left_total += 1
            print(f"{path}:{u.line}: left for a person ({u.where}): {u.text}")
    return 1 if left_total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
