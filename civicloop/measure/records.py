"""Raw records in, indicators out: the Django side of `civicloop.measure.compute`.

`register_table` archives a CSV or Parquet file of raw records and records its shape.
`compute_indicators` runs every indicator whose ``computation`` names a registered table,
on the engine asked for, and loads the resulting observations through `load_file`: the
computed numbers are archived, validated and revised like any partner's file, so one
number can be followed from a raw record to the public page.

The computation's cells map to civicloop's names as follows: the all-areas total goes to
the collaborative's top area (its city); other area values must be area codes or names;
each disaggregation column must be a dimension's slug or name and its values that
dimension's groups; records with no area or group value are counted in the totals only.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from civicloop.measure.loads import LoadError, LoadReport, archive, load_file, sha256_of
from civicloop.measure.models import RecordTable, Source
from civicloop.results.models import Area, Collaborative, Indicator
from civicloop.results.queries import top_area

ENGINE_NAMES = ("duckdb", "postgres", "spark")


class ComputeError(Exception):
    """An indicator cannot be computed; the message names it and says why."""


def register_table(path: Path | str, collaborative: Collaborative, name: str) -> RecordTable:
    """Archive a file of raw records and register it under ``name``."""
    import pyarrow.parquet as pq

    from civicloop.measure.compute.sources import as_source

    path = Path(path)
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise LoadError(f"{path.name}: raw records come as .csv or .parquet")
    digest = sha256_of(path)
    stored = archive(path, digest)
    if stored.suffix == ".parquet":
        schema = pq.read_schema(stored)
        rows = pq.read_metadata(stored).num_rows
        columns = {f.name: str(f.type) for f in schema}
    else:
        import duckdb

        with duckdb.connect() as db:
            relation = db.read_csv(str(stored))
            columns = dict(zip(relation.columns, map(str, relation.types), strict=True))
            rows = db.execute(f"SELECT count(*) FROM read_csv('{stored}')").fetchall()[0][0]
    as_source(stored, name)  # fails early, clearly, on a file the engines cannot read
    table, _ = RecordTable.objects.update_or_create(
        collaborative=collaborative,
        name=name,
        defaults={
            "original_name": path.name,
            "sha256": digest,
            "rows": rows,
            "columns": columns,
            "archive_path": str(stored.relative_to(settings.WORKSPACE.path)),
        },
    )
    return table


@dataclass
class Computed:
    indicator: Indicator
    report: LoadReport | None  # None: the computation matched no records, nothing to load
    rows: int
    skipped_missing: int


def _engine(name: str):
    if name == "postgres":
        if connection.vendor != "postgresql":
            raise ComputeError(
                "--engine postgres computes inside the PostgreSQL database civicloop uses; "
                "this workspace is on SQLite (set CIVICLOOP_DATABASE_URL)"
            )
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return (
            f"postgres://{auth}@{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{s['NAME']}"
        )
    if name not in ENGINE_NAMES:
        raise ComputeError(f"unknown engine {name!r}: use {', '.join(ENGINE_NAMES)}")
    return name


def compute_indicators(
    collaborative: Collaborative,
    *,
    only: list[str] | None = None,
    engine: str = "duckdb",
    user=None,
    dry_run: bool = False,
) -> list[Computed]:
    """Compute each indicator that has a computation (or those named in ``only``)."""
    from civicloop.measure.compute import DefinitionError, compute_many

    indicators = Indicator.objects.filter(
        result__collaborative=collaborative, computation__isnull=False
    )
    if only:
        indicators = indicators.filter(slug__in=only)
        missing = set(only) - set(indicators.values_list("slug", flat=True))
        if missing:
            raise ComputeError(f"no computed indicator named {', '.join(sorted(missing))}")
    by_table: dict[str, list[Indicator]] = {}
    for ind in indicators:
        by_table.setdefault(ind.computation.get("table", ""), []).append(ind)
    runner = _engine(engine)
    done: list[Computed] = []
    for table_name, group in by_table.items():
        table = RecordTable.objects.filter(collaborative=collaborative, name=table_name).first()
        if table is None:
            names = ", ".join(i.slug for i in group)
            raise ComputeError(
                f"{names}: no raw record table named {table_name!r} (civicloop records load)"
            )
        definitions = [
            _with_stored_boundaries({**ind.computation, "name": ind.slug}, collaborative)
            for ind in group
        ]
        try:
            results = compute_many(
                definitions, settings.WORKSPACE.path / table.archive_path, runner
            )
        except DefinitionError as exc:
            raise ComputeError(f"{', '.join(i.slug for i in group)}: {exc}") from None
        source, _ = Source.objects.get_or_create(
            collaborative=collaborative,
            name=f"computed from {table.name}",
            defaults={"kind": "computed"},
        )
        for ind, observations in zip(group, results, strict=True):
            with tempfile.TemporaryDirectory(prefix="civicloop-compute-") as folder:
                path, rows, skipped = _write_long_csv(ind, observations, collaborative, folder)
                report = None
                if rows:
                    report = load_file(
                        path,
                        collaborative,
                        source=source,
                        user=user,
                        dry_run=dry_run,
                        original_name=f"{ind.slug}-from-{table.name}.csv",
                    )
            done.append(Computed(ind, report, rows, skipped))
    return done


def _with_stored_boundaries(definition: dict, collaborative: Collaborative) -> dict:
    """A definition that places points but names no polygons gets the areas' boundaries.

    The areas used are those with a boundary and no sub-area with one (the neighbourhoods,
    not the city around them), so each point goes to the finest area that holds it; each
    is named by its code, which `load_file` maps back to the area.
    """
    area = definition.get("area")
    if not isinstance(area, dict) or area.get("column") or area.get("polygons"):
        return definition
    with_boundary = Area.objects.filter(collaborative=collaborative, geometry__isnull=False)
    parents = set(with_boundary.exclude(parent=None).values_list("parent_id", flat=True))
    leaves = [a for a in with_boundary.order_by("code") if a.pk not in parents]
    if not leaves:
        raise ComputeError(
            f"{definition['name']}: places records by latitude/longitude but names no polygons, "
            "and no area has a boundary yet (import them on the set-up pages' Areas)"
        )
    features = [
        {"type": "Feature", "properties": {"code": a.code}, "geometry": a.geometry} for a in leaves
    ]
    polygons = {"type": "FeatureCollection", "features": features}
    return {**definition, "area": {**area, "polygons": polygons, "name_property": "code"}}


def _write_long_csv(
    indicator: Indicator, observations, collaborative, folder: str
) -> tuple[Path, int, int]:
    from civicloop.measure.compute import ALL_AREAS, MISSING, TOTAL

    city = top_area(collaborative)
    is_rate = (indicator.computation or {}).get("measure") == "rate"
    path = Path(folder) / f"{indicator.slug}.csv"
    rows = skipped = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "indicator",
                "area",
                "dimension",
                "group",
                "period",
                "value",
                "numerator",
                "denominator",
            ]
        )
        for obs in observations:
            if obs["area"] == MISSING or obs["group"] == MISSING or obs["value"] is None:
                skipped += 1  # counted in the totals; there is no area or group to file it under
                continue
            area = city.code if obs["area"] == ALL_AREAS and city else obs["area"]
            headline = obs["dimension"] in (None, "", TOTAL) or obs["group"] in (None, TOTAL)
            # Numerator and denominator mean something for a rate only.
            parts = (obs["numerator"], obs["denominator"]) if is_rate else (None, None)
            writer.writerow(
                [
                    indicator.slug,
                    area,
                    "" if headline else obs["dimension"],
                    "" if headline else obs["group"],
                    obs["period"],
                    repr(float(obs["value"])),
                    *("" if v is None else v for v in parts),
                ]
            )
            rows += 1
    return path, rows, skipped
