"""``csv-meta/1-1-1.csv``: two columns, a field's label and its value, one field a row
(sdg-build's ``InputCsvMeta``). ``metadata_mapping`` (e.g. ``metadata-mapping.csv``) turns
labels such as "Unit of measurement" into keys such as ``computation_units``; a label it
does not map is dropped, as sdg-build drops it. Empty values are no value."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from civicloop.measure.opensdg.inputs.base import Input, indicator_id
from civicloop.measure.opensdg.repository import Repository, read_text


class CsvMeta(Input):
    pattern = "csv-meta/*-*.csv"

    def read(self, repo: Repository) -> None:
        mapping = self.options.get("metadata_mapping")
        self.mapping: dict[str, str] | None = None
        if mapping and (repo.folder / mapping).is_file():
            pairs = csv.reader(io.StringIO(read_text(repo.folder / mapping), newline=""))
            self.mapping = {r[0].strip(): r[1].strip() for r in pairs if len(r) >= 2 and r[1]}
        elif mapping:
            repo.notes.append(f"{mapping}: the metadata mapping named in config is missing")
        super().read(repo)

    def read_file(self, repo: Repository, path: Path, name: str) -> None:
        meta = {}
        for row in csv.reader(io.StringIO(read_text(path), newline="")):
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                continue
            label = row[0].strip()
            key = self.mapping.get(label) if self.mapping is not None else label
            if key:
                meta[key] = row[1]
        repo.indicator(indicator_id(path)).add_meta(meta, name)
