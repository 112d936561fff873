"""Plain words for what learn found: one sentence per verdict, with its evidence.

Pages, the command line and the demo say the same thing the same way, from the stored
results (plain dicts) and the indicator's units. No Django here.

>>> units = Units("percent", "% of kindergartners", 1)
>>> units.change(1.43), units.change(-0.126), units.value(48.5)
('+1.4 points', '-0.13 points', '48.5%')
>>> entry = {"verdict": {"status": "improving", "words": "improving", "n": 9, "p": 0.0021,
...          "p_adjusted": 0.0093, "slope": 1.43, "slope_low": 0.91, "slope_high": 2.04,
...          "adjust": "fdr_bh"}, "family_size": 13}
>>> trend_sentence(entry, units)
'Improving: +1.4 points a year (95% interval +0.9 to +2.0), p = 0.002 (0.009 after adjusting for 13 indicators).'
>>> change = {"from_label": "2024", "to_label": "2025", "difference": 3.0, "moe_from": 3.6,
...           "moe_to": 3.6, "level": 0.9, "significant": False}
>>> latest_change_sentence({"latest_change": change}, units)  # doctest: +ELLIPSIS
'The latest change, +3.0 points from 2024 to 2025, is within the margin of error (90% margins...'
>>> Units("rate", "per 1,000 renter households", 1).between(2.84, 3.31)
'between 2.8 and 3.3 per 1,000 renter households'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Units",
    "badge",
    "curve_sentence",
    "curve_short",
    "effect_sentence",
    "its_sentence",
    "latest_change_sentence",
    "p_text",
    "progress_sentence",
    "short_verdict",
    "trend_sentence",
]


# Sentences for people pass through `_` and `ngettext`. Without Django they are the English
# as written; `civicloop.learn.apps` connects them to Django's catalog (the active language),
# so this module still never imports Django.
def _english(text: str) -> str:
    return text


def _english_plural(one: str, many: str, n: int) -> str:
    return one if n == 1 else many


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural


def use_translations(
    gettext: Callable[[str], str], ngettext_: Callable[[str, str, int], str]
) -> None:
    """Translate the sentences with these functions (Django's, from the learn app)."""
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext_


def _(text: str) -> str:
    return _gettext(text)


def ngettext(one: str, many: str, n: int) -> str:
    return _ngettext(one, many, n)


def gettext_noop(text: str) -> str:
    """Marks a word for the catalog, translated later (by `say`)."""
    return text


# The verdict words learn stores (direction.STATUS_WORDS, progress.CIVICLOOP_STATUS_WORDS,
# effects.EFFECT_WORDS and the evidence page's), listed here so the catalog has them.
VERDICT_WORDS = (
    gettext_noop("improving"),
    gettext_noop("worsening"),
    gettext_noop("no clear trend"),
    gettext_noop("borderline"),
    gettext_noop("not enough data"),
    gettext_noop("within the margin of error"),
    gettext_noop("beyond the margin of error"),
    gettext_noop("working"),
    gettext_noop("not working"),
    gettext_noop("not working: moved the wrong way"),
    gettext_noop("too early to tell"),
    gettext_noop("cannot tell: the comparison areas were already moving differently"),
    gettext_noop("not enough data before the start"),
    gettext_noop("target achieved"),
    gettext_noop("on track"),
    gettext_noop("at risk"),
    gettext_noop("off track"),
    gettext_noop("too noisy to tell"),
    gettext_noop("not available"),
    gettext_noop("not analysed"),
    gettext_noop("no target"),
    gettext_noop("All"),
)


def say(words: str) -> str:
    """A stored verdict's words in the reader's language."""
    return _(words) if words else words


# The CSS class of a verdict's badge: good news, bad news, or "we cannot tell yet".
BADGES = {
    "improving": "good",
    "worsening": "bad",
    "within_margin_of_error": "warn",
    "borderline": "warn",
    "no_clear_trend": "",
    "not_enough_data": "",
    "target_achieved": "good",
    "on_track": "good",
    "at_risk": "warn",
    "off_track": "bad",
    "too_noisy": "warn",
    "not_available": "",
    "working": "good",
    "not_working": "warn",
    "harmful": "bad",
    "too_early_to_tell": "",
    "cannot_tell": "warn",
    "better_than_baseline": "good",
    "worse_than_baseline": "bad",
    "within_baseline": "",
    "no_data_since": "",
    "no_start": "",
    "within_margin": "warn",
}


def badge(status: str) -> str:
    """The CSS class (`.verdict.good` / `.bad` / `.warn`) for a status code."""
    return BADGES.get(status, "")


@dataclass(frozen=True)
class Units:
    """How an indicator's numbers read: "points" for percentages, else its unit."""

    kind: str  # percent | rate | count | currency | index
    unit: str
    decimals: int = 1

    @classmethod
    def of(cls, indicator: Any) -> Units:
        return cls(indicator.unit_kind, indicator.unit, indicator.decimals)

    def number(self, x: float, decimals: int | None = None, signed: bool = False) -> str:
        """ "1,234.5", or with `signed` "+1,234.5"; a value that rounds to zero has no minus."""
        d = self.decimals_for(x) if decimals is None else decimals
        text = f"{abs(x):,.{d}f}"
        negative = x < 0 and text.strip("0.,") != ""
        return ("-" if negative else "+" if signed else "") + text

    def decimals_for(self, x: float) -> int:
        """The indicator's decimals, or enough for two significant digits (at most 3)."""
        if x == 0 or not math.isfinite(x):
            return self.decimals
        needed = 1 - math.floor(math.log10(abs(x)))
        return max(self.decimals, min(needed, 3))

    def decimals_for_estimate(
        self, estimate: float, low: float | None = None, high: float | None = None
    ) -> int:
        """Decimals for an estimate and its interval: two significant digits of the larger
        of the estimate and the interval's half-width, so a wide interval is not spelled
        out to the hundredth."""
        scale = abs(estimate)
        if low is not None and high is not None:
            scale = max(scale, (high - low) / 2)
        return self.decimals_for(scale)

    def amount(self, text: str) -> str:
        if self.kind == "percent":
            return _("%(change)s points") % {"change": text}
        if self.kind == "currency":
            return f"{text[0]}${text[1:]}" if text[0] in "+-" else f"${text}"
        return f"{text} {self.unit}".strip()

    def change(self, x: float, decimals: int | None = None) -> str:
        """A signed change: "+1.4 points", "-0.13 per 1,000 renter households"."""
        return self.amount(self.number(x, decimals, signed=True))

    def value(self, x: float | None) -> str:
        """A level, as the indicator shows it: "48.5%", "96 per 10,000 children"."""
        if x is None:
            return "-"
        text = f"{x:,.{self.decimals}f}"
        if self.kind == "percent":
            return f"{text}%"
        if self.kind == "currency":
            return f"${text}"
        return f"{text} {self.unit}".strip()

    def between(self, low: float | None, high: float | None) -> str:
        """ "between 45.2% and 47.9%", "between 48.6 and 50.4 seats per 100 children"."""
        if low is None or high is None:
            return ""
        if self.kind in ("percent", "currency"):
            return _("between %(low)s and %(high)s") % {
                "low": self.value(low),
                "high": self.value(high),
            }
        return _("between %(low)s and %(high)s") % {
            "low": f"{low:,.{self.decimals}f}",
            "high": self.value(high),
        }

    def interval(self, low: float, high: float, decimals: int) -> str:
        return _("%(low)s to %(high)s") % {
            "low": self.number(low, decimals, True),
            "high": self.number(high, decimals, True),
        }


def p_text(p: float | None) -> str:
    """ "p = 0.002", "p < 0.001"; three decimals below 0.01, else two significant digits.

    >>> p_text(0.0213), p_text(0.00004), p_text(0.58)
    ('p = 0.021', 'p < 0.001', 'p = 0.58')
    """
    if p is None:
        return _("p not available")
    if p < 0.001:
        return "p < 0.001"
    return f"p = {_two_digits(p)}"


def _two_digits(p: float) -> str:
    if p >= 0.995:
        return "1"
    if p < 0.001:
        return "< 0.001"
    if p < 0.01:
        return f"{p:.3f}"
    return f"{p:.2g}"


def _adjusted(p: float | None, size: int, what: str, unshown: int = 0) -> str:
    if p is None or size < 2:
        return ""
    value = "< 0.001" if p < 0.001 else _two_digits(p)
    if unshown > 0:
        # The family adjusted for is what the reader is shown, or the page says what else.
        return " " + ngettext(
            "(%(p)s after adjusting for %(size)s %(what)s, %(unshown)s of them not shown here "
            "because it is not public)",
            "(%(p)s after adjusting for %(size)s %(what)s, %(unshown)s of them not shown here "
            "because they are not public)",
            unshown,
        ) % {"p": value, "size": size, "what": what, "unshown": unshown}
    return " " + _("(%(p)s after adjusting for %(size)s %(what)s)") % {
        "p": value,
        "size": size,
        "what": what,
    }


def _slope(verdict: dict, units: Units, level: int = 95) -> str:
    """ "+1.4 points a year (95% interval +0.9 to +2.0)": all three to the same decimals,
    enough for two significant digits of the larger of the slope and the half-width."""
    slope, low, high = verdict.get("slope"), verdict.get("slope_low"), verdict.get("slope_high")
    if slope is None:
        return ""
    d = units.decimals_for_estimate(slope, low, high)
    text = _("%(change)s a year") % {"change": units.change(slope, d)}
    if low is not None and high is not None:
        text += " " + _("(%(level)s%% interval %(interval)s)") % {
            "level": level,
            "interval": units.interval(low, high, d),
        }
    return text


def trend_sentence(entry: dict, units: Units) -> str:
    """The trend verdict of one series with its evidence, in one or two sentences."""
    verdict = entry.get("verdict") or {}
    status = verdict.get("status", "not_enough_data")
    n = int(verdict.get("n") or 0)
    if status == "not_enough_data":
        if n >= 4:  # a seasonal test that found no month (quarter) seen in two years
            return _(
                "Not enough data: %(n)s observations, but no month or quarter is seen in two "
                "years; the trend compares each with the same one a year on, so that the "
                "seasons are not taken for a trend."
            ) % {"n": n}
        return ngettext(
            "Not enough data: %(n)s observation; a trend needs at least 4.",
            "Not enough data: %(n)s observations; a trend needs at least 4.",
            n,
        ) % {"n": n}
    evidence = _slope(verdict, units)
    p = p_text(verdict.get("p")) + _adjusted(
        verdict.get("p_adjusted"),
        int(entry.get("family_size") or 0),
        _("indicators"),
        int(entry.get("family_unshown") or 0),
    )
    if status == "improving":
        return _("Improving: %(evidence)s, %(p)s.") % {"evidence": evidence, "p": p}
    if status == "worsening":
        return _("Worsening: %(evidence)s, %(p)s.") % {"evidence": evidence, "p": p}
    if status == "within_margin_of_error":
        first, latest = entry.get("first") or {}, entry.get("latest") or {}
        if first.get("value") is not None and latest.get("value") is not None:
            return _(
                "Within the margin of error: the estimates moved (%(evidence)s, %(p)s), but the "
                "change from %(first)s to %(latest)s, %(change)s, is within the survey's margins "
                "of error, so it may be sampling noise."
            ) % {
                "evidence": evidence,
                "p": p,
                "first": first["label"],
                "latest": latest["label"],
                "change": units.change(latest["value"] - first["value"]),
            }
        return _(
            "Within the margin of error: the estimates moved (%(evidence)s, %(p)s), but the "
            "change is within the survey's margins of error, so it may be sampling noise."
        ) % {"evidence": evidence, "p": p}
    if status == "borderline":
        return _(
            "Borderline: %(evidence)s, %(p)s. The test and the slope's interval disagree on "
            "whether this is a trend, so civicloop does not call it one either way."
        ) % {"evidence": evidence, "p": p}
    return _("No clear trend: %(evidence)s, %(p)s. The data cannot tell a rise from a fall.") % {
        "evidence": evidence,
        "p": p,
    }


def short_verdict(entry: dict | None) -> str:
    """A few words for a table cell: "improving", "no clear trend"..."""
    if not entry:
        return _("not analysed")
    verdict = entry.get("verdict") or {}
    words = verdict.get("words")
    return _(str(words)) if words else _("not analysed")


_PROGRESS_LEAD = {
    "target_achieved": gettext_noop("Target achieved"),
    "on_track": gettext_noop("On track"),
    "at_risk": gettext_noop("At risk"),
    "off_track": gettext_noop("Off track"),
    "too_noisy": gettext_noop("Too noisy to tell"),
    "not_enough_data": gettext_noop("Not enough data"),
    "not_available": gettext_noop("No target"),
}


def progress_sentence(entry: dict, units: Units) -> str:
    """Progress to target (civicloop's method) with what it is based on."""
    p = entry.get("progress") or {}
    status = p.get("status", "not_available")
    lead = _(_PROGRESS_LEAD[status]) if status in _PROGRESS_LEAD else status
    target, target_label = p.get("target"), p.get("target_label")
    if status == "not_available":
        return _("No target: progress to a target cannot be judged.")
    n = int(p.get("n") or 0)
    base = f"{p.get('base_label')}" if p.get("base_label") else _("the baseline")
    based = ngettext(
        "Based on %(n)s observation since %(base)s.",
        "Based on %(n)s observations since %(base)s.",
        n,
    ) % {"n": n, "base": base}
    if status == "not_enough_data":
        return ngettext(
            "%(lead)s: %(n)s observation since %(base)s; at least 4 are needed.",
            "%(lead)s: %(n)s observations since %(base)s; at least 4 are needed.",
            n,
        ) % {"lead": lead, "n": n, "base": base}
    goal = _("the target is %(target)s by %(period)s") % {
        "target": units.value(target),
        "period": target_label,
    }
    if status == "target_achieved":
        return _(
            "%(lead)s: the latest value, %(latest)s in %(period)s, is at or beyond the target "
            "of %(target)s."
        ) % {
            "lead": lead,
            "latest": units.value(p.get("latest_value")),
            "period": p.get("latest_label"),
            "target": units.value(target),
        }
    latest_time, target_time = p.get("latest_time"), p.get("target_time")
    if latest_time is not None and target_time is not None and latest_time >= target_time:
        return _(
            "%(lead)s: the target period has passed; the latest value, %(latest)s, falls short "
            "of %(target)s."
        ) % {
            "lead": lead,
            "latest": units.value(p.get("latest_value")),
            "target": units.value(target),
        }
    pace = _slope({**p}, units)
    projection = ""
    if p.get("projected") is not None:
        projection = _("projected %(value)s by %(period)s (%(range)s)") % {
            "value": units.value(p["projected"]),
            "period": target_label,
            "range": units.between(p.get("projected_low"), p.get("projected_high")),
        }
    need = ""
    if p.get("required_slope") is not None:
        need = _("; reaching it needs %(change)s a year from %(base)s") % {
            "change": units.change(p["required_slope"]),
            "base": base,
        }
    said = {
        "lead": lead,
        "pace": pace,
        "projection": projection,
        "goal": goal,
        "need": need,
        "based": based,
        "target": units.value(target),
        "period": target_label,
    }
    if status == "on_track":
        return _("%(lead)s: at %(pace)s, %(projection)s; %(goal)s. %(based)s") % said
    if status == "at_risk":
        return (
            _(
                "%(lead)s: improving, but too slowly: at %(pace)s, %(projection)s; "
                "%(goal)s%(need)s. %(based)s"
            )
            % said
        )
    if status == "too_noisy":
        return (
            _(
                "%(lead)s: at %(pace)s, %(projection)s, a range that spans the target "
                "(%(target)s by %(period)s). %(based)s"
            )
            % said
        )
    return _("%(lead)s: at %(pace)s, %(projection)s; %(goal)s%(need)s. %(based)s") % said


def latest_change_sentence(entry: dict, units: Units) -> str | None:
    """For survey estimates: whether the latest change is beyond the margins of error."""
    change = entry.get("latest_change")
    if not change:
        return None
    level = round(100 * float(change.get("level") or 0.9))
    said = {
        "level": level,
        "moe_from": units.number(change["moe_from"], units.decimals),
        "moe_to": units.number(change["moe_to"], units.decimals),
        "from": change["from_label"],
        "to": change["to_label"],
        "amount": units.change(change["difference"], units.decimals),
    }
    said["margins"] = (
        _("%(level)s%% margins of error: ±%(moe_from)s in %(from)s, ±%(moe_to)s in %(to)s") % said
    )
    if change.get("significant"):
        return (
            _(
                "The latest change, %(amount)s from %(from)s to %(to)s, is larger than the "
                "margins of error allow by chance (%(margins)s)."
            )
            % said
        )
    return (
        _(
            "The latest change, %(amount)s from %(from)s to %(to)s, is within the margin of "
            "error (%(margins)s): it may be sampling noise, not a real change."
        )
        % said
    )


_EFFECT_LEAD = {
    "working": gettext_noop("Working"),
    "not_working": gettext_noop("Not working"),
    "harmful": gettext_noop("Not working: it moved the wrong way"),
    "too_early_to_tell": gettext_noop("Too early to tell"),
    "cannot_tell": gettext_noop("Cannot tell"),
    "not_enough_data": gettext_noop("Not enough data"),
}


# How the stored analysis says where the smallest effect worth having came from (in English,
# the engine has no catalog: `learn.store.strategies`), and the words for each.
_SOURCE_SET = "set for the strategy"
_SOURCE_SD = " of the indicator's standard deviation before the start"
_FRACTIONS = {
    "a fifth": gettext_noop("a fifth"),
    "a quarter": gettext_noop("a quarter"),
    "half": gettext_noop("half"),
}


def smallest_source(stored: str | None) -> str:
    """The stored source of the smallest effect worth having, in the reader's language."""
    if not stored:
        return ""
    if stored == _SOURCE_SET:
        return _("set for the strategy")
    if stored.endswith(_SOURCE_SD):
        fraction = stored[: -len(_SOURCE_SD)]
        return _("%(fraction)s of the indicator's standard deviation before the start") % {
            "fraction": _(_FRACTIONS[fraction]) if fraction in _FRACTIONS else fraction
        }
    return stored


def effect_sentence(effect: Any, units: Units) -> str:
    """One strategy's effect on one indicator: verdict, estimate, interval, how measured."""
    lead = _(_EFFECT_LEAD[effect.status]) if effect.status in _EFFECT_LEAD else effect.status
    if effect.status == "not_enough_data":
        why = (effect.did or effect.its or {}).get("why") or _("too little data before the start")
        return _("%(lead)s: %(why)s.") % {"lead": lead, "why": why}
    if effect.estimate is None:
        return _("%(lead)s.") % {"lead": lead}
    d = units.decimals_for_estimate(effect.estimate, effect.low, effect.high)
    engine = (effect.did if effect.method == "did" else effect.its) or {}
    interval = effect_interval(effect.low, effect.high, effect.family_size, engine, units, d)
    p = p_text(effect.p) + _adjusted(effect.p_adjusted, effect.family_size, _("strategy effects"))
    areas = len(effect.treated)
    where = (
        " " + ngettext("in its %(n)s area", "in its %(n)s areas", areas) % {"n": areas}
        if areas
        else ""
    )
    change = units.change(effect.estimate, d)
    if effect.method == "did":
        n = len(effect.comparison)
        how = ngettext(
            "%(change)s%(where)s against %(n)s comparison area since %(start)s",
            "%(change)s%(where)s against %(n)s comparison areas since %(start)s",
            n,
        ) % {"change": change, "where": where, "n": n, "start": effect.start_period}
    else:
        how = _("%(change)s%(where)s against their trend before %(start)s") % {
            "change": change,
            "where": where,
            "start": effect.start_period,
        }
    text = _("%(lead)s: %(how)s%(interval)s, %(p)s.") % {
        "lead": lead,
        "how": how,
        "interval": interval,
        "p": p,
    }
    if effect.status == "cannot_tell":
        text += " " + _("The comparison areas were already moving apart before the start.")
    elif effect.status == "not_working":
        smallest = engine.get("smallest_effect")
        if smallest is not None:
            text += " " + _(
                "The evidence rules out an effect worth having (%(smallest)s, %(source)s)."
            ) % {
                "smallest": units.change(abs(smallest), d),
                "source": smallest_source(engine.get("smallest_effect_source")),
            }
        else:
            text += " " + _("The evidence rules out an effect worth having.")
    elif effect.status == "too_early_to_tell":
        more = engine.get("periods_to_tell")
        if engine.get("engine_status") in ("working", "harmful"):
            text += " " + _(
                "Read on its own it would look like an effect; adjusted for the %(n)s strategy "
                "effects reviewed together it could be chance."
            ) % {"n": effect.family_size}
        elif more:
            text += " " + _(
                "The data allow both an effect worth having and none: about %(n)s more periods "
                "would likely be needed to tell."
            ) % {"n": int(more)}
        else:
            text += " " + _("The data allow both an effect worth having and none.")
    return text


def effect_interval(
    low: float | None,
    high: float | None,
    family_size: int,
    engine: dict,
    units: Units,
    d: int,
) -> str:
    """ " (adjusted 99.2% interval +0.1 to +1.2; unadjusted 95% interval +0.2 to +1.0)":
    the interval the verdict is read from first, the unadjusted one second, labelled."""
    if low is None or high is None:
        return ""
    level = engine.get("adjusted_level")
    main = units.interval(low, high, d)
    if not level or (family_size or 0) <= 1:
        return " " + _("(95%% interval %(interval)s)") % {"interval": main}
    lo, hi = engine.get("unadjusted_low"), engine.get("unadjusted_high")
    if lo is not None and hi is not None:
        return " " + _(
            "(adjusted %(level)s interval %(interval)s; unadjusted 95%% interval %(unadjusted)s)"
        ) % {
            "level": level_text(level),
            "interval": main,
            "unadjusted": units.interval(lo, hi, d),
        }
    return " " + _("(adjusted %(level)s interval %(interval)s)") % {
        "level": level_text(level),
        "interval": main,
    }


def level_text(level: float) -> str:
    """0.99166 → "99.2%"; 0.95 → "95%"."""
    text = f"{100 * level:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def its_sentence(effect: Any, units: Units) -> str | None:
    """The interrupted time series, as supporting evidence: no verdict of its own, since
    it cannot tell the strategy from whatever else changed in the same years."""
    its = effect.its or {}
    if effect.method == "its" or its.get("estimate") is None:
        return None
    d = units.decimals_for_estimate(its["estimate"], its.get("low"), its.get("high"))
    interval = ""
    if its.get("low") is not None and its.get("high") is not None:
        interval = " " + _("(95%% interval %(interval)s)") % {
            "interval": units.interval(its["low"], its["high"], d)
        }
    by = (
        " " + _("by %(period)s") % {"period": its["latest_label"]}
        if its.get("latest_label")
        else ""
    )
    return _(
        "Against their own trend before %(start)s (interrupted time series), its areas are "
        "%(change)s%(by)s%(interval)s; this alone cannot tell the strategy from anything else "
        "that changed in those years."
    ) % {
        "start": effect.start_period,
        "change": units.change(its["estimate"], d),
        "by": by,
        "interval": interval,
    }


# -- turn the curve ------------------------------------------------------------------------------


_CURVE_SHORT = {
    "better_than_baseline": gettext_noop("turning the curve"),
    "worse_than_baseline": gettext_noop("turning the wrong way"),
    "within_baseline": gettext_noop("not turning: within the forecast band"),
    "no_data_since": gettext_noop("no data since the start"),
    "not_enough_data": gettext_noop("not enough data"),
    "no_start": gettext_noop("not enough data: no start"),
    "within_margin": gettext_noop("not turning yet: within the margin of error"),
}


_START_SOURCES = {
    "indicator": gettext_noop("the indicator"),
    "result": gettext_noop("its result"),
    "collaborative": gettext_noop("the collaborative"),
    "strategies": gettext_noop("its strategies"),
}


def start_source(source: str) -> str:
    """Where the start of the work came from (`civicloop.learn.store.curve.SOURCES`)."""
    return _(_START_SOURCES.get(source, source))


def curve_short(status: str) -> str:
    """A few words for a table cell: "turning the curve", "within the forecast band"..."""
    return _(_CURVE_SHORT.get(status, "not enough data"))


def curve_sentence(curve: dict, units: Units) -> str:
    """Whether the curve is turning: the latest value against the baseline forecast band,
    with the band's level and what the forecast was fitted to.

    >>> u = Units("percent", "%", 1)
    >>> c = {"status": "better_than_baseline", "level": 0.95, "since": "2020", "n_fit": 8,
    ...      "min_fit": 3, "fit_from": "2012", "fit_to": "2019", "latest_label": "2023",
    ...      "latest_value": 30.2, "latest_lower": 31.0, "latest_upper": 33.4,
    ...      "latest_expected": 32.2, "method": "linear"}
    >>> curve_sentence(c, u)  # doctest: +NORMALIZE_WHITESPACE
    'Turning the curve: in 2023 the value, 30.2%, is below the 95% band of the baseline
    forecast (between 31.0% and 33.4%), better than the trend of 2012 to 2019 (8 observations before
    the work began in 2020) foretold.'
    """
    status = curve.get("status", "not_enough_data")
    since = curve.get("since") or ""
    n_fit = int(curve.get("n_fit") or 0)
    if status == "no_start":
        return _(
            "Not enough data: nobody has said when the work on this indicator began (on "
            "the indicator, its result or the collaborative) and no strategy aimed at it "
            'has a start period, so there is no "before" to forecast from.'
        )
    if status == "not_enough_data":
        return _(
            "Not enough data: {n} observations before the work began in {since}; the "
            "baseline forecast needs at least {min}."
        ).format(n=n_fit, since=since, min=int(curve.get("min_fit") or 3))
    if status == "no_data_since":
        return _("No data since the work began in {since}: the curve cannot be read yet.").format(
            since=since
        )
    values = {
        "label": curve.get("latest_label"),
        "value": units.value(curve.get("latest_value")),
        "level": level_text(float(curve.get("level") or 0.95)),
        "range": units.between(curve.get("latest_lower"), curve.get("latest_upper")),
        "first": curve.get("fit_from"),
        "last": curve.get("fit_to"),
        "n": n_fit,
        "since": since,
    }
    latest, lower = curve.get("latest_value"), curve.get("latest_lower")
    side = _("below") if latest is not None and lower is not None and latest < lower else _("above")
    values["side"] = side
    if status == "better_than_baseline":
        text = _(
            "Turning the curve: in {label} the value, {value}, is {side} the {level} band of "
            "the baseline forecast ({range}), better than the trend of {first} to "
            "{last} ({n} observations before the work began in {since}) foretold."
        )
    elif status == "worse_than_baseline":
        text = _(
            "Turning the wrong way: in {label} the value, {value}, is {side} the {level} band "
            "of the baseline forecast ({range}), worse than the trend of {first} to "
            "{last} ({n} observations before the work began in {since}) foretold."
        )
    elif status == "within_margin":
        values["margin"] = units.number(float(curve.get("latest_margin") or 0), units.decimals)
        text = _(
            "Not turning yet: in {label} the value, {value}, is {side} the {level} band of "
            "the baseline forecast ({range}), but its margin of error (±{margin}) reaches "
            "back into the band: the difference may be sampling noise."
        )
    else:
        text = _(
            "Not turning yet: in {label} the value, {value}, is within the {level} band of "
            "the baseline forecast ({range}), where the trend of {first} to {last} "
            "({n} observations before the work began in {since}) would put it; the data "
            "cannot tell it from that trend."
        )
    return text.format(**values)
