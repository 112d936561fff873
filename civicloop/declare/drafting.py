"""civicloop drafts a declaration from the evidence, and freezes that evidence with it.

`evidence_for` reads what learn says now about one indicator in one area (its trend
verdict with the slope's interval and p-values, progress to target, and for surveys
whether the latest change is beyond the margins of error) into a plain dict. `compose`
writes the sentence from that dict alone, so the words can be re-read against the exact
numbers they came from, and every draft passes `civicloop.declare.claims.check`:

>>> evidence = {
...     "indicator": {"name": "Third-grade reading proficiency", "unit": "%", "unit_kind": "percent",
...                   "decimals": 1, "direction": "higher", "is_survey": False},
...     "area": {"name": "South Ward", "level": "district"},
...     "first": {"label": "2016-17", "value": 22.2}, "latest": {"label": "2024-25", "value": 33.6},
...     "trend": {"status": "improving", "slope": 1.375, "slope_low": 1.02, "slope_high": 1.78,
...               "n": 9},
...     "progress": {"status": "at_risk", "words": "at risk", "target": 50.0,
...                  "target_label": "2029-30"},
... }
>>> compose(evidence)
'Third-grade reading proficiency in the South Ward rose from 22.2% in 2016-17 to 33.6% in 2024-25 (+1.4 points a year, 95% interval +1.0 to +1.8); the target is 50.0% by 2029-30: at risk.'
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from civicloop.learn import words
from civicloop.results.models import Area, Indicator

SCHEMA = 1
# Area names that read with "the": "in the South Ward", but "in Riverton", "in Ironbound".
_WITH_THE = {"ward", "district", "side", "end", "corridor", "county", "region", "zone"}


class NoEvidence(Exception):
    """There is nothing to declare yet: no analysed headline series for that indicator and area."""


def evidence_for(indicator: Indicator, area: Area) -> dict[str, Any]:
    """What learn says now about `indicator` in `area` (headline series), as plain JSON."""
    from civicloop.learn import store

    family = store.current_family(indicator.result.collaborative, area)
    entry = family.get(indicator.pk)
    if entry is None or not entry.get("latest"):
        raise NoEvidence(f"no analysed data for {indicator.name} in {area.name} yet")
    units = words.Units.of(indicator)
    verdict = dict(entry.get("verdict") or {})
    progress = dict(entry.get("progress") or {})
    latest_change = entry.get("latest_change")
    evidence: dict[str, Any] = {
        "schema": SCHEMA,
        "collaborative": indicator.result.collaborative.slug,
        "indicator": {
            "id": indicator.pk,
            "slug": indicator.slug,
            "name": indicator.name,
            "unit": indicator.unit,
            "unit_kind": indicator.unit_kind,
            "decimals": indicator.decimals,
            "direction": indicator.direction,
            "is_survey": indicator.is_survey,
        },
        "area": {"id": area.pk, "code": area.code, "name": area.name, "level": area.level},
        "version": entry.get("version"),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "method": entry.get("method"),
        "family_size": entry.get("family_size", 0),
        "first": entry.get("first"),
        "latest": entry.get("latest"),
        "trend": {
            **{k: verdict.get(k) for k in ("status", "words", "slope", "slope_low", "slope_high")},
            **{k: verdict.get(k) for k in ("p", "p_adjusted", "n", "adjust")},
            "sentence": words.trend_sentence(entry, units),
        },
        "progress": {**progress, "sentence": words.progress_sentence(entry, units)},
        "latest_change": None,
        # Every value of the headline series, so a statement's numbers can be checked.
        "series": _series_values(indicator, area),
        "family_counts": _family_counts(
            family,
            set(
                Indicator.objects.filter(result__collaborative=indicator.result.collaborative)
                .population()
                .values_list("pk", flat=True)
            ),
        ),
    }
    evidence["trend"]["status"] = evidence["trend"]["status"] or "not_enough_data"
    evidence["trend"]["words"] = evidence["trend"]["words"] or "not enough data"
    if latest_change:
        evidence["latest_change"] = {
            **latest_change,
            "sentence": words.latest_change_sentence(entry, units),
        }
    return evidence


def _series_values(indicator: Indicator, area: Area) -> dict[str, float]:
    from civicloop.results.models import Approval, Observation

    rows = (
        Observation.objects.filter(
            series__indicator=indicator,
            series__area=area,
            series__group__isnull=True,
            approval=Approval.APPROVED,
        )
        .order_by("period__start")
        .values_list("period__label", "value")
    )
    return {label: value for label, value in rows}


def _family_counts(family: dict[int, dict], population: set[int]) -> dict[str, int]:
    """How the place's indicators with a verdict go: {"total", "improving", ...}."""
    counts: dict[str, int] = {"total": 0}
    for pk, entry in family.items():
        if pk not in population:
            continue
        status = (entry.get("verdict") or {}).get("status")
        if status in (None, "not_enough_data"):
            continue
        counts["total"] += 1
        counts[status] = counts.get(status, 0) + 1
    return counts


def units_of(evidence: dict[str, Any]) -> words.Units:
    ind = evidence["indicator"]
    return words.Units(ind["unit_kind"], ind["unit"], int(ind.get("decimals") or 0))


def in_area(area: dict[str, Any]) -> str:
    """ "in the South Ward", "in Riverton"."""
    name = area["name"]
    last = name.split()[-1].lower() if name.split() else ""
    the = "the " if last in _WITH_THE and not name.lower().startswith("the ") else ""
    return f"in {the}{name}"


def compose(evidence: dict[str, Any]) -> str:
    """The drafted statement: what changed, how surely, and where it stands against the target."""
    units = units_of(evidence)
    name = f"{evidence['indicator']['name']} {in_area(evidence['area'])}"
    trend = evidence.get("trend") or {}
    status = trend.get("status", "not_enough_data")
    first, latest = evidence.get("first") or {}, evidence.get("latest") or {}
    from_to = (
        f"{units.value(first.get('value'))} in {first.get('label')} to "
        f"{units.value(latest.get('value'))} in {latest.get('label')}"
    )
    if status in ("improving", "worsening"):
        slope = trend.get("slope") or 0.0
        ends = (latest.get("value") or 0.0) - (first.get("value") or 0.0)
        if ends * slope > 0:
            text = (
                f"{name} {'rose' if slope > 0 else 'fell'} from {from_to} ({_pace(trend, units)})"
            )
        else:
            # A seasonal series can end lower than it began in a rising year: say the pace.
            text = (
                f"{name}: {'rising' if slope > 0 else 'falling'} since {first.get('label')} "
                f"({_pace(trend, units)}), at {units.value(latest.get('value'))} in "
                f"{latest.get('label')}"
            )
    elif status == "not_enough_data":
        n = int(trend.get("n") or 0)
        text = (
            f"{name} was {units.value(latest.get('value'))} in {latest.get('label')}; "
            f"with {n} observation{'s' if n != 1 else ''} there is too little data to tell a trend"
        )
    elif status == "borderline":
        text = (
            f"{name} was {units.value(first.get('value'))} in {first.get('label')} and "
            f"{units.value(latest.get('value'))} in {latest.get('label')}: borderline "
            f"({_pace(trend, units)}, {words.p_text(trend.get('p'))}); the evidence is not "
            "clear enough to claim a change"
        )
    elif status == "within_margin_of_error":
        text = (
            f"{name} was estimated at {units.value(first.get('value'))} in {first.get('label')} "
            f"and {units.value(latest.get('value'))} in {latest.get('label')}; the difference is "
            "within the survey's margins of error, so no change can be claimed"
        )
    else:
        text = (
            f"{name} was {units.value(first.get('value'))} in {first.get('label')} and "
            f"{units.value(latest.get('value'))} in {latest.get('label')}: no clear trend "
            f"({_pace(trend, units)}, {words.p_text(trend.get('p'))}), so no change can be claimed"
        )
    text += _target(evidence, units) + "."
    return text + _latest_change(evidence, units)


def _pace(trend: dict[str, Any], units: words.Units) -> str:
    slope, low, high = trend.get("slope"), trend.get("slope_low"), trend.get("slope_high")
    if slope is None:
        return "no slope"
    d = units.decimals_for_estimate(slope, low, high)
    text = f"{units.change(slope, d)} a year"
    if low is not None and high is not None:
        text += f", 95% interval {units.interval(low, high, d)}"
    return text


def _target(evidence: dict[str, Any], units: words.Units) -> str:
    progress = evidence.get("progress") or {}
    if progress.get("target") is None or progress.get("status") in (None, "not_available"):
        return ""
    return (
        f"; the target is {units.value(progress['target'])} by {progress.get('target_label')}: "
        f"{progress.get('words') or progress['status'].replace('_', ' ')}"
    )


def _latest_change(evidence: dict[str, Any], units: words.Units) -> str:
    """For a survey, what the latest estimate can and cannot say, given its margins."""
    change = evidence.get("latest_change")
    if not change or change.get("significant"):
        return ""
    level = round(100 * float(change.get("level") or 0.9))
    return (
        f" The latest estimate, {units.value(change.get('to_value'))} in {change.get('to_label')} "
        f"against {units.value(change.get('from_value'))} in {change.get('from_label')}, is within "
        f"the survey's margins of error "
        f"(±{units.amount(units.number(change['moe_to'], units.decimals))} at {level}% "
        "confidence), so it is not evidence of a change."
    )
