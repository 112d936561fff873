"""The JSON Schema of the configuration file, generated from the models it describes.

Editors (VS Code's YAML extension, JetBrains) use it for completion and checks while a
file is written; ``apply`` does its own checking with the models' ``full_clean()``. The
schema is generated, never edited: ``schema.json`` beside this module is the checked-in
copy, and a test fails when it no longer equals `configuration_schema()`.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from civicloop.core.configuration import shape

_STRINGS = (models.CharField, models.TextField)
_POSITIVE = (
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


def _field_schema(field: models.Field) -> dict[str, Any]:
    out: dict[str, Any]
    if field.choices:
        out = {"enum": [value for value, _ in field.flatchoices]}
    elif isinstance(field, models.BooleanField):
        out = {"type": "boolean"}
    elif isinstance(field, models.FloatField):
        out = {"type": "number"}
    elif isinstance(field, models.IntegerField):
        out = {"type": "integer"}
        if isinstance(field, _POSITIVE):
            out["minimum"] = 0
    elif isinstance(field, models.DateField):
        out = {"type": "string", "format": "date"}
    elif isinstance(field, models.JSONField):
        out = {}
    elif isinstance(field, _STRINGS):
        out = {"type": "string"}
        if field.max_length:
            out["maxLength"] = field.max_length
        if isinstance(field, models.SlugField):
            out["pattern"] = "^[-a-zA-Z0-9_]+$"
        elif isinstance(field, models.URLField):
            out["format"] = "uri"
        elif isinstance(field, models.EmailField):
            out["format"] = "email"
    else:  # pragma: no cover - a new field type must be described here first
        raise TypeError(f"no schema for {field!r}")
    if field.blank and out.get("format") in ("uri", "email"):
        out["anyOf"] = [{"format": out.pop("format")}, {"const": ""}]
    if field.null and "type" in out:
        out["type"] = [out["type"], "null"]
    elif field.null and "enum" in out:
        out["enum"] = [*out["enum"], None]
    description = str(field.help_text or field.verbose_name)
    return {"description": description[:1].upper() + description[1:], **out}


def _required(field: models.Field) -> bool:
    return not field.blank and not field.has_default() and not field.null


def _section(spec, extra: dict[str, Any] | None = None, required=()) -> dict[str, Any]:
    model = shape.model(spec[0])
    props = {}
    need = list(required)
    for name in spec[1]:
        field = model._meta.get_field(name)
        props[name] = _field_schema(field)
        if _required(field) and name not in need:
            need.append(name)
    props.update(extra or {})
    out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": props}
    if need:
        out["required"] = need
    return out


def _list(item: dict, description: str) -> dict:
    return {"description": description, "type": "array", "items": item}


def _refs(description: str) -> dict:
    return _list({"type": "string"}, description)


def _ref(description: str, nullable: bool = True) -> dict:
    return {"description": description, "type": ["string", "null"] if nullable else "string"}


def configuration_schema() -> dict[str, Any]:
    """The schema of the file ``civicloop config export`` writes and ``config apply`` reads."""
    period = {"$ref": "#/$defs/period"}
    geometry = {
        "description": "GeoJSON geometry (Polygon or MultiPolygon), or null.",
        "type": ["object", "null"],
        "properties": {"type": {"type": "string"}, "coordinates": {"type": "array"}},
    }
    target = _section(shape.TARGET, {"period": period}, required=["period", "value"])
    indicator = _section(
        shape.INDICATOR,
        {
            "work_began": {
                "description": "When the work began: the baseline forecast is fitted to the "
                "values before this period (null: not said here).",
                "anyOf": [period, {"type": "null"}],
            },
            "stewards": _refs(
                "Slugs of the organisations that own its numbers and alone write them."
            ),
            "dimensions": _refs("Slugs of the dimensions it is disaggregated by."),
            "baseline": {
                "description": "The baseline: a period and the value then, or null.",
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {
                    "period": {"anyOf": [period, {"type": "null"}]},
                    "value": {"type": ["number", "null"]},
                },
            },
            "targets": _list(target, "Every target, interim and final, each with its period."),
            "sectors_needed": _list(
                _section(shape.SECTOR_NEEDED), "Sectors whose work moves this indicator."
            ),
        },
        required=["slug"],
    )
    indicator["properties"]["progress_options"].update(type="array", items={"type": "object"})
    indicator["properties"]["computation"]["type"] = ["object", "null"]
    seat = _section(
        shape.SEAT, {"organisation": _ref("Organisation slug.", nullable=False)},
        required=["organisation", "joined"],
    )  # fmt: skip
    result = _section(
        shape.RESULT,
        {
            "work_began": {
                "description": "When the work began: the baseline forecast is fitted to the "
                "values before this period (null: not said here).",
                "anyOf": [period, {"type": "null"}],
            },
            "focus_areas": _refs("Codes of the areas the result focuses on."),
            "populations": _refs("Slugs of the populations the result is about."),
            "seats": _list(seat, "Organisations at this result's table."),
            "indicators": _list(indicator, "The indicators that show the result, in order."),
        },
        required=["slug"],
    )
    area = _section(shape.AREA, {"parent": _ref("Code of the parent area, or null.")})
    area["properties"]["geometry"] = geometry
    dimension = _section(
        shape.DIMENSION,
        {"groups": _list(_section(shape.GROUP), "The dimension's groups, in order.")},
    )
    organisation = _section(
        shape.ORGANISATION,
        {
            "footprint": _list(
                {
                    **_section(shape.FOOTPRINT, {"area": _ref("Area code.", nullable=False)}),
                    "required": ["area"],
                },  # fmt: skip
                "Areas it serves, with its share of clients in each.",
            ),
            "populations": _list(
                {
                    **_section(
                        shape.POPULATION_SERVED,
                        {"population": _ref("Population slug.", nullable=False)},
                    ),
                    "required": ["population"],
                },  # fmt: skip
                "Populations it serves.",
            ),
            "programmes": _list(_section(shape.PROGRAMME), "What it runs for families."),
            "contacts": _list(_section(shape.CONTACT), "People at the organisation."),
        },
    )
    strategy = _section(
        shape.STRATEGY,
        {
            "start_period": {"anyOf": [period, {"type": "null"}]},
            "owners": _refs("Slugs of the organisations that run it."),
            "indicators": _refs("Slugs of the indicators it should move."),
            "areas": _refs("Codes of the areas it runs in."),
        },
    )
    source = _section(
        shape.SOURCE, {"organisation": _ref("Slug of the organisation it comes from, or null.")}
    )
    source["properties"]["settings"].update(
        type="object",
        description="The connector's settings. Keys and tokens never appear here: name an "
        "environment variable instead (api_key_env, app_token_env, key_env).",
    )
    source["properties"]["mapping"]["type"] = "object"
    membership = _section(
        shape.MEMBERSHIP,
        {
            "username": _ref("The person's login name.", nullable=False),
            "organisation": _ref("Slug of the organisation a partner member speaks for."),
        },
        required=["username"],
    )
    collaborative = _section(
        shape.COLLABORATIVE,
        {
            "network": {"anyOf": [_section(shape.NETWORK), {"type": "null"}]},
            "work_began": {
                "description": "When the collaborative's work began: each indicator's "
                "baseline forecast is fitted to the values before this period, unless the "
                "indicator or its result says otherwise (null: not said).",
                "anyOf": [period, {"type": "null"}],
            },
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "civicloop configuration",
        "description": "A collaborative's whole definition (not its observations), as written "
        "by 'civicloop config export' and read by 'civicloop config apply'.",
        "type": "object",
        "additionalProperties": False,
        "required": ["collaborative"],
        "properties": {
            "version": {"const": shape.FORMAT_VERSION},
            "collaborative": collaborative,
            "areas": _list(area, "Places measured; a parent before its children."),
            "dimensions": _list(dimension, "Disaggregation dimensions and their groups."),
            "organisations": _list(organisation, "Partner organisations and their footprint."),
            "results": _list(result, "Results, in order, with their indicators."),
            "strategies": _list(strategy, "Strategies the table runs as experiments."),
            "sources": _list(source, "Where data comes from: files and connectors."),
            "memberships": _list(membership, "People's roles (never passwords)."),
        },
        "$defs": {
            "period": {
                "description": "A period label (2030, 2029-30, 2025-Q1, 2025-03-01), or "
                "label and kind when the label alone reads as another kind.",
                "anyOf": [
                    {"type": ["string", "integer"]},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["label", "kind"],
                        "properties": {
                            "label": {"type": "string"},
                            "kind": {
                                "enum": ["year", "school_year", "quarter", "month", "week", "day"]
                            },
                        },
                    },
                ],
            }
        },
    }
