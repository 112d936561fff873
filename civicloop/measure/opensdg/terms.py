"""From Open SDG's terms to civicloop's: which civicloop indicators an Open SDG indicator
becomes (one per Series × Units), their names, units, limits and progress settings.
Pure functions of what was read; no database."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify

from civicloop.measure.opensdg.repository import SELECTORS, Repository, SdgIndicator
from civicloop.results.models import UnitKind

SLUG_MAX = 50
TRANSLATION_KEY = re.compile(r"^[A-Za-z_][\w-]*\.[\w.-]+$")
# Fields that name an indicator in the layouts seen, best first, after indicator_name
# and graph_title (which are often translation keys the repository does not define).
NAME_FIELDS = ("indicator_name", "graph_title", "indicator_available", "SDG_INDICATOR")


@dataclass
class Measure:
    """One civicloop indicator made from an Open SDG indicator (one per Series/Units)."""

    slug: str
    selector: dict[str, str]
    entries: list[dict[str, Any]]  # its progress_calculation_options

    @property
    def headline_entry(self) -> dict[str, Any] | None:
        return next((e for e in self.entries if not e.get("disaggregation")), None)


def measures_of(item: SdgIndicator) -> list[Measure]:
    """One measure per distinct (Series, Units) of the rows; one when there is only one."""
    selectors = [c for c in SELECTORS if c in item.columns]
    at = [item.columns.index(c) for c in selectors]
    combos = list(
        dict.fromkeys(
            tuple(row[i] if i < len(row) else "" for i in at)
            for row in item.rows
            if any(c.strip() for c in row)
        )
    ) or [tuple("" for _ in selectors)]
    base = str(item.meta.get("civicloop_slug") or item.id)[:SLUG_MAX]
    entries = progress_entries(item.meta)
    measures: list[Measure] = []
    taken: set[str] = set()
    for combo in combos:
        selector = dict(zip(selectors, combo, strict=True))
        if len(combos) == 1:
            slug = base
        else:
            suffix = slugify("-".join(v for v in combo if v.strip())) or "none"
            slug = f"{base}--{suffix}"[:SLUG_MAX].rstrip("-")
        slug = _unique(slug, taken)
        measures.append(Measure(slug, selector, [e for e in entries if applies(e, selector)]))
    return measures


def _unique(slug: str, taken: set[str]) -> str:
    out, n = slug, 1
    while out in taken:
        n += 1
        out = f"{slug[: SLUG_MAX - len(str(n)) - 1]}-{n}"
    taken.add(out)
    return out


def progress_entries(meta: dict[str, Any]) -> list[dict[str, Any]]:
    options = meta.get("progress_calculation_options") or []
    return [e for e in options if isinstance(e, dict)] if isinstance(options, list) else []


def applies(entry: dict[str, Any], selector: dict[str, str]) -> bool:
    """A progress entry or graph limit names the ``series``/``unit`` it is for; none means
    every one."""
    for column, key in (("Series", "series"), ("Units", "unit")):
        if entry.get(key) not in (None, "") and str(entry[key]) != selector.get(column):
            return False
    return True


def name_of(item: SdgIndicator, repo: Repository) -> str:
    """The indicator's name as its site shows it: a translation key resolved, else the
    first field that is plain text, else ``Indicator 1.1.1``."""
    for key in NAME_FIELDS:
        value = item.meta.get(key)
        if value in (None, "") or not isinstance(value, str | int | float):
            continue
        text = str(value).strip()
        translated = repo.translate(text)
        if translated:
            return translated.strip()
        if text and not TRANSLATION_KEY.match(text):
            return text
    number = item.meta.get("indicator_number") or item.id.replace("-", ".")
    return f"Indicator {number}"


def text_of(value: Any, repo: Repository) -> str:
    text = "" if value is None else str(value)
    return (repo.translate(text) or text).strip()


def unit_kind(unit: str) -> tuple[str, int | None]:
    """Guess the unit's kind from its words; unknown units become an index."""
    text = unit.lower()
    if "%" in text or "percent" in text or "per cent" in text:
        return UnitKind.PERCENT, None
    if m := re.search(r"per\s+([\d,]+)", text):
        digits = m[1].replace(",", "")
        if digits.isdigit() and 0 < int(digits) < 2**31:
            return UnitKind.RATE, int(digits)
    if re.search(r"\b(number|count|persons|people)\b", text):
        return UnitKind.COUNT, None
    if re.search(r"[$€£]|\b(usd|eur|gbp|dollars?|euros?|pounds)\b", text):
        return UnitKind.CURRENCY, None
    return UnitKind.INDEX, None


def bounds(meta: dict[str, Any], measure: Measure) -> tuple[float | None, float | None]:
    """Hard limits declared by the publisher: ``graph_limits`` (``minimum``/``maximum``)
    for this series and unit, else the headline progress entry's ``limit`` on the side the
    direction moves towards (a natural limit, like 0 deaths, that no value passes)."""
    limits = meta.get("graph_limits") or []
    limits = [g for g in limits if isinstance(g, dict) and applies(g, measure.selector)]
    low = next(
        (number(g.get("minimum")) for g in limits if number(g.get("minimum")) is not None), None
    )
    high = next(
        (number(g.get("maximum")) for g in limits if number(g.get("maximum")) is not None), None
    )
    entry = measure.headline_entry or {}
    limit = number(entry.get("limit"))
    if limit is not None:
        if entry.get("direction") == "positive":
            high = limit if high is None else high
        else:
            low = limit if low is None else low
    return low, high


def decimals(values: list[str]) -> int:
    places = [len(v.split(".")[1]) for v in values if "." in v]
    return min(max(places, default=1), 4)


def number(value: Any) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None
