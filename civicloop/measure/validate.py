"""Validation of a whole load at once: every row checked, every problem named by row and column.

Checks work on columns, not rows: each distinct indicator, area, group, period and unit is
looked up once, numbers are parsed by pyarrow, and duplicates are found by sorting keys.
So a two-million-row file is checked in about the time it takes to read it.

What is checked, per row: the indicator, area, dimension and group exist (with "did you
mean"); the period parses and is of the indicator's frequency; the value is a number, read
as the file writes numbers (`civicloop.measure.numbers`: a decimal comma is never a tenfold
value, and a number only the convention could decide is refused), finite, of a plausible
magnitude for the indicator's kind of unit (`ABSURD`), and within the indicator's own hard
limits (``lower_bound``, ``upper_bound``); a margin of error is not negative and comes with
its confidence level; the status is provisional or final; the unit, when a file gives one,
is the indicator's; and no two rows give the same indicator × area × group × period.

A value that is only unusual is loaded and named in the report's warnings, never refused:
a percent outside 0-100 (a cumulative change of -16.94 %, 104 % of a budget spent) or a
negative count or rate. Hard limits come from the indicator's settings alone, never from
the name of its unit.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.translated import spellings
from civicloop.measure import numbers as numbers_
from civicloop.measure.mapping import LongTable
from civicloop.results.models import (
    FREQUENCIES,
    Area,
    Collaborative,
    Group,
    Indicator,
    UnitKind,
)
from civicloop.results.periods import PeriodError, PeriodSpec, parse_period

MAX_PROBLEMS = 100_000
MAX_WARNINGS = 10_000
STATUSES = ("final", "provisional")
NUMBER_FIELDS = ("value", "margin_of_error", "confidence_level", "numerator", "denominator")
# Magnitudes nobody measured, by kind of unit: beyond them a value is a typing or decimal-mark
# slip (or an overflow), never a finding. Generous on purpose: a percent change of a million
# percent, a count of a trillion (over a hundred times the world's people), a rate or index
# of a billion, ten quadrillion in any currency (above the largest national budget in the
# currency with the smallest unit). Numerators, denominators and anything else: 1e15.
ABSURD = {
    UnitKind.PERCENT: 1e6,
    UnitKind.COUNT: 1e12,
    UnitKind.RATE: 1e9,
    UnitKind.INDEX: 1e9,
    UnitKind.CURRENCY: 1e16,
}
ABSURD_OTHER = 1e15


@dataclass(frozen=True)
class Problem:
    row: int  # line number in the original file, header = 1
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Validated:
    """Clean rows as arrays (one element per long-format row), and the problems found."""

    line: np.ndarray
    indicator: np.ndarray  # Indicator pk
    area: np.ndarray  # Area pk
    group: np.ndarray  # Group pk, -1 for the headline
    period: np.ndarray  # index into ``periods``
    periods: list[PeriodSpec]
    value: np.ndarray
    margin_of_error: np.ndarray  # NaN when absent
    confidence_level: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    status: np.ndarray  # index into STATUSES
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    bad_lines: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    # Unusual but loaded: shown in the report, never blocking.
    warnings: list[Problem] = field(default_factory=list)
    warning_count: int = 0

    def __len__(self) -> int:
        return len(self.line)


class Catalogue:
    """What rows may name, read from the database once per load."""

    def __init__(self, collaborative: Collaborative):
        self.indicators: dict[str, Indicator] = {
            i.slug.lower(): i for i in Indicator.objects.filter(result__collaborative=collaborative)
        }
        self.areas: dict[str, Area] = {}
        for area in Area.objects.filter(collaborative=collaborative):
            self.areas[area.code.lower()] = area
            self.areas.setdefault(area.name.lower(), area)
        self.groups: dict[tuple[str, str], Group] = {}
        self.dimensions: dict[str, str] = {}  # any spelling → canonical slug
        for group in Group.objects.filter(dimension__collaborative=collaborative).select_related(
            "dimension"
        ):
            dim = group.dimension
            # A file may name a breakdown in English or in Spanish.
            for name in (dim.slug, *spellings(dim, "name")):
                self.dimensions[name.lower()] = dim.slug
            self.groups[(dim.slug, group.slug.lower())] = group
            for name in spellings(group, "name"):
                self.groups.setdefault((dim.slug, name.lower()), group)


def did_you_mean(word: str, choices) -> str:
    """A close match, shown as the catalogue spells it (``choices``: lower-case key → thing)."""
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    if not close:
        return ""
    thing = choices[close[0]] if isinstance(choices, dict) else close[0]
    shown = getattr(thing, "slug", None) or getattr(thing, "name", None) or str(thing)
    if hasattr(thing, "code") and thing.code.lower() != close[0]:
        shown = thing.name
    elif hasattr(thing, "code"):
        shown = thing.code
    return " " + _("(did you mean %(name)r?)") % {"name": shown}


def _codes(arr: pa.Array | None, n: int) -> tuple[np.ndarray, list[str]]:
    """Dictionary-encode trimmed text: per-row codes and the distinct values."""
    if arr is None:
        return np.zeros(n, dtype=np.int64), [""]
    encoded = pc.utf8_trim_whitespace(arr).dictionary_encode()
    codes = np.asarray(encoded.indices.fill_null(0)).astype(np.int64)
    return codes, [str(v) for v in encoded.dictionary.to_pylist()]


class _Problems:
    def __init__(self, table: LongTable, limit: int = MAX_PROBLEMS):
        self.table = table
        self.limit = limit
        self.items: list[Problem] = []
        self.count = 0
        self.bad = np.zeros(len(table), dtype=bool)
        # Rows already refused as a whole (wrong shape): no further noise about their cells.
        self.silenced = np.zeros(len(table), dtype=bool)

    def column(self, name: str, idx: np.ndarray) -> np.ndarray:
        origin = self.table.origin.get(name, name)
        if isinstance(origin, np.ndarray):
            return origin[idx]
        return np.full(len(idx), origin, dtype=object)

    def add(self, mask: np.ndarray, field_name: str, message) -> None:
        """``message``: a string, an array aligned with the rows, or a function of row indices.

        A function is called only for the rows reported, so a clean column costs nothing.
        """
        idx = np.flatnonzero(mask & ~self.silenced)
        if not len(idx):
            return
        self.bad[idx] = True
        self.count += len(idx)
        room = self.limit - len(self.items)
        if room <= 0:
            return
        idx = idx[:room]
        lines = self.table.line[idx]
        cols = self.column(field_name, idx)
        if callable(message):
            texts = message(idx)
        elif isinstance(message, np.ndarray):
            texts = message[idx]
        else:
            texts = [message] * len(idx)
        self.items.extend(
            Problem(int(r), str(c), str(t)) for r, c, t in zip(lines, cols, texts, strict=True)
        )


def validate(
    table: LongTable,
    catalogue: Catalogue,
    shape_problems: list[tuple[int, str]] = (),
    *,
    decimal: str | None = None,
    semicolons: bool = False,
) -> Validated:
    """Check every row. ``decimal``: the source's decimal mark, when it declares one;
    ``semicolons``: the file is ``;``-delimited (see `civicloop.measure.numbers`)."""
    n = len(table)
    f = table.fields
    problems = _Problems(table)
    if shape_problems:
        bad_lines = np.array([line for line, _text in shape_problems])
        text = dict(shape_problems)
        mask = np.isin(table.line, bad_lines)
        problems.add(mask, "(row)", lambda idx: [text[int(table.line[i])] for i in idx])
        problems.silenced |= mask

    # Indicators, areas: one lookup per distinct value.
    ind_codes, ind_names = _codes(f.get("indicator"), n)
    inds = [catalogue.indicators.get(name.lower()) for name in ind_names]
    ind_msg = np.array(
        [
            ""
            if i
            else _("unknown indicator %(name)r") % {"name": name}
            + did_you_mean(name, catalogue.indicators)
            for name, i in zip(ind_names, inds, strict=True)
        ],
        dtype=object,
    )
    ind_known = np.array([i is not None for i in inds], dtype=bool)
    problems.add(~ind_known[ind_codes], "indicator", ind_msg[ind_codes])

    area_codes, area_names = _codes(f.get("area"), n)
    areas = [catalogue.areas.get(name.lower()) for name in area_names]
    area_msg = np.array(
        [
            ""
            if a
            else _("unknown area %(name)r") % {"name": name} + did_you_mean(name, catalogue.areas)
            for name, a in zip(area_names, areas, strict=True)
        ],
        dtype=object,
    )
    problems.add(
        ~np.array([a is not None for a in areas], dtype=bool)[area_codes],
        "area",
        area_msg[area_codes],
    )

    # Disaggregation: each distinct (dimension, group) pair once.
    dim_codes, dim_names = _codes(f.get("dimension"), n)
    grp_codes, grp_names = _codes(f.get("group"), n)
    pair = dim_codes * len(grp_names) + grp_codes
    pairs, pair_inv = np.unique(pair, return_inverse=True)
    pair_group = np.full(len(pairs), -1, dtype=np.int64)
    pair_field = np.empty(len(pairs), dtype=object)
    pair_msg = np.full(len(pairs), "", dtype=object)
    for k, p in enumerate(pairs):
        dim, grp = dim_names[p // len(grp_names)], grp_names[p % len(grp_names)]
        if not dim and not grp:
            continue
        if not (dim and grp):
            pair_field[k] = "group" if dim else "dimension"
            pair_msg[k] = _("dimension and group go together")
        elif dim.lower() not in catalogue.dimensions:
            pair_field[k] = "dimension"
            pair_msg[k] = _("unknown dimension %(name)r") % {"name": dim} + did_you_mean(
                dim, catalogue.dimensions
            )
        else:
            slug = catalogue.dimensions[dim.lower()]
            group = catalogue.groups.get((slug, grp.lower()))
            if group is None:
                names = {g: grp for (d, g), grp in catalogue.groups.items() if d == slug}
                pair_field[k] = "group"
                pair_msg[k] = _("unknown group %(group)r in %(dimension)s") % {
                    "group": grp,
                    "dimension": dim,
                } + did_you_mean(grp, names)
            else:
                pair_group[k] = group.pk
    for field_name in ("dimension", "group"):
        bad = (pair_field == field_name)[pair_inv]
        problems.add(bad, field_name, pair_msg[pair_inv])

    # Periods: each distinct (label, indicator) pair parsed once, with the indicator's frequency.
    per_codes, per_labels = _codes(f.get("period"), n)
    key = per_codes * len(ind_names) + ind_codes
    keys, key_inv = np.unique(key, return_inverse=True)
    specs: list[PeriodSpec] = []
    spec_index: dict[tuple[str, str], int] = {}
    key_period = np.full(len(keys), -1, dtype=np.int64)
    key_msg = np.full(len(keys), "", dtype=object)
    for k, kk in enumerate(keys):
        label, ind = per_labels[kk // len(ind_names)], inds[kk % len(ind_names)]
        try:
            spec = parse_period(label, ind.frequency if ind else None)
        except PeriodError as exc:
            key_msg[k] = exc.translated()
            continue
        if ind is not None and spec.kind != ind.frequency:
            key_msg[k] = _(
                "%(label)r is a %(kind)s but %(indicator)s is measured by %(frequency)s"
            ) % {
                "label": label,
                "kind": _frequency(spec.kind),
                "indicator": ind.slug,
                "frequency": _frequency(ind.frequency),
            }
            continue
        at = spec_index.setdefault((spec.kind, spec.label), len(specs))
        if at == len(specs):
            specs.append(spec)
        key_period[k] = at
    problems.add((key_msg != "")[key_inv], "period", key_msg[key_inv])
    period = key_period[key_inv]

    # Numbers, read as the file writes them.
    present = [name for name in NUMBER_FIELDS if name in f]
    conv, columns = numbers_.convention(
        [f[name] for name in present], decimal=decimal, semicolons=semicolons
    )
    parsed = dict(zip(present, (numbers_.parse(c, conv) for c in columns), strict=True))
    kinds = np.array([i.unit_kind if i else "" for i in inds], dtype=object)[ind_codes]
    absurd = np.array(
        [ABSURD.get(i.unit_kind, ABSURD_OTHER) if i else ABSURD_OTHER for i in inds] or [0.0]
    )[ind_codes]
    numbers: dict[str, np.ndarray] = {}
    for name in NUMBER_FIELDS:
        if name not in parsed:
            numbers[name] = np.full(n, np.nan)
            if name == "value":
                problems.add(np.ones(n, dtype=bool), "value", _("value is empty"))
            continue
        got, raw = parsed[name], f[name]
        numbers[name] = got.values
        problems.add(got.bad, name, _not_a_number(raw))
        problems.add(got.ambiguous, name, _ambiguous(raw, conv))
        if name == "value":
            problems.add(got.empty, "value", _("value is empty"))
        problems.add(
            ~got.empty & ~got.bad & ~got.ambiguous & ~np.isfinite(got.values),
            name,
            _text(raw, _("%(value)r is not a finite number")),
        )
        limit = absurd if name in ("value", "margin_of_error") else ABSURD_OTHER
        with np.errstate(invalid="ignore"):
            huge = np.isfinite(got.values) & (np.abs(got.values) > limit)
        problems.add(
            huge,
            name,
            lambda idx, raw=raw, limit=limit, name=name: [
                _(
                    "%(value)r is beyond ±%(limit)s, not a plausible %(what)s: "
                    "check the decimal mark and the unit"
                )
                % {"value": v, "limit": f"{_limit_at(limit, i):g}", "what": _what(kinds[i], name)}
                for v, i in zip(raw.take(pa.array(idx)).to_pylist(), idx, strict=True)
            ],
        )
    value = numbers["value"]
    # Hard limits: the indicator's own, never its unit's name.
    lower = np.array([i.lower_bound if i and i.lower_bound is not None else -np.inf for i in inds])[
        ind_codes
    ]
    upper = np.array([i.upper_bound if i and i.upper_bound is not None else np.inf for i in inds])[
        ind_codes
    ]
    with np.errstate(invalid="ignore"):
        problems.add(
            value < lower,
            "value",
            lambda idx: [
                _("%(value)s is below %(indicator)s's lower limit %(limit)s")
                % {
                    "value": f"{value[i]:g}",
                    "indicator": inds[ind_codes[i]].slug,
                    "limit": f"{lower[i]:g}",
                }
                for i in idx
            ],
        )
        problems.add(
            value > upper,
            "value",
            lambda idx: [
                _("%(value)s is above %(indicator)s's upper limit %(limit)s")
                % {
                    "value": f"{value[i]:g}",
                    "indicator": inds[ind_codes[i]].slug,
                    "limit": f"{upper[i]:g}",
                }
                for i in idx
            ],
        )
    moe, level = numbers["margin_of_error"], numbers["confidence_level"]
    with np.errstate(invalid="ignore"):
        problems.add(moe < 0, "margin_of_error", _("a margin of error cannot be negative"))
        problems.add(
            ~np.isnan(moe) & np.isnan(level),
            "confidence_level",
            _("a margin of error needs its confidence level (e.g. 0.90)"),
        )
        level = np.where(level > 1, level / 100, level)
        problems.add(
            ~np.isnan(level) & ((level < 0.5) | (level >= 1)),
            "confidence_level",
            _("a confidence level is between 0.5 and 1 (or 50 and 100)"),
        )

    # Status.
    st_codes, st_names = _codes(f.get("status"), n)
    st_index = np.array(
        [
            STATUSES.index(s.lower()) if s.lower() in STATUSES else (0 if s == "" else -1)
            for s in st_names
        ],
        dtype=np.int64,
    )
    st_msg = np.array(
        [_("status %(status)r is neither provisional nor final") % {"status": s} for s in st_names],
        dtype=object,
    )
    problems.add(st_index[st_codes] < 0, "status", st_msg[st_codes])

    # Unit, when the file states one.
    if "unit" in f:
        u_codes, u_names = _codes(f["unit"], n)
        ukey = u_codes * len(ind_names) + ind_codes
        ukeys, u_inv = np.unique(ukey, return_inverse=True)
        u_msg = np.full(len(ukeys), "", dtype=object)
        for k, kk in enumerate(ukeys):
            unit, ind = u_names[kk // len(ind_names)], inds[kk % len(ind_names)]
            if unit and ind is not None and not _same_unit(unit, ind):
                u_msg[k] = _("unit %(unit)r does not match %(indicator)s's unit %(expected)r") % {
                    "unit": unit,
                    "indicator": ind.slug,
                    "expected": ind.unit,
                }
        problems.add((u_msg != "")[u_inv], "unit", u_msg[u_inv])

    # Duplicates among rows that are otherwise sound: same indicator, area, group, period.
    group = pair_group[pair_inv]
    sound = ~problems.bad
    idx = np.flatnonzero(sound)
    dkey = ((ind_codes[idx] * len(area_names) + area_codes[idx]) * len(pairs) + pair_inv[idx]) * (
        len(specs) + 1
    ) + period[idx]
    order = np.argsort(dkey, kind="stable")
    sorted_key = dkey[order]
    starts = (
        np.r_[True, sorted_key[1:] != sorted_key[:-1]] if len(order) else np.array([], dtype=bool)
    )
    if len(order) and not starts.all():
        run = np.cumsum(starts) - 1
        first = order[np.flatnonzero(starts)][run]
        dup_rows = idx[order[~starts]]
        first_lines = table.line[idx[first[~starts]]]
        mask = np.zeros(n, dtype=bool)
        mask[dup_rows] = True
        msg = np.full(n, "", dtype=object)
        msg[dup_rows] = [
            _("duplicate of row %(row)d (same indicator, area, group and period)") % {"row": int(r)}
            for r in first_lines
        ]
        problems.add(mask, "period", msg)

    clean = ~problems.bad
    ind_pk = np.array([i.pk if i else -1 for i in inds], dtype=np.int64)[ind_codes]
    area_pk = np.array([a.pk if a else -1 for a in areas], dtype=np.int64)[area_codes]
    status = np.maximum(st_index[st_codes], 0)
    problems.items.sort(key=lambda p: (p.row, p.column))
    warnings = _unusual(table, value, kinds, problems.bad)
    return Validated(
        line=table.line[clean],
        indicator=ind_pk[clean],
        area=area_pk[clean],
        group=group[clean],
        period=period[clean],
        periods=specs,
        value=value[clean],
        margin_of_error=moe[clean],
        confidence_level=level[clean],
        numerator=numbers["numerator"][clean],
        denominator=numbers["denominator"][clean],
        status=status[clean],
        problems=problems.items,
        problem_count=problems.count,
        bad_lines=np.unique(table.line[problems.bad]),
        warnings=warnings.items,
        warning_count=warnings.count,
    )


def _unusual(table: LongTable, value: np.ndarray, kinds: np.ndarray, bad: np.ndarray):
    """Values worth a second look, on rows that are otherwise sound: loaded all the same."""
    warnings = _Problems(table, MAX_WARNINGS)
    warnings.silenced = bad
    with np.errstate(invalid="ignore"):
        warnings.add(
            (kinds == UnitKind.PERCENT) & ((value < 0) | (value > 100)),
            "value",
            lambda idx: [
                _("%(value)s is outside 0-100 for a percent") % {"value": f"{value[i]:g}"}
                for i in idx
            ],
        )
        warnings.add(
            np.isin(kinds, [UnitKind.COUNT, UnitKind.RATE]) & (value < 0),
            "value",
            lambda idx: [
                _("%(value)s is negative for a %(kind)s")
                % {"value": f"{value[i]:g}", "kind": _kind(kinds[i])}
                for i in idx
            ],
        )
    warnings.items.sort(key=lambda p: (p.row, p.column))
    return warnings


def _limit_at(limit: float | np.ndarray, i: int) -> float:
    return float(limit[i]) if isinstance(limit, np.ndarray) else limit


def _what(kind: str, name: str) -> str:
    if name == "value" and kind:
        return _("%(kind)s value") % {"kind": _kind(kind)}
    if name == "margin_of_error" and kind:
        return _("%(kind)s margin of error") % {"kind": _kind(kind)}
    return name.replace("_", " ")


# A kind of unit as a sentence says it ("a count value"), in the reader's language.
KIND_WORDS = {
    UnitKind.PERCENT: gettext_lazy("percent"),
    UnitKind.RATE: gettext_lazy("rate"),
    UnitKind.COUNT: gettext_lazy("count"),
    UnitKind.CURRENCY: gettext_lazy("currency"),
    UnitKind.INDEX: gettext_lazy("index"),
}


def _kind(kind: str) -> str:
    return str(KIND_WORDS.get(kind, kind.replace("_", " ")))


def _frequency(kind: str) -> str:
    """A frequency as a reader says it ("quarter"), in the reader's language."""
    return str(FREQUENCIES.get(kind, kind.replace("_", " ")))


def _text(raw: pa.Array, template: str):
    def messages(idx: np.ndarray) -> list[str]:
        return [template % {"value": v} for v in raw.take(pa.array(idx)).to_pylist()]

    return messages


def _ambiguous(raw: pa.Array, conv: numbers_.Convention):
    def messages(idx: np.ndarray) -> list[str]:
        return [numbers_.ambiguity(v, conv) for v in raw.take(pa.array(idx)).to_pylist()]

    return messages


def _not_a_number(raw: pa.Array | None):
    def messages(idx: np.ndarray) -> list[str]:
        return [
            _("%(value)r is not a number") % {"value": v}
            for v in raw.take(pa.array(idx)).to_pylist()
        ]

    return messages


def _same_unit(unit: str, indicator: Indicator) -> bool:
    text = unit.strip().lower()
    accepted = {
        indicator.unit.lower(),
        indicator.unit_kind,
        indicator.get_unit_kind_display().lower(),
    }
    if indicator.unit_kind == UnitKind.PERCENT:
        accepted |= {"%", "percent", "percentage", "pct"}
    return text in accepted
