"""Reading area boundaries from a GeoJSON FeatureCollection, with no Django in it.

City open-data portals offer boundaries as GeoJSON: one feature per neighbourhood, ward
or tract, whose properties carry a code and a name under names that differ from portal
to portal (``GEOID``, ``ward_id``, ``NAME``...). So the reader first lists the property
names found, the person picks the code and the name, and only then is every feature
checked. Every problem is reported with the feature's number (1 = the first feature),
all of them at once, so a file is fixed in one pass and imported all or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SHAPES = ("Polygon", "MultiPolygon")
MAX_FEATURES = 5000
MAX_PROBLEMS = 50


class GeoJSONError(ValueError):
    """The file cannot be imported; ``problems`` says why, feature by feature."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Boundary:
    number: int  # 1-based position of the feature in the file
    code: str
    name: str
    geometry: dict[str, Any]


def read_collection(data: bytes) -> dict[str, Any]:
    """The parsed FeatureCollection, or GeoJSONError."""
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise GeoJSONError(["The file is not UTF-8 text."]) from None
    except json.JSONDecodeError as error:
        raise GeoJSONError([f"The file is not JSON: {error}."]) from None
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise GeoJSONError(["The file is not a GeoJSON FeatureCollection."])
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise GeoJSONError(["The FeatureCollection has no features."])
    if len(features) > MAX_FEATURES:
        raise GeoJSONError([f"The file has {len(features):,} features; at most {MAX_FEATURES:,}."])
    crs = ((collection.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and not crs.upper().endswith(("CRS84", "4326")):
        raise GeoJSONError(
            [f"The file is in {crs}; boundaries must be longitude/latitude (WGS 84)."]
        )
    return dict(collection)


def property_names(collection: Mapping[str, Any]) -> list[str]:
    """Every property name of the features, in the order first met."""
    names: dict[str, None] = {}
    for feature in collection["features"]:
        properties = (feature or {}).get("properties") if isinstance(feature, Mapping) else None
        if isinstance(properties, Mapping):
            names.update(dict.fromkeys(str(k) for k in properties))
    return list(names)


def guess(names: list[str], *wanted: str) -> str:
    """The first property whose lower-cased name is one of ``wanted``, else ''."""
    lowered = {n.lower(): n for n in names}
    return next((lowered[w] for w in wanted if w in lowered), "")


def boundaries(
    collection: Mapping[str, Any], code_property: str, name_property: str
) -> list[Boundary]:
    """Each feature as a boundary; GeoJSONError listing every problem found."""
    import shapely.geometry
    from shapely.validation import explain_validity

    problems: list[str] = []
    found: list[Boundary] = []
    first_with: dict[str, int] = {}
    for number, feature in enumerate(collection["features"], start=1):
        where = f"Feature {number}"
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            problems.append(f"{where}: not a GeoJSON Feature.")
            continue
        properties = feature.get("properties") or {}
        code = _text(properties.get(code_property))
        name = _text(properties.get(name_property))
        if not code:
            problems.append(f"{where}: no {code_property!r} property for its code.")
        elif len(code) > 64:
            problems.append(f"{where}: the code {code[:20]!r}... is longer than 64 characters.")
        elif code in first_with:
            problems.append(f"{where}: code {code!r} is also feature {first_with[code]}'s.")
        else:
            first_with[code] = number
        if not name:
            problems.append(f"{where}: no {name_property!r} property for its name.")
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, Mapping) else None
        if kind not in SHAPES:
            problems.append(
                f"{where}: a {kind or 'missing'} geometry, not a Polygon or MultiPolygon."
            )
            continue
        try:
            shape = shapely.geometry.shape(geometry)
        except (ValueError, TypeError, IndexError, AttributeError) as error:
            problems.append(f"{where}: bad coordinates ({error}).")
            continue
        west, south, east, north = shape.bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            problems.append(f"{where}: coordinates are not longitude/latitude (a projected file?).")
        elif not shape.is_valid:
            problems.append(f"{where}: an invalid polygon ({explain_validity(shape)}).")
        if code and name:
            found.append(Boundary(number, code, name[:200], dict(geometry)))
        if len(problems) >= MAX_PROBLEMS:
            problems.append("... and perhaps more: fix these first.")
            break
    if problems:
        raise GeoJSONError(problems)
    return found


def _text(value: Any) -> str:
    if value is None or isinstance(value, Mapping | list):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric code read as 1.0 is the code "1"
    return str(value).strip()
