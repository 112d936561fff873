"""The layout readers, registered in one place under sdg-build's class names, and
`read_repository`, which runs the ones a repository uses.

A repository's ``config_data.yml`` lists its ``inputs`` (class and ``path_pattern``) as
sdg-build reads them; without that list, sdg-build's defaults (``data/*-*.csv``,
``meta/*-*.md``) are read, and so is each other layout whose folder is there
(``global-meta/``, ``csv-meta/`` with ``metadata-mapping.csv``, ``meta/*.yml``,
``indicator-config/``). Metadata from several inputs is merged, later over earlier.
Translations (``translations/``) and boundaries (``geojson/``, ``map_layers``) come after.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from civicloop.measure.opensdg.inputs.base import Input
from civicloop.measure.opensdg.inputs.csv_data import CsvData
from civicloop.measure.opensdg.inputs.csv_meta import CsvMeta
from civicloop.measure.opensdg.inputs.geojson import GeoJson
from civicloop.measure.opensdg.inputs.translations import Translations
from civicloop.measure.opensdg.inputs.yaml_md_meta import YamlMdMeta
from civicloop.measure.opensdg.inputs.yaml_meta import YamlMeta
from civicloop.measure.opensdg.repository import OpenSdgError, Repository, read_text

INPUTS: dict[str, type[Input]] = {
    "InputCsvData": CsvData,
    "InputYamlMdMeta": YamlMdMeta,
    "InputYamlMeta": YamlMeta,
    "InputCsvMeta": CsvMeta,
}
FOLDERS = ("data", "meta", "global-meta", "csv-meta", "indicator-config")

__all__ = ["INPUTS", "Input", "read"]


def read(folder: Path | str) -> Repository:
    """Every indicator of the repository, its translations and boundaries, with the
    problems and notes met reading them."""
    repo = Repository(Path(folder).expanduser().resolve())
    if not any((repo.folder / name).is_dir() for name in FOLDERS):
        raise OpenSdgError(f"{repo.folder} has neither a data/ nor a meta/ folder")
    _read_config(repo)
    for reader in inputs_of(repo):
        reader.read(repo)
    Translations().read(repo)
    GeoJson().read(repo)
    return repo


def _read_config(repo: Repository) -> None:
    path = repo.folder / "config_data.yml"
    if not path.is_file():
        return
    try:
        config = yaml.safe_load(read_text(path)) or {}
    except yaml.YAMLError as exc:
        repo.notes.append(f"config_data.yml is not valid YAML ({exc.__class__.__name__}); ignored")
        return
    repo.config = config if isinstance(config, dict) else {}


def inputs_of(repo: Repository) -> list[Input]:
    """The readers ``config_data.yml`` names, or the defaults and the layouts present."""
    src = str(repo.config.get("src_dir") or "").strip("/")
    listed = repo.config.get("inputs")
    if isinstance(listed, list) and listed:
        readers = []
        for entry in listed:
            if not isinstance(entry, dict):
                continue
            kind = INPUTS.get(str(entry.get("class")))
            if kind is None:
                repo.notes.append(f"config_data.yml: input {entry.get('class')} is not read")
                continue
            options = {k: v for k, v in entry.items() if k not in ("class", "path_pattern")}
            pattern = entry.get("path_pattern")
            pattern = f"{src}/{pattern}" if src and pattern else pattern
            readers.append(kind(pattern, **options))
        return readers
    prefix = f"{src}/" if src else ""
    readers: list[Input] = [CsvData(f"{prefix}data/*-*.csv")]
    if (repo.folder / prefix / "global-meta").is_dir():
        readers.append(YamlMdMeta(f"{prefix}global-meta/*-*.md"))
    if (repo.folder / prefix / "csv-meta").is_dir():
        mapping = (
            "metadata-mapping.csv" if (repo.folder / "metadata-mapping.csv").is_file() else None
        )
        readers.append(CsvMeta(f"{prefix}csv-meta/*-*.csv", metadata_mapping=mapping))
    readers += [YamlMdMeta(f"{prefix}meta/*-*.md"), YamlMeta(f"{prefix}meta/*-*.yml")]
    if (repo.folder / prefix / "indicator-config").is_dir():
        readers.append(YamlMeta(f"{prefix}indicator-config/*-*.yml"))
    return readers
