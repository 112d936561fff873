"""Numbers as people write them: ``41,5``, ``1.234,5``, ``1,234.5``, ``1 234``, ``−3``.

A spreadsheet saved in Berlin writes forty-one and a half as ``41,5``; read as English it
becomes 415, a tenfold error no bound catches. So a number is read as it is written wherever
its writing says which mark is the decimal one:

- ``41,5``, ``0,125``, ``1234,5`` and ``1.234,5`` have a decimal comma; ``41.5``, ``0.125``
  and ``1,234.5`` a decimal point;
- ``1.234.567`` and ``1,234,567`` group thousands (so the other mark is the decimal one);
- spaces, non-breaking spaces and apostrophes that group thousands (``1 234,5``,
  ``1'234.5``) are dropped, and a typographic minus (``−3``) is a minus.

Only one group of three digits after a single mark (``1,234``, ``1.234``) depends on the
convention. The convention comes from the source's settings (``{"decimal": ","}``), else
from the file's other numbers when they all agree. When nothing decides:

- ``1,234`` is refused: it is 1234 in English and 1.234 in German, and guessing wrong is a
  thousandfold error;
- ``1.234`` is read with a decimal point, the way software writes numbers, except in a
  ``;``-delimited file, where the decimal comma is the custom, and in a file whose numbers
  use both marks; there it is refused too.

Everything here is pyarrow and NumPy on whole columns: a file whose numbers are plain
(``12``, ``41.5``, ``1e3``) costs one regular expression per column, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _

SIGN = r"[-+]?"
EXP = r"([eE][-+]?\d+)?"
# Plain or written with a decimal point: what software writes.
POINT = rf"^{SIGN}(\d+(\.\d*)?|\.\d+){EXP}$"
COMMA = rf"^{SIGN}(\d+,\d*|,\d+)$"
LONE_POINT = rf"^{SIGN}[1-9]\d{{0,2}}\.\d{{3}}$"
LONE_COMMA = rf"^{SIGN}[1-9]\d{{0,2}},\d{{3}}$"
# Thousands grouped by commas (two groups at least, or followed by a decimal point)...
COMMA_GROUPS = rf"^{SIGN}[1-9]\d{{0,2}}((,\d{{3}}){{2,}}(\.\d*)?|,\d{{3}}\.\d*)$"
# ...or by points.
POINT_GROUPS = rf"^{SIGN}[1-9]\d{{0,2}}((\.\d{{3}}){{2,}}(,\d*)?|\.\d{{3}},\d*)$"
SEPARATORS = "[ \u00a0\u202f']"  # space, no-break space, narrow no-break space, apostrophe
SPACE_GROUPS = rf"^{SIGN}\d{{1,3}}({SEPARATORS}\d{{3}})+([.,]\d*)?$"
MARKS = (".", ",")


class NumberSettingError(ValueError):
    """A source's ``decimal`` setting that is neither ``.`` nor ``,``."""


@dataclass
class Convention:
    """Which mark is the decimal one: ``"."``, ``","``, or ``None`` when nothing says."""

    decimal: str | None
    mixed: bool = False  # the file's numbers use both marks, so they decide nothing
    semicolons: bool = False  # a ``;``-delimited file
    example: dict[str, str] | None = None  # a number that shows each mark, for messages

    @property
    def point_by_default(self) -> bool:
        return self.decimal == "." or (
            self.decimal is None and not self.mixed and not self.semicolons
        )


def declared(decimal: str | None) -> str | None:
    """A source's or a command's decimal mark, checked."""
    if decimal in (None, ""):
        return None
    if decimal not in MARKS:
        raise NumberSettingError(f"the decimal mark is '.' or ',', not {decimal!r}")
    return decimal


def _clean(text: pa.Array) -> pa.Array:
    if pc.any(pc.match_substring(text, "\u2212")).as_py():
        text = pc.replace_substring(text, "\u2212", "-")
    if pc.any(pc.match_substring_regex(text, SEPARATORS)).as_py():
        grouped = pc.fill_null(pc.match_substring_regex(text, SPACE_GROUPS), False)
        text = pc.if_else(grouped, pc.replace_substring_regex(text, SEPARATORS, ""), text)
    return text


def _mask(text: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.match_substring_regex(text, pattern), False), dtype=bool)


@dataclass
class _Column:
    text: pa.Array
    simple: np.ndarray  # plain, or with a decimal point
    comma: np.ndarray | None = None  # anything else that may be a number: classified below
    comma_sure: np.ndarray | None = None
    point_sure: np.ndarray | None = None
    lone_comma: np.ndarray | None = None
    lone_point: np.ndarray | None = None

    @classmethod
    def of(cls, arr: pa.Array) -> _Column:
        text = pc.utf8_trim_whitespace(arr)
        col = cls(text, _mask(text, POINT))
        if col.simple.all() or not len(text):
            return col  # the common case: one pass of one expression
        col.text = text = _clean(text)
        col.simple = _mask(text, POINT)
        col.comma = _mask(text, COMMA)
        col.lone_comma = _mask(text, LONE_COMMA)
        col.comma_sure = (col.comma & ~col.lone_comma) | _mask(text, POINT_GROUPS)
        col.point_sure = _mask(text, COMMA_GROUPS)
        return col

    def lone_points(self) -> np.ndarray:
        if self.lone_point is None:
            self.lone_point = _mask(self.text, LONE_POINT)
        return self.lone_point

    def evidence(self) -> tuple[str | None, str | None]:
        """An example of a decimal comma and of a decimal point, when the column has one."""
        comma = point = None
        if self.comma_sure is not None and self.comma_sure.any():
            comma = str(self.text[int(np.flatnonzero(self.comma_sure)[0])])
        point_sure = self.simple & ~self.lone_points()
        plain = _mask(self.text, rf"^{SIGN}\d+{EXP}$") if point_sure.any() else None
        if plain is not None:
            point_sure &= ~plain
        if self.point_sure is not None:
            point_sure |= self.point_sure
        if point_sure.any():
            point = str(self.text[int(np.flatnonzero(point_sure)[0])])
        return comma, point


def convention(
    columns: list[pa.Array], *, decimal: str | None = None, semicolons: bool = False
) -> tuple[Convention, list[_Column]]:
    """The file's decimal mark (``decimal`` when the source declares one) and its columns."""
    parsed = [_Column.of(c) for c in columns]
    decimal = declared(decimal)
    if decimal:
        return Convention(decimal, semicolons=semicolons), parsed
    # Plain files need no detection unless a lone group could mean a thousand.
    if all(c.comma is None for c in parsed) and not semicolons:
        return Convention(None), parsed
    comma = point = None
    for col in parsed:
        c, p = col.evidence()
        comma, point = comma or c, point or p
    example = {",": comma or "", ".": point or ""}
    if comma and point:
        return Convention(None, mixed=True, semicolons=semicolons, example=example), parsed
    found = "," if comma else "." if point else None
    return Convention(found, semicolons=semicolons, example=example), parsed


@dataclass
class Parsed:
    values: np.ndarray  # float64, NaN where empty or refused
    empty: np.ndarray
    bad: np.ndarray  # not a number at all
    ambiguous: np.ndarray  # a number whose value the convention would have to decide


def parse(col: _Column, conv: Convention) -> Parsed:
    text = col.text
    n = len(text)
    empty = np.asarray(pc.fill_null(pc.equal(text, ""), True), dtype=bool)
    if col.comma is None:
        valid = col.simple.copy()
        ambiguous = np.zeros(n, dtype=bool)
        as_comma = np.zeros(n, dtype=bool)
        if not conv.point_by_default:
            lone = col.lone_points()
            if conv.decimal == ",":
                as_comma = lone
            else:
                valid &= ~lone
                ambiguous = lone
    else:
        lone_point = col.lone_points()
        as_comma = col.comma_sure.copy()
        valid = col.simple | col.comma_sure | col.point_sure
        ambiguous = np.zeros(n, dtype=bool)
        if conv.decimal is None:
            ambiguous |= col.lone_comma
            if not conv.point_by_default:
                valid &= ~lone_point
                ambiguous |= lone_point
        else:
            valid |= col.lone_comma
            if conv.decimal == ",":
                as_comma |= col.lone_comma | lone_point
    point_text = pc.replace_substring(text, ",", "") if col.comma is not None else text
    if as_comma.any():
        comma_text = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
        point_text = pc.if_else(pa.array(as_comma), comma_text, point_text)
    chosen = (
        point_text
        if valid.all()
        else pc.if_else(pa.array(valid), point_text, pa.scalar(None, pa.string()))
    )
    values = np.asarray(
        pc.cast(chosen, pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False),
        dtype=np.float64,
    )
    return Parsed(values, empty, ~empty & ~valid & ~ambiguous, ambiguous)


def ambiguity(raw: str, conv: Convention) -> str:
    """Why ``raw`` was refused, with both readings and how to settle it."""
    text = raw.strip()
    for sep in SEPARATORS.strip("[]"):
        text = text.replace(sep, "")
    text = text.replace("\u2212", "-")
    mark = "," if "," in text else "."
    as_thousands = float(text.replace(mark, ""))
    as_decimal = float(text.replace(mark, "."))
    if conv.mixed:
        why = _("this file writes decimals both ways (%(comma)r and %(point)r)") % {
            "comma": conv.example[","],
            "point": conv.example["."],
        }
    elif conv.semicolons and mark == ".":
        why = _("nothing else in this ;-separated file shows its decimal mark")
    else:
        why = _("nothing else in the file shows its decimal mark")
    return _(
        "%(value)r could be %(thousands)s or %(decimal)s: %(why)s; write it without a "
        'thousands separator, or give the source its decimal mark ({"decimal": ","} or '
        '{"decimal": "."}; civicloop load --decimal)'
    ) % {
        "value": raw,
        "thousands": f"{as_thousands:.15g}",
        "decimal": f"{as_decimal:.15g}",
        "why": why,
    }
