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
import sys
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


def _(message: str) -> str:
    """Marks a sentence for translation (``makemessages`` finds ``_``) and translates it
    when Django is running; the engine itself never imports Django."""
    translation = sys.modules.get("django.utils.translation")
    if translation is None:
        return message
    try:
        return translation.gettext(message)
    except Exception:  # Django imported but not configured (a bare script)
        return message


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
            return f"{text} points"
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
            return f"between {self.value(low)} and {self.value(high)}"
        return f"between {low:,.{self.decimals}f} and {self.value(high)}"

    def interval(self, low: float, high: float, decimals: int) -> str:
        return f"{self.number(low, decimals, True)} to {self.number(high, decimals, True)}"


def p_text(p: float | None) -> str:
    """ "p = 0.002", "p < 0.001"; three decimals below 0.01, else two significant digits.

    >>> p_text(0.0213), p_text(0.00004), p_text(0.58)
    ('p = 0.021', 'p < 0.001', 'p = 0.58')
    """
    if p is None:
        return "p not available"
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
        return (
            f" ({value} after adjusting for {size} {what}, {unshown} of them not shown "
            f"here because {'it is' if unshown == 1 else 'they are'} not public)"
        )
    return f" ({value} after adjusting for {size} {what})"


def _slope(verdict: dict, units: Units, level: int = 95) -> str:
    """ "+1.4 points a year (95% interval +0.9 to +2.0)": all three to the same decimals,
    enough for two significant digits of the larger of the slope and the half-width."""
    slope, low, high = verdict.get("slope"), verdict.get("slope_low"), verdict.get("slope_high")
    if slope is None:
        return ""
    d = units.decimals_for_estimate(slope, low, high)
    text = f"{units.change(slope, d)} a year"
    if low is not None and high is not None:
        text += f" ({level}% interval {units.interval(low, high, d)})"
    return text


def trend_sentence(entry: dict, units: Units) -> str:
    """The trend verdict of one series with its evidence, in one or two sentences."""
    verdict = entry.get("verdict") or {}
    status = verdict.get("status", "not_enough_data")
    n = int(verdict.get("n") or 0)
    if status == "not_enough_data":
        if n >= 4:  # a seasonal test that found no month (quarter) seen in two years
            return (
                f"Not enough data: {n} observations, but no month or quarter is seen in two "
                "years; the trend compares each with the same one a year on, so that the "
                "seasons are not taken for a trend."
            )
        return f"Not enough data: {n} observation{'s' if n != 1 else ''}; a trend needs at least 4."
    evidence = _slope(verdict, units)
    p = p_text(verdict.get("p")) + _adjusted(
        verdict.get("p_adjusted"),
        int(entry.get("family_size") or 0),
        "indicators",
        int(entry.get("family_unshown") or 0),
    )
    if status in ("improving", "worsening"):
        return f"{status.capitalize()}: {evidence}, {p}."
    if status == "within_margin_of_error":
        first, latest = entry.get("first") or {}, entry.get("latest") or {}
        change = ""
        if first.get("value") is not None and latest.get("value") is not None:
            change = (
                f" the change from {first['label']} to {latest['label']}, "
                f"{units.change(latest['value'] - first['value'])}, is"
            )
        return (
            f"Within the margin of error: the estimates moved ({evidence}, {p}), but"
            f"{change or ' the change is'} within the survey's margins of error, so it may "
            "be sampling noise."
        )
    if status == "borderline":
        return (
            f"Borderline: {evidence}, {p}. The test and the slope's interval disagree on "
            "whether this is a trend, so civicloop does not call it one either way."
        )
    return f"No clear trend: {evidence}, {p}. The data cannot tell a rise from a fall."


def short_verdict(entry: dict | None) -> str:
    """A few words for a table cell: "improving", "no clear trend"..."""
    if not entry:
        return "not analysed"
    verdict = entry.get("verdict") or {}
    return str(verdict.get("words") or "not analysed")


_PROGRESS_LEAD = {
    "target_achieved": "Target achieved",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "too_noisy": "Too noisy to tell",
    "not_enough_data": "Not enough data",
    "not_available": "No target",
}


def progress_sentence(entry: dict, units: Units) -> str:
    """Progress to target (civicloop's method) with what it is based on."""
    p = entry.get("progress") or {}
    status = p.get("status", "not_available")
    lead = _PROGRESS_LEAD.get(status, status)
    target, target_label = p.get("target"), p.get("target_label")
    if status == "not_available":
        return "No target: progress to a target cannot be judged."
    n = int(p.get("n") or 0)
    base = f"{p.get('base_label')}" if p.get("base_label") else "the baseline"
    based = f"Based on {n} observation{'s' if n != 1 else ''} since {base}."
    if status == "not_enough_data":
        return (
            f"{lead}: {n} observation{'s' if n != 1 else ''} since {base}; at least 4 are needed."
        )
    goal = f"the target is {units.value(target)} by {target_label}"
    if status == "target_achieved":
        return (
            f"{lead}: the latest value, {units.value(p.get('latest_value'))} in "
            f"{p.get('latest_label')}, is at or beyond the target of {units.value(target)}."
        )
    latest_time, target_time = p.get("latest_time"), p.get("target_time")
    if latest_time is not None and target_time is not None and latest_time >= target_time:
        return (
            f"{lead}: the target period has passed; the latest value, "
            f"{units.value(p.get('latest_value'))}, falls short of {units.value(target)}."
        )
    pace = _slope({**p}, units)
    projection = ""
    if p.get("projected") is not None:
        projection = (
            f"projected {units.value(p['projected'])} by {target_label} "
            f"({units.between(p.get('projected_low'), p.get('projected_high'))})"
        )
    need = ""
    if p.get("required_slope") is not None:
        need = f"; reaching it needs {units.change(p['required_slope'])} a year from {base}"
    if status == "on_track":
        return f"{lead}: at {pace}, {projection}; {goal}. {based}"
    if status == "at_risk":
        return f"{lead}: improving, but too slowly: at {pace}, {projection}; {goal}{need}. {based}"
    if status == "too_noisy":
        return (
            f"{lead}: at {pace}, {projection}, a range that spans the target "
            f"({units.value(target)} by {target_label}). {based}"
        )
    return f"{lead}: at {pace}, {projection}; {goal}{need}. {based}"


def latest_change_sentence(entry: dict, units: Units) -> str | None:
    """For survey estimates: whether the latest change is beyond the margins of error."""
    change = entry.get("latest_change")
    if not change:
        return None
    level = round(100 * float(change.get("level") or 0.9))
    margins = (
        f"{level}% margins of error: ±{units.number(change['moe_from'], units.decimals)} in "
        f"{change['from_label']}, ±{units.number(change['moe_to'], units.decimals)} in "
        f"{change['to_label']}"
    )
    amount = units.change(change["difference"], units.decimals)
    if change.get("significant"):
        return (
            f"The latest change, {amount} from {change['from_label']} to {change['to_label']}, "
            f"is larger than the margins of error allow by chance ({margins})."
        )
    return (
        f"The latest change, {amount} from {change['from_label']} to {change['to_label']}, "
        f"is within the margin of error ({margins}): it may be sampling noise, not a real change."
    )


_EFFECT_LEAD = {
    "working": "Working",
    "not_working": "Not working",
    "harmful": "Not working: it moved the wrong way",
    "too_early_to_tell": "Too early to tell",
    "cannot_tell": "Cannot tell",
    "not_enough_data": "Not enough data",
}


def effect_sentence(effect: Any, units: Units) -> str:
    """One strategy's effect on one indicator: verdict, estimate, interval, how measured."""
    lead = _EFFECT_LEAD.get(effect.status, effect.status)
    if effect.status == "not_enough_data":
        why = (effect.did or effect.its or {}).get("why") or "too little data before the start"
        return f"{lead}: {why}."
    if effect.estimate is None:
        return f"{lead}."
    d = units.decimals_for_estimate(effect.estimate, effect.low, effect.high)
    engine = (effect.did if effect.method == "did" else effect.its) or {}
    interval = effect_interval(effect.low, effect.high, effect.family_size, engine, units, d)
    p = p_text(effect.p) + _adjusted(effect.p_adjusted, effect.family_size, "strategy effects")
    areas = len(effect.treated)
    where = f" in its {areas} area{'s' if areas != 1 else ''}" if areas else ""
    if effect.method == "did":
        n = len(effect.comparison)
        how = (
            f"{units.change(effect.estimate, d)}{where} against {n} comparison "
            f"area{'s' if n != 1 else ''} since {effect.start_period}"
        )
    else:
        how = f"{units.change(effect.estimate, d)}{where} against their trend before {effect.start_period}"
    text = f"{lead}: {how}{interval}, {p}."
    if effect.status == "cannot_tell":
        text += " The comparison areas were already moving apart before the start."
    elif effect.status == "not_working":
        smallest = engine.get("smallest_effect")
        worth = f" ({units.change(abs(smallest), d)}, {engine.get('smallest_effect_source')})"
        text += (
            " The evidence rules out an effect worth having"
            + (worth if smallest is not None else "")
            + "."
        )
    elif effect.status == "too_early_to_tell":
        more = engine.get("periods_to_tell")
        if engine.get("engine_status") in ("working", "harmful"):
            text += (
                " Read on its own it would look like an effect; adjusted for the "
                f"{effect.family_size} strategy effects reviewed together it could be chance."
            )
        elif more:
            text += (
                f" The data allow both an effect worth having and none: about {int(more)} more "
                "periods would likely be needed to tell."
            )
        else:
            text += " The data allow both an effect worth having and none."
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
        return f" (95% interval {main})"
    text = f" (adjusted {level_text(level)} interval {main}"
    lo, hi = engine.get("unadjusted_low"), engine.get("unadjusted_high")
    if lo is not None and hi is not None:
        text += f"; unadjusted 95% interval {units.interval(lo, hi, d)}"
    return text + ")"


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
        interval = f" (95% interval {units.interval(its['low'], its['high'], d)})"
    by = f" by {its['latest_label']}" if its.get("latest_label") else ""
    return (
        f"Against their own trend before {effect.start_period} (interrupted time series), its "
        f"areas are {units.change(its['estimate'], d)}{by}{interval}; this alone cannot tell "
        "the strategy from anything else that changed in those years."
    )


# -- turn the curve ------------------------------------------------------------------------------


def gettext_noop(message: str) -> str:
    """Marks a string for the catalog (``makemessages`` knows this name); `_` translates it
    where it is read."""
    return message


_CURVE_SHORT = {
    "better_than_baseline": gettext_noop("turning the curve"),
    "worse_than_baseline": gettext_noop("turning the wrong way"),
    "within_baseline": gettext_noop("not turning: within the forecast band"),
    "no_data_since": gettext_noop("no data since the start"),
    "not_enough_data": gettext_noop("not enough data"),
    "no_start": gettext_noop("not enough data: no start"),
    "within_margin": gettext_noop("not turning yet: within the margin of error"),
}


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
            "Not enough data: no strategy aimed at this indicator has a start period, so "
            'there is no "before" to forecast from.'
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
