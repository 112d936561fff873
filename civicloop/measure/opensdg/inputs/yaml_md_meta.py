"""``meta/1-1-1.md`` (and ``global-meta/``): YAML front matter between ``---`` lines, then
Markdown (sdg-build's ``InputYamlMdMeta``). The Markdown is the indicator's definition."""

from __future__ import annotations

from pathlib import Path

import yaml

from civicloop.measure.opensdg.inputs.base import Input, indicator_id
from civicloop.measure.opensdg.repository import ImportProblem, Repository, read_text

# libyaml's safe loader when PyYAML was built with it: ten times faster on big front matter.
SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlMdMeta(Input):
    pattern = "meta/*-*.md"

    def read_file(self, repo: Repository, path: Path, name: str) -> None:
        text = read_text(path)
        lines = text.splitlines(keepends=True)
        item = repo.indicator(indicator_id(path))
        if not lines or lines[0].strip() != "---":
            repo.problems.append(ImportProblem(name, 1, "", "no YAML front matter (--- ... ---)"))
            return
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            repo.problems.append(ImportProblem(name, 1, "", "the front matter has no closing ---"))
            return
        meta = parse_yaml(repo, "".join(lines[1:end]), name, first_line=2)
        if meta is not None:
            item.add_meta(meta, name, "".join(lines[end + 1 :]).strip())


def parse_yaml(repo: Repository, text: str, name: str, first_line: int = 1) -> dict | None:
    """A YAML mapping, or None with the problem (and its line) added to the repository."""
    try:
        meta = yaml.load(text, Loader=SAFE) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + first_line if mark is not None else None
        message = f"invalid YAML: {exc}".splitlines()[0]
        repo.problems.append(ImportProblem(name, row, "", message))
        return None
    if not isinstance(meta, dict):
        repo.problems.append(ImportProblem(name, first_line, "", "the metadata is not a mapping"))
        return None
    return meta
