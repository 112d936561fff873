"""US Census Data API, for American Community Survey estimates with their margins of error.

Settings::

    {"year": 2022, "dataset": "acs/acs5", "geography": "tract",
     "within": {"state": "34", "county": "013"},
     "variables": {"B19013_001E": "median-household-income",
                   "B17001_002E": {"indicator": "people-in-poverty", "moe": "B17001_002M"}},
     "areas": {"34013000100": "n-harbor"}, "period": "2022", "key_env": "CENSUS_API_KEY"}

asks ``{base_url}/{year}/{dataset}?get=NAME,<estimates>,<margins>&for=tract:*&in=state:34
county:013&key=...``. Each estimate variable (``..E``) is loaded as the value of its
indicator with the matching margin (``..M``) at 90% confidence, which is how the ACS
publishes them.

Areas: a row's GEOID is its geography codes joined (state+county+tract for a tract,
state+place for a place, state+county for a county). With ``areas``, only the GEOIDs listed
are loaded, under the civicloop area code given; without it, the GEOID is the area code
(give tract areas their GEOID as ``Area.code``) and only GEOIDs that are areas of the
collaborative are loaded. The rest are reported as skipped, with a count.

Period: the ACS 5-year estimate for 2018-2022 is labelled ``2022`` (its last year), the
usual convention; ``period`` overrides it.

Annotation values: the API writes -666666666, -999999999, -888888888 (and the like) where
an estimate or margin cannot be published. They are never numbers: a row whose estimate is
annotated is skipped with the reason; an annotated margin leaves the margin empty, except
-555555555 ("controlled": the estimate has no sampling error), which is a margin of 0.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from civicloop.measure.connectors.base import Connector, FetchError, FetchResult, secret
from civicloop.measure.connectors.http import Http, HttpError

if TYPE_CHECKING:
    from civicloop.measure.models import Source

BASE_URL = "https://api.census.gov/data"
ACS_CONFIDENCE = "0.90"
ANNOTATION = re.compile(r"^-(\d)\1{8}(\.0+)?$")  # -111111111 ... -999999999
ANNOTATIONS = {
    "-999999999": "too few sample observations to compute it",
    "-888888888": "not applicable or not available",
    "-666666666": "too few sample observations to compute an estimate",
    "-555555555": "the estimate is controlled (no sampling error)",
    "-333333333": "the median is in an open-ended interval",
    "-222222222": "too few sample observations to compute a margin of error",
}
CONTROLLED = "-555555555"
COLUMNS = [
    "indicator",
    "area",
    "period",
    "value",
    "margin_of_error",
    "confidence_level",
    "geoid",
    "name",
    "variable",
]


class Census(Connector):
    kind = "census"
    label = "US Census Data API (ACS)"
    required = ("year", "geography", "variables")

    def fetch(self, source: Source, http: Http, *, first_page: bool = False) -> FetchResult:
        # One request fetches everything, so the first page is the whole table.
        settings = source.settings
        variables = _variables(settings["variables"])
        table = self._get(settings, variables, http)
        areas = settings.get("areas") or _collaborative_areas(source)
        period = str(settings.get("period") or settings["year"])
        rows, skipped = _long_rows(table, variables, areas, period, bool(settings.get("areas")))
        dataset = f"{settings.get('dataset', 'acs/acs5').replace('/', '-')}-{settings['year']}"
        return FetchResult(dataset, list(COLUMNS), rows, mapping={}, skipped=skipped)

    def _get(self, settings: dict, variables: dict[str, tuple[str, str | None]], http: Http):
        url = f"{settings.get('base_url', BASE_URL).rstrip('/')}/{settings['year']}/"
        url += str(settings.get("dataset", "acs/acs5")).strip("/")
        wanted = ["NAME"] + [v for est, (_i, moe) in variables.items() for v in (est, moe) if v]
        within = settings.get("within") or {}
        params = {
            "get": ",".join(dict.fromkeys(wanted)),
            "for": f"{settings['geography']}:{settings.get('codes', '*')}",
            "in": " ".join(f"{k}:{v}" for k, v in within.items()) or None,
            "key": secret(settings, "key"),
        }
        response = http.get(url, params)
        if response.status == 204:  # the API's answer when no geography matches
            return []
        table = response.json()
        if not (isinstance(table, list) and table and isinstance(table[0], list)):
            raise FetchError("the Census API did not answer with a table (a list of rows)")
        return table

    def explain(self, error: HttpError) -> str:
        # The API answers errors as plain text ("error: unknown variable 'X'"), or as an
        # HTML page for a bad key.
        text = error.text()
        if "<" in text:
            text = "invalid request (check the key, year, dataset and geography)"
        while text.lower().startswith("error:"):
            text = text[len("error:") :].strip()
        return f"Census API answered {error.status}: {text}"


def _variables(raw: Any) -> dict[str, tuple[str, str | None]]:
    """Estimate variable → (indicator slug, margin variable or None)."""
    if not isinstance(raw, dict) or not raw:
        raise FetchError("census setting variables must map estimate variables to indicators")
    out: dict[str, tuple[str, str | None]] = {}
    for name, spec in raw.items():
        if isinstance(spec, str):
            spec = {"indicator": spec}
        if not isinstance(spec, dict) or not spec.get("indicator"):
            raise FetchError(f"census variable {name} needs an indicator")
        default_moe = f"{name[:-1]}M" if name.endswith("E") else None
        out[name] = (str(spec["indicator"]), spec.get("moe", default_moe))
    return out


def _collaborative_areas(source: Source) -> dict[str, str]:
    from civicloop.results.models import Area

    codes = Area.objects.filter(collaborative_id=source.collaborative_id).values_list(
        "code", flat=True
    )
    return {code: code for code in codes}


def _long_rows(
    table: list[list[Any]],
    variables: dict[str, tuple[str, str | None]],
    areas: dict[str, str],
    period: str,
    explicit_areas: bool,
) -> tuple[list[list[str]], list[str]]:
    if not table:
        return [], []
    header = [str(h) for h in table[0]]
    position = {name: i for i, name in enumerate(header)}
    missing = [v for est, (_i, moe) in variables.items() for v in (est, moe) if v]
    missing = [v for v in missing if v not in position]
    if missing:
        raise FetchError(f"the Census API answer has no column(s) {', '.join(missing)}")
    requested = {"NAME", *variables, *(m for _i, m in variables.values() if m)}
    geo_columns = [i for i, name in enumerate(header) if name not in requested]
    rows: list[list[str]] = []
    skipped: list[str] = []
    outside: list[str] = []
    for record in table[1:]:
        values = ["" if v is None else str(v) for v in record]
        geoid = "".join(values[i] for i in geo_columns)
        area = areas.get(geoid)
        if area is None:
            outside.append(geoid)
            continue
        name = values[position["NAME"]] if "NAME" in position else ""
        for estimate, (indicator, moe_name) in variables.items():
            value = values[position[estimate]]
            if _annotated(value) or value == "":
                why = ANNOTATIONS.get(_canonical(value), "no estimate published")
                skipped.append(f"{estimate} for {geoid} ({name}): {value or 'empty'}, {why}")
                continue
            moe, note = _margin(values[position[moe_name]] if moe_name else "")
            if note:
                skipped.append(f"{moe_name} for {geoid} ({name}): {note}; value kept without it")
            level = ACS_CONFIDENCE if moe != "" else ""
            rows.append([indicator, area, period, value, moe, level, geoid, name, estimate])
    if outside:
        whose = "in this source's areas" if explicit_areas else "areas of the collaborative"
        sample = ", ".join(outside[:5]) + (", ..." if len(outside) > 5 else "")
        skipped.insert(0, f"{len(outside)} geographies not {whose}: {sample}")
    return rows, skipped


def _canonical(value: str) -> str:
    return value.split(".")[0]


def _annotated(value: str) -> bool:
    return bool(ANNOTATION.match(value.strip()))


def _margin(raw: str) -> tuple[str, str]:
    """The margin as text and, when it is an annotation, what it means."""
    raw = raw.strip()
    if not _annotated(raw):
        return raw, ""
    if _canonical(raw) == CONTROLLED:
        return "0", ""
    return "", f"{raw}, {ANNOTATIONS.get(_canonical(raw), 'no margin published')}"
