"""Which model fields each section of the configuration file carries, said once.

`export` writes these fields, `apply` reads them back (a key left out means the field's
default) and `schema` describes them; references between sections (an area's parent, an
indicator's stewards) are by slug or code and are handled by each module by name.
"""

from __future__ import annotations

import re

from civicloop.core.translated import OTHER_LANGUAGES, twins

FORMAT_VERSION = 1

# Section → (model label, the plain fields the file carries, in the file's order).
COLLABORATIVE = (
    "results.Collaborative",
    ["slug", "name", "city", "description", "is_public", "is_synthetic"],
)
NETWORK = ("results.Network", ["slug", "name", "description"])
AREA = ("results.Area", ["code", "name", "level", "custom_level", "geometry"])
DIMENSION = ("results.Dimension", ["slug", "name"])
GROUP = ("results.Group", ["slug", "name"])
ORGANISATION = (
    "table.Organisation",
    [
        "slug",
        "name",
        "sector",
        "ntee_code",
        "description",
        "website",
        "families_reached",
        "ein",
        "street",
        "city",
        "state",
        "zip_code",
        "latitude",
        "longitude",
        "income",
        "registry_source",
    ],
)
FOOTPRINT = ("table.OrganisationArea", ["client_share"])
POPULATION_SERVED = ("table.OrganisationPopulation", ["share"])
PROGRAMME = ("table.Programme", ["name", "description", "families_reached"])
CONTACT = ("table.Contact", ["name", "title", "email", "phone"])
RESULT = ("results.Result", ["slug", "title", "statement", "population"])
# Content kept in two languages carries its Spanish beside the English (``title_es``).
RESULT[1].extend(twins(*RESULT))
SEAT = ("table.Seat", ["role", "joined", "left"])
INDICATOR = (
    "results.Indicator",
    [
        "slug",
        "name",
        "definition",
        "unit",
        "unit_kind",
        "rate_per",
        "direction",
        "frequency",
        "decimals",
        "lower_bound",
        "upper_bound",
        "limit",
        "source",
        "data_lag_days",
        "expects_data",
        "is_survey",
        "is_public",
        "progress_options",
        "computation",
    ],
)
INDICATOR[1].extend(twins(*INDICATOR))
TARGET = ("results.Target", ["value", "note"])
SECTOR_NEEDED = ("table.IndicatorSector", ["sector", "why"])
STRATEGY = (
    "table.Strategy",
    [
        "slug",
        "name",
        "hypothesis",
        "kind",
        "status",
        "expected_change",
        "smallest_effect",
    ],
)
STRATEGY[1].extend(twins(*STRATEGY))
SOURCE = (
    "measure.Source",
    ["name", "kind", "settings", "mapping", "schedule_minutes", "auto_approve"],
)
MEMBERSHIP = ("core.Membership", ["role"])

# A connector's setting that holds a key or token (``api_key``, ``app_token``...). Such
# values never leave the database through an export: the file names the environment
# variable instead (``api_key_env``), which `connectors.base.secret` reads.
_SECRET = re.compile(r"(^|_)(key|token|secret|password)$", re.IGNORECASE)


def is_secret_setting(name: str) -> bool:
    return bool(_SECRET.search(name)) and not name.endswith("_env")


def model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def period_text(period) -> str | dict:
    """A period as the file writes it: its label, or label and kind when the label alone
    would be read as another kind (``2011-12`` is a school year unless it says month)."""
    from civicloop.results.periods import PeriodError, parse_period

    try:
        spec = parse_period(period.label)
    except PeriodError:
        spec = None
    if spec is not None and (spec.kind, spec.label) == (period.kind, period.label):
        return period.label
    return {"label": period.label, "kind": period.kind}


def redact_url(value: str) -> str:
    """A URL with the keys in its query string (``?api_key=...``) shown as ``***``."""
    if not value.startswith(("http://", "https://")) or "?" not in value:
        return value
    from civicloop.measure.connectors.http import redact

    return redact(value)


def is_twin(name: str) -> bool:
    """Whether a field is another language's twin of a translated one (``title_es``)."""
    return name.rsplit("_", 1)[-1] in OTHER_LANGUAGES and "_" in name
