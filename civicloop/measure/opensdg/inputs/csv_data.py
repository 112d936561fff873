"""``data/indicator_1-1-1.csv``: ``Year``, ``Value`` and any other columns (sdg-build's
``InputCsvData``). Rows are kept as text, cell for cell, so what comes in can go out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from civicloop.measure.opensdg.inputs.base import Input, indicator_id
from civicloop.measure.opensdg.repository import ImportProblem, Repository, read_text


class CsvData(Input):
    pattern = "data/*-*.csv"

    def read(self, repo: Repository) -> None:
        if self.options.get("column_map") or self.options.get("code_map"):
            repo.notes.append(
                "config_data.yml: column_map/code_map are not applied; columns and values are "
                "kept as the data files publish them"
            )
        super().read(repo)

    def read_file(self, repo: Repository, path: Path, name: str) -> None:
        item = repo.indicator(indicator_id(path))
        item.data_file, item.data_path = name, path
        header = next(csv.reader(io.StringIO(read_text(path), newline="")), None)
        if header is None:
            item.rows = []
            repo.problems.append(ImportProblem(name, None, "", "the data file is empty"))
            return
        item.columns = [h.strip() for h in header]  # the rows are read when needed
        for column in ("Year", "Value"):
            if column not in item.columns:
                repo.problems.append(ImportProblem(name, 1, column, f"no {column} column"))
