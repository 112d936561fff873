"""``translations/en/*.yml``: the texts that translation keys stand for
(``global_indicators.1-1-1-title`` is key ``1-1-1-title`` of ``global_indicators.yml``),
as sdg-build's ``TranslationInputYaml`` reads them. Only the repository's own folder is
read: the shared sdg-translations repository is fetched by Open SDG's build, not here, so a
key it alone defines stays a key (the importer then names the indicator otherwise)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from civicloop.measure.opensdg.inputs.base import Input
from civicloop.measure.opensdg.inputs.yaml_md_meta import SAFE
from civicloop.measure.opensdg.repository import Repository, read_text


class Translations(Input):
    pattern = "translations"

    def read(self, repo: Repository) -> None:
        root = repo.folder / self.pattern
        if not root.is_dir():
            return
        languages = [str(x) for x in repo.config.get("languages") or []]
        folders = [root / lang for lang in languages if (root / lang).is_dir()]
        folders = folders or sorted(p for p in root.iterdir() if p.is_dir())
        if not folders:
            return
        for path in sorted(folders[0].glob("*.yml")) + sorted(folders[0].glob("*.yaml")):
            self.read_file(repo, path, path.relative_to(repo.folder).as_posix())

    def read_file(self, repo: Repository, path: Path, name: str) -> None:
        try:
            texts = yaml.load(read_text(path), Loader=SAFE) or {}
        except yaml.YAMLError:
            repo.notes.append(f"{name}: not valid YAML; its translations are not used")
            return
        if isinstance(texts, dict):
            _flatten(repo.translations, path.stem, texts)


def _flatten(out: dict[str, str], prefix: str, texts: dict[str, Any]) -> None:
    for key, text in texts.items():
        if isinstance(text, dict):
            _flatten(out, f"{prefix}.{key}", text)
        elif text is not None:
            out[f"{prefix}.{key}"] = str(text)
