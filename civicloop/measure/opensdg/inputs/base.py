"""The one interface every Open SDG layout reader has, as sdg-build's ``inputs/`` do: an
input is told where its files are (a glob, relative to the repository) and adds what it
reads to a `Repository`. Adding a layout is adding a reader; the importer never changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from civicloop.measure.opensdg.repository import Repository


class Input:
    """Reads the files matching ``pattern`` into the repository, one at a time."""

    pattern = ""

    def __init__(self, pattern: str | None = None, **options: Any) -> None:
        self.pattern = pattern or self.pattern
        self.options = options

    def paths(self, repo: Repository) -> list[Path]:
        return sorted(p for p in repo.folder.glob(self.pattern) if p.is_file())

    def read(self, repo: Repository) -> None:
        for path in self.paths(repo):
            self.read_file(repo, path, path.relative_to(repo.folder).as_posix())

    def read_file(self, repo: Repository, path: Path, name: str) -> None:
        raise NotImplementedError


def indicator_id(path: Path) -> str:
    """``indicator_1-1-1.csv`` and ``1-1-1.md`` both name indicator ``1-1-1``."""
    return path.stem.removeprefix("indicator_")
