"""Write a collaborative's definition as the configuration file (never its observations).

The output is deterministic: the same database gives the same bytes, so a file kept in
version control shows only real changes, and export → apply → export gives the file back.
Secrets in a source's settings are left out, with a warning naming where they were.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml
from django.conf import settings
from django.utils import translation

from civicloop.core.configuration import shape
from civicloop.core.configuration.shape import period_text


def _plain(obj, fields: list[str]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(obj, name)
        if value is None and shape.is_twin(name):
            continue  # no Spanish written: the file says nothing (and the English is shown)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def export_configuration(collab, warnings: list[str] | None = None) -> dict[str, Any]:
    # The plain fields are the English content, whatever language the caller speaks.
    with translation.override(settings.LANGUAGE_CODE):
        return _export(collab, warnings)


def _export(collab, warnings: list[str] | None = None) -> dict[str, Any]:
    """The collaborative's definition as plain data, in the file's order.

    ``warnings`` collects what was left out on purpose (a source's plain-text secrets)."""
    warnings = warnings if warnings is not None else []
    data: dict[str, Any] = {"version": shape.FORMAT_VERSION}
    data["collaborative"] = _plain(collab, shape.COLLABORATIVE[1])
    data["collaborative"]["network"] = (
        _plain(collab.network, shape.NETWORK[1]) if collab.network_id else None
    )
    data["collaborative"]["work_began"] = _work_began(collab)
    data["areas"] = _areas(collab)
    data["dimensions"] = [
        {
            **_plain(d, shape.DIMENSION[1]),
            "groups": [
                _plain(g, shape.GROUP[1]) for g in d.groups.order_by("order", "name", "slug")
            ],
        }
        for d in collab.dimensions.order_by("name", "slug")
    ]
    data["organisations"] = [
        _organisation(o) for o in collab.organisations.order_by("name", "slug")
    ]
    data["results"] = [_result(r) for r in collab.results.order_by("order", "title", "slug")]
    data["strategies"] = [_strategy(s) for s in collab.strategies.order_by("name", "slug")]
    data["sources"] = [
        _source(s, f"sources[{i}]", warnings)
        for i, s in enumerate(collab.sources.select_related("organisation").order_by("name"))
    ]
    data["memberships"] = [
        {
            "username": m.user.username,
            "role": m.role,
            "organisation": m.organisation.slug if m.organisation_id else None,
        }
        for m in collab.memberships.select_related("user", "organisation").order_by(
            "user__username", "role"
        )
    ]
    return data


def _areas(collab) -> list[dict]:
    """Every area after its parent (then by code), so a reader meets the city first."""
    areas = list(collab.areas.select_related("parent"))
    depth: dict[int, int] = {}

    def depth_of(area) -> int:
        if area.pk not in depth:
            depth[area.pk] = 0 if area.parent is None else depth_of(area.parent) + 1
        return depth[area.pk]

    areas.sort(key=lambda a: (depth_of(a), a.code))
    return [
        {
            "code": a.code,
            "name": a.name,
            "level": a.level,
            "custom_level": a.custom_level,
            "parent": a.parent.code if a.parent else None,
            "geometry": a.geometry,
        }
        for a in areas
    ]


def _organisation(org) -> dict:
    out = _plain(org, shape.ORGANISATION[1])
    out["footprint"] = [
        {"area": f.area.code, "client_share": f.client_share}
        for f in org.footprint.select_related("area").order_by("area__code")
    ]
    out["populations"] = [
        {"population": p.population.slug, "share": p.share}
        for p in org.populations_served.select_related("population").order_by("population__slug")
    ]
    out["programmes"] = [_plain(p, shape.PROGRAMME[1]) for p in org.programmes.order_by("name")]
    out["contacts"] = [_plain(c, shape.CONTACT[1]) for c in org.contacts.order_by("name")]
    return out


def _work_began(obj) -> str | dict | None:
    """When the work began (the baseline forecast's start), or None."""
    return period_text(obj.work_began) if obj.work_began_id else None


def _result(result) -> dict:
    out = _plain(result, shape.RESULT[1])
    out["work_began"] = _work_began(result)
    out["focus_areas"] = sorted(result.focus_areas.values_list("code", flat=True))
    out["populations"] = sorted(
        result.target_populations.values_list("population__slug", flat=True)
    )
    out["seats"] = [
        {"organisation": s.organisation.slug, **_plain(s, shape.SEAT[1])}
        for s in result.seats.select_related("organisation").order_by(
            "organisation__slug", "role", "joined", "left"
        )
    ]
    # Partners' performance measures are indicators too, but they belong to commitments,
    # which are the table's work rather than the collaborative's definition.
    out["indicators"] = [
        _indicator(i)
        for i in result.indicators.population()
        .select_related("baseline_period", "work_began")
        .order_by("order", "name", "slug")
    ]
    return out


def _indicator(ind) -> dict:
    out = _plain(ind, shape.INDICATOR[1])
    out["work_began"] = _work_began(ind)
    out["stewards"] = sorted(ind.stewards.values_list("slug", flat=True))
    out["dimensions"] = sorted(ind.dimensions.values_list("slug", flat=True))
    out["baseline"] = (
        {"period": period_text(ind.baseline_period), "value": ind.baseline_value}
        if ind.baseline_period_id is not None or ind.baseline_value is not None
        else None
    )
    if out["baseline"] and ind.baseline_period_id is None:
        out["baseline"]["period"] = None
    out["targets"] = [
        {"period": period_text(t.period), **_plain(t, shape.TARGET[1])}
        for t in ind.targets.select_related("period").order_by("period__start", "period__end")
    ]
    out["sectors_needed"] = [
        _plain(s, shape.SECTOR_NEEDED[1]) for s in ind.sectors_needed.order_by("sector")
    ]
    return out


def _strategy(strategy) -> dict:
    out = _plain(strategy, shape.STRATEGY[1])
    out["start_period"] = period_text(strategy.start_period) if strategy.start_period else None
    out["owners"] = sorted(strategy.owners.values_list("slug", flat=True))
    out["indicators"] = sorted(strategy.indicators.values_list("slug", flat=True))
    out["areas"] = sorted(strategy.areas.values_list("code", flat=True))
    return out


def _source(source, path: str, warnings: list[str]) -> dict:
    out = _plain(source, shape.SOURCE[1])
    settings = {}
    for key, value in (source.settings or {}).items():
        if shape.is_secret_setting(key) and value:
            warnings.append(
                f"{path}.settings.{key}: a secret, not exported; "
                f"name an environment variable with {key}_env instead"
            )
            continue
        if isinstance(value, str) and shape.redact_url(value) != value:
            warnings.append(
                f"{path}.settings.{key}: a key in the URL's query, exported as ***; "
                "a later apply of this file keeps the stored one"
            )
            value = shape.redact_url(value)
        settings[key] = value
    out["settings"] = settings
    out["organisation"] = source.organisation.slug if source.organisation_id else None
    return out


class _Dumper(yaml.SafeDumper):
    """Block style, except short lists of plain values (slugs, coordinates) on one line."""


def _represent_list(dumper, items):
    flat = all(not isinstance(i, dict) for i in items) and all(
        not isinstance(i, list) or all(not isinstance(j, dict) for j in i) for i in items
    )
    return dumper.represent_sequence(
        "tag:yaml.org,2002:seq", items, flow_style=bool(items) and flat
    )


_Dumper.add_representer(list, _represent_list)

HEADER = (
    "# civicloop configuration: a collaborative's whole definition (not its observations).\n"
    "# Apply it with: civicloop config apply FILE [--dry-run]\n"
    "# Described by the JSON Schema printed by: civicloop config schema\n"
)


def dump_yaml(data: dict) -> str:
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return HEADER + body
