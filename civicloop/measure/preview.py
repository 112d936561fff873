"""What a connector source would bring in, before anything is saved or loaded.

The set-up page's "test" button asks for the first page only, through the connector's own
`run` and the same `Http` a refresh uses (so the same address checks, headers and error
messages), then applies the source's column mapping to it exactly as a load would. The
person sees the rows as fetched, which column became which field, the first rows in
civicloop's long format, and any indicator or area the collaborative does not have, while
the source may still be an unsaved draft. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from civicloop.measure.connectors import FetchError, Http, NetworkError, RetryPolicy, connector_for
from civicloop.measure.mapping import FIELDS, Mapping, MappingError, apply
from civicloop.measure.models import Source

PREVIEW_ROWS = 20
# A person waits for the answer: fewer, shorter tries than a scheduled refresh.
PREVIEW_POLICY = RetryPolicy(attempts=2, base_delay=0.5, max_delay=2.0, timeout=20.0)


@dataclass
class Preview:
    error: str = ""  # the fetch failed: why, in one line
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # the first rows, as fetched
    fetched: int = 0  # rows on the first page
    skipped: list[str] = field(default_factory=list)
    mapping_error: str = ""
    mapped_from: list[tuple[str, str]] = field(default_factory=list)  # (field, source column)
    mapped_fields: list[str] = field(default_factory=list)
    mapped_rows: list[list[str]] = field(default_factory=list)
    unknown_indicators: list[str] = field(default_factory=list)
    unknown_areas: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.error or self.mapping_error)


def preview(source: Source, *, policy: RetryPolicy | None = None) -> Preview:
    """Fetch the first page of ``source`` (saved or not) and map it; never raises for a
    portal's or a mapping's problem, which is reported on the `Preview`."""
    http = Http(policy or PREVIEW_POLICY)
    try:
        result = connector_for(source).run(source, http, first_page=True)
    except (FetchError, NetworkError) as exc:
        return Preview(error=str(exc))
    except ValueError as exc:  # an address the connectors refuse to call, a bad setting
        return Preview(error=str(exc))
    shown = Preview(
        columns=list(result.columns),
        rows=[list(r) for r in result.rows[:PREVIEW_ROWS]],
        fetched=len(result.rows),
        skipped=list(result.skipped[:PREVIEW_ROWS]),
    )
    try:
        mapping = Mapping.from_json(
            result.mapping if result.mapping is not None else source.mapping
        )
        _map(shown, result.columns, result.rows[:PREVIEW_ROWS], mapping)
    except MappingError as exc:
        shown.mapping_error = str(exc)
    _check_names(shown, source)
    return shown


def _map(shown: Preview, header: list[str], rows: list[list[str]], mapping: Mapping) -> None:
    # A short row has empty cells at its end, as a CSV reader gives them.
    columns = {
        name: pa.array([(row[i] if i < len(row) else None) for row in rows], type=pa.string())
        for i, name in enumerate(header)
    }
    table = apply(header, columns, mapping)
    shown.mapped_fields = [f for f in FIELDS if f in table.fields]
    for name in shown.mapped_fields:
        origin = table.origin.get(name)
        if isinstance(origin, np.ndarray):
            origin = "each of: " + ", ".join(dict.fromkeys(str(o) for o in origin))
        shown.mapped_from.append((name, str(origin)))
    values = {name: table.fields[name].to_pylist() for name in shown.mapped_fields}
    shown.mapped_rows = [
        ["" if values[name][i] is None else str(values[name][i]) for name in shown.mapped_fields]
        for i in range(min(len(table), PREVIEW_ROWS))
    ]


def _check_names(shown: Preview, source: Source) -> None:
    """Name the indicators and areas in the preview that the collaborative does not have,
    matched as a load matches them (`validate.Catalogue`): the load would refuse those rows,
    so it is better to know now."""
    from civicloop.measure.validate import Catalogue

    if not shown.mapped_rows:
        return
    catalogue = Catalogue(source.collaborative)
    position = {name: i for i, name in enumerate(shown.mapped_fields)}
    indicators = {r[position["indicator"]] for r in shown.mapped_rows} - {""}
    areas = {r[position["area"]] for r in shown.mapped_rows} - {""}
    shown.unknown_indicators = sorted(
        i for i in indicators if i.lower() not in catalogue.indicators
    )
    shown.unknown_areas = sorted(a for a in areas if a.lower() not in catalogue.areas)
