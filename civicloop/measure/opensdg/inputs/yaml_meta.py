"""``meta/1-1-1.yml`` and ``indicator-config/1-1-1.yml``: a YAML mapping per indicator
(sdg-build's ``InputYamlMeta``)."""

from __future__ import annotations

from pathlib import Path

from civicloop.measure.opensdg.inputs.base import Input, indicator_id
from civicloop.measure.opensdg.inputs.yaml_md_meta import parse_yaml
from civicloop.measure.opensdg.repository import Repository, read_text


class YamlMeta(Input):
    pattern = "meta/*-*.yml"

    def read_file(self, repo: Repository, path: Path, name: str) -> None:
        meta = parse_yaml(repo, read_text(path), name)
        if meta is not None:
            repo.indicator(indicator_id(path)).add_meta(meta, name)
