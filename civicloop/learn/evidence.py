"""What the results pages show of learn: verdicts in plain words, with their evidence.

`indicator_evidence` feeds ``learn/evidence.html`` on an indicator page; `short_verdicts`
feeds the "Trend" column of a result page. Both read the stored analyses and compute on
the fly only what a load has made stale since (without saving: a page never writes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from civicloop.learn import store, words
from civicloop.learn.store.freshness import Freshness
from civicloop.results.models import Area, Collaborative, Indicator, Series


def indicator_evidence(
    indicator: Indicator,
    area: Area | None,
    *,
    show_effects: bool = False,
    lines: Iterable[Series] = (),
    by: str = "",
    freshness: Freshness | None = None,
) -> dict[str, Any] | None:
    """The evidence section of an indicator page, for the headline series of `area`.

    show_effects: also list the strategies aimed at the indicator and their effects
    (for members of the collaborative: the public sees what the chair declares).
    lines, by: the other series on the chart (groups, or areas within, as the page's
    ``by`` says), each given its own short verdict.
    freshness: the collaborative's `store.freshness.Freshness`, when the caller has it
    (from the data cache): no query then checks what it already says.
    """
    if area is None:
        return None
    collaborative = indicator.result.collaborative
    # Read once for the headline and each line: a page asks for one indicator's entries,
    # not its families'.
    hashes = freshness.hashes if freshness else store.settings_hashes(collaborative)
    entry = store.current_family(
        collaborative, area, only=[indicator.pk], hashes=hashes, freshness=freshness
    ).get(indicator.pk)
    if entry is None:
        return None
    units = words.Units.of(indicator)
    out = evidence_from_entry(entry, indicator, area)
    others = [s for s in lines if not (s.area_id == area.pk and s.group_id is None)]
    out["lines"] = _line_verdicts(indicator, others, by, hashes, freshness)
    # No strategy aims at it: it has no effects, and reading them would say so in queries.
    if show_effects and (freshness is None or indicator.pk in freshness.targeted):
        out["effects"] += [effect_evidence(e, units) for e in store.current_effects(indicator)]
    return out


def effect_evidence(effect, units: words.Units) -> dict[str, Any]:
    """One strategy's effect on the indicator, as the evidence panel shows it (the app's
    indicator page and the public site alike)."""
    return {
        "name": effect.strategy_name,
        "slug": effect.strategy,
        "status": effect.status,
        "words": words.say(effect.words),
        "badge": words.badge(effect.status),
        "sentence": effect.sentence,
        "its_sentence": words.its_sentence(effect, units),
        "treated": effect.treated,
        "comparison": effect.comparison,
    }


def headline_rows(collaborative: Collaborative, indicators) -> list[dict[str, Any]]:
    """`civicloop.results.queries.summary_rows` of `indicators`, each row given its
    sparkline (safe SVG) and its short trend verdict: a table of indicators or measures."""
    from django.utils.safestring import mark_safe

    from civicloop.results.charts import sparkline
    from civicloop.results.queries import summary_rows

    rows = summary_rows(collaborative, indicators)
    verdicts = short_verdicts(
        collaborative, rows[0]["area"] if rows else None, [r["indicator"] for r in rows]
    )
    for row in rows:
        name = row["indicator"].name
        row["sparkline"] = mark_safe(
            sparkline(row["values"], label=f"{name}: trend of the headline")
        )
        row["verdict"] = verdicts.get(row["indicator"].pk)
    return rows


def short_verdicts(
    collaborative: Collaborative, area: Area | None, only: Iterable[Indicator] | None = None
) -> dict[int, dict[str, str]]:
    """{indicator id: {"words", "badge", "title"}} for the headline series in `area` (of
    the indicators `only` lists, else of all the collaborative's)."""
    if area is None:
        return {}
    if only is None:
        only = Indicator.objects.filter(result__collaborative=collaborative)
    indicators = {i.pk: i for i in only}
    out = {}
    family = store.current_family(collaborative, area, only=indicators)
    for pk, entry in family.items():
        if pk not in indicators:
            continue
        verdict = entry.get("verdict") or {}
        status = verdict.get("status", "")
        out[pk] = {
            "words": words.short_verdict(entry),
            "badge": words.badge(status),
            "title": words.trend_sentence(entry, words.Units.of(indicators[pk])),
        }
    return out


def _line_verdicts(
    indicator: Indicator,
    lines: list[Series],
    by: str,
    hashes: dict[int, str],
    freshness: Freshness | None = None,
) -> list[dict[str, str]]:
    """A short verdict for each other line on the chart, judged within its own family
    (the collaborative's indicators for that area and group)."""
    collaborative = indicator.result.collaborative
    units = words.Units.of(indicator)
    # The lines whose families are known fresh: their stored entries in one query, not
    # one per line (a breakdown by area has a line per district).
    fresh = [s.pk for s in lines if freshness.is_fresh(s.area_id, s.group_id)] if freshness else []
    stored = (
        {
            pk: {**result, "family_size": family_size}
            for pk, result, family_size in Series.objects.filter(pk__in=fresh).values_list(
                "pk", "analysis__result", "analysis__family_size"
            )
        }
        if fresh
        else {}
    )
    out = []
    for s in lines:
        if s.pk in fresh:
            entry = stored.get(s.pk)
        else:
            entry = store.current_family(
                collaborative,
                s.area,
                s.group_id,
                only=[indicator.pk],
                hashes=hashes,
                freshness=freshness,
            ).get(indicator.pk)
        if entry is None:
            continue
        status = (entry.get("verdict") or {}).get("status", "")
        out.append(
            {
                "label": s.area.name
                if by == "areas"
                else (s.group.name if s.group_id else words.say("All")),
                "words": words.short_verdict(entry),
                "badge": words.badge(status),
                "sentence": words.trend_sentence(entry, units),
            }
        )
    return out


def evidence_from_entry(entry: dict[str, Any], indicator: Indicator, area) -> dict[str, Any]:
    """Trend, progress and margin note in words, from one stored analysis entry.

    Shared by the indicator page and the public site (which reads entries in bulk), so
    both say the same thing about the same numbers; ``effects`` starts empty for each
    caller to fill with what it may show.
    """
    units = words.Units.of(indicator)
    verdict = entry.get("verdict") or {}
    prog = entry.get("progress") or {}
    out: dict[str, Any] = {
        "area": area,
        "trend": {
            "status": verdict.get("status"),
            "words": words.say(verdict.get("words", "not enough data")),
            "badge": words.badge(verdict.get("status", "")),
            "sentence": words.trend_sentence(entry, units),
        },
        "progress": {
            "status": prog.get("status"),
            "words": words.say(prog.get("words", "not available")),
            "badge": words.badge(prog.get("status", "")),
            "sentence": words.progress_sentence(entry, units),
        },
        "method": entry.get("method"),
        "method_reason": entry.get("method_reason", ""),
        "family_size": entry.get("family_size", 0),
        "latest": entry.get("latest"),
        "version": entry.get("version"),
        "margin": None,
        "effects": [],
    }
    note = words.latest_change_sentence(entry, units) if indicator.is_survey else None
    if note:
        significant = (entry.get("latest_change") or {}).get("significant")
        out["margin"] = {
            "words": words.say(
                "beyond the margin of error" if significant else "within the margin of error"
            ),
            "badge": "" if significant else "warn",
            "sentence": note,
        }
    return out
