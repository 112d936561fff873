"""The one interface every connector shares.

A connector knows one kind of portal. ``fetch`` reads the source's ``settings``, asks the
portal for every page through `Http` (which retries), and returns the whole table in a
`FetchResult`; it writes nothing. With ``first_page=True`` it stops after the first page:
the set-up page's "test" button previews a source that way, through the same requests. ``measure.refresh`` turns that table into a file and
hands it to ``load_file``, so a refresh is archived, validated and applied like an upload.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from civicloop.measure.connectors.http import Http, HttpError

if TYPE_CHECKING:
    from civicloop.measure.models import Source


class FetchError(Exception):
    """A fetch that cannot complete; the message is one line for the person who set it up."""


@dataclass
class FetchResult:
    """Everything one refresh fetched, as a table of text, before anything is loaded."""

    dataset: str  # names the fetched file: a dataset id, resource id, table or file name
    columns: list[str]
    rows: list[list[str]]
    raw: bytes | None = None  # the exact bytes, when the source is a single file
    mapping: dict | None = None  # overrides the source's mapping (adapters that reshape)
    skipped: list[str] = field(default_factory=list)  # fetched, not loadable, and why
    pages: int = 1

    def __len__(self) -> int:
        return len(self.rows)


class Connector:
    """One kind of source. Subclasses set ``kind`` and ``required`` and define ``fetch``."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    required: ClassVar[tuple[str, ...]] = ()  # settings that must be present

    def fetch(self, source: Source, http: Http, *, first_page: bool = False) -> FetchResult:
        raise NotImplementedError

    def explain(self, error: HttpError) -> str:
        """One line for an error status; adapters read their portal's error body."""
        detail = error.text()
        return f"{error}: {detail}" if detail else str(error)

    def run(self, source: Source, http: Http, *, first_page: bool = False) -> FetchResult:
        """Check the settings, fetch, and turn the portal's errors into `FetchError`."""
        missing = [name for name in self.required if not source.settings.get(name)]
        if missing:
            raise FetchError(
                f"{self.kind} source {source.name!r} needs setting(s): {', '.join(missing)}"
            )
        try:
            return self.fetch(source, http, first_page=first_page)
        except HttpError as exc:
            raise FetchError(self.explain(exc)) from None


def secret(settings: Mapping[str, Any], name: str) -> str | None:
    """A token from settings, or from the environment variable named by ``<name>_env``.

    The environment form keeps keys out of the database (and out of backups and exports).
    """
    env = settings.get(f"{name}_env")
    if env:
        value = os.environ.get(str(env))
        if not value:
            raise FetchError(f"environment variable {env} (for {name}) is not set")
        return value
    value = settings.get(name)
    return str(value) if value else None


def cell(value: Any) -> str:
    """A JSON value as the text of one CSV cell; nested values stay JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def records_to_table(
    records: Iterable[Mapping[str, Any]], columns: Iterable[str] = ()
) -> tuple[list[str], list[list[str]]]:
    """Objects → header and rows. Portals omit null fields, so the header is the union of
    keys, in the order given first (``columns``) and then as first seen."""
    records = list(records)
    header = list(dict.fromkeys(columns))
    seen = set(header)
    for record in records:
        for key in record:
            if key not in seen:
                seen.add(key)
                header.append(key)
    return header, [[cell(record.get(name)) for name in header] for record in records]


def positive_int(settings: Mapping[str, Any], name: str, default: int) -> int:
    value = settings.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise FetchError(f"setting {name} must be a whole number, not {value!r}") from None
    if number < 1:
        raise FetchError(f"setting {name} must be at least 1")
    return number
