"""``geojson/*.geojson``: the boundaries of the areas a ``GeoCode`` column names, with
their names (sdg-build's ``map_layers``: ``geojson_file``, ``id_property``,
``name_property``). Without a map layer in ``config_data.yml``, every local GeoJSON file is
read and a feature is known by each of its text properties; its name is the first property
called ``*name*`` or ``*NM``. Remote files (URLs) are not fetched."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from civicloop.measure.opensdg.inputs.base import Input
from civicloop.measure.opensdg.repository import Boundary, Repository, read_text

NAME_KEY = re.compile(r"name|nm$", re.IGNORECASE)


class GeoJson(Input):
    pattern = "geojson/*.geojson"

    def read(self, repo: Repository) -> None:
        layers = repo.config.get("map_layers") or []
        layers = [lay for lay in layers if isinstance(lay, dict) and lay.get("geojson_file")]
        for layer in layers:
            source = str(layer["geojson_file"])
            if "://" in source:
                repo.notes.append(f"map layer {source}: remote boundaries are not fetched")
                continue
            path = repo.folder / str(repo.config.get("src_dir") or "") / source
            if path.is_file():
                self.read_layer(repo, path, layer.get("id_property"), layer.get("name_property"))
            else:
                repo.notes.append(f"map layer {source}: no such file")
        if not layers:
            for path in self.paths(repo):
                self.read_layer(repo, path, None, None)

    def read_layer(self, repo: Repository, path: Path, id_key: str | None, name_key: str | None):
        name = path.relative_to(repo.folder).as_posix()
        try:
            features = json.loads(read_text(path)).get("features") or []
        except (json.JSONDecodeError, AttributeError):
            repo.notes.append(f"{name}: not GeoJSON; its boundaries are not used")
            return
        for feature in features:
            props: dict[str, Any] = feature.get("properties") or {}
            keys = [id_key] if id_key else [k for k, v in props.items() if isinstance(v, str)]
            label_key = name_key or next((k for k in props if NAME_KEY.search(k)), None)
            label = str(props.get(label_key) or "").strip() if label_key else ""
            for key in keys:
                code = str(props.get(key) or "").strip()
                if code and code not in repo.boundaries:
                    repo.boundaries[code] = Boundary(label or code, feature.get("geometry"))
