"""Real Open SDG repositories (``/work/shared/corpus/open-sdg``) import whole, or with only
their genuine problems, and export back with every value, Year label, disaggregation,
unit and GeoCode identical.

The check is general: `published_rows` and `exported_rows` read any repository the same
way, so another real repository is checked by adding its folder and its genuine problems.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest

from civicloop.measure.models import QuarantinedRow
from civicloop.measure.opensdg import export_open_sdg, import_open_sdg, read
from civicloop.measure.opensdg.repository import NO_VALUE, NOT_IMPORTED
from civicloop.results.models import Area, Collaborative, Indicator, Observation

CORPUS = Path("/work/shared/corpus/open-sdg")

# Each genuine problem of a real repository, by file: how many rows, and why.
GENUINE = {
    "bristol": {
        # Two different values for one site in one year (e.g. BOWERHILL SHAILS LANE STW
        # 13028 in 2020: 419.03 and 87.57); the file has no column telling them apart.
        "data/indicator_6-3-1.csv": 26,
        # Two different river-fly counts for one date, site and species (e.g. Old Cattle
        # Crossing on 2016-03-05: 17 and 13).
        "data/indicator_14-4-1-a.csv": 13,
    },
    "usa": {},
}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")


def published_rows(folder: Path, skip: dict[str, set[int]] | None = None) -> dict[str, Counter]:
    """Each data file's rows with a value, as {column: cell} without empty cells and the
    columns civicloop does not keep, the value as a number; exact repeats once."""
    out, skip = {}, skip or {}
    for path in sorted((folder / "data").glob("*-*.csv")):
        name = f"data/{path.name}"
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows:
            continue
        header = [h.strip() for h in rows[0]]
        found = set()
        for line, row in enumerate(rows[1:], start=2):
            cells = dict(zip(header, row, strict=False))
            if cells.get("Value", "").strip() in NO_VALUE or line in skip.get(name, ()):
                continue
            found.add(_normal(cells))
        out[name] = Counter(found)
    return out


def exported_rows(folder: Path) -> dict[str, Counter]:
    out = {}
    for path in sorted((folder / "data").glob("*-*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            out[f"data/{path.name}"] = Counter(_normal(row) for row in reader)
    return out


def _normal(cells: dict[str, str]) -> frozenset:
    kept = {}
    for column, cell in cells.items():
        if not column or column in NOT_IMPORTED or cell is None or not cell.strip():
            continue
        if column == "Value":
            kept[column] = float(cell)
        elif column in ("Year", "GeoCode"):
            kept[column] = cell.strip()
        else:
            kept[column] = cell
    return frozenset(kept.items())


def copy_of(name: str, tmp_path: Path) -> Path:
    folder = tmp_path / name
    shutil.copytree(CORPUS / name, folder)
    return folder


@pytest.mark.parametrize("name", sorted(GENUINE))
def test_a_real_repository_imports_whole_and_round_trips(name, tmp_path, db):
    folder = copy_of(name, tmp_path)
    report = import_open_sdg(folder, name, quarantine=True)
    # The problems are the genuine ones only; without --quarantine they import nothing.
    found = Counter(p.file for p in report.problems)
    assert found == Counter(GENUINE[name]), "\n".join(map(str, report.problems[:20]))
    assert all("has the same Year" in p.message for p in report.problems)
    assert report.applied and report.rows_quarantined == sum(GENUINE[name].values())
    collab = Collaborative.objects.get(slug=name)
    quarantined: dict[str, set[int]] = {}
    for row in QuarantinedRow.objects.filter(load__collaborative=collab).select_related("load"):
        quarantined.setdefault(row.load.original_name, set()).add(row.row)

    out = tmp_path / "exported"
    export_open_sdg(collab, out)
    published, exported = published_rows(folder, quarantined), exported_rows(out)
    differ = {
        file: (rows - exported.get(file, Counter()), exported.get(file, Counter()) - rows)
        for file, rows in published.items()
        if rows and exported.get(file) != rows
    }
    assert not differ, {f: (list(a)[:2], list(b)[:2]) for f, (a, b) in differ.items()}
    assert Observation.objects.filter(series__indicator__result__collaborative=collab).count() == (
        sum(sum(rows.values()) for rows in published.values())
    )
    names = Indicator.objects.filter(result__collaborative=collab).values_list("name", flat=True)
    assert not [n for n in names if n.startswith(("global_", "localised_"))]
    if name == "bristol":  # ward-level data with its boundaries
        ashley = Area.objects.get(collaborative=collab, code="E05010885")
        assert ashley.name == "Ashley" and ashley.geometry["type"] in ("Polygon", "MultiPolygon")
        assert ashley.parent.parent is None
        gva = Indicator.objects.filter(result__collaborative=collab, slug__startswith="8-1-1-a")
        assert gva and all(  # a title from translations/, one indicator per unit
            i.name.startswith("Annual growth rate of Gross value added (GVA)") for i in gva
        )


def test_without_quarantine_genuine_problems_import_nothing(tmp_path, db):
    folder = tmp_path / "bristol"
    shutil.copytree(CORPUS / "bristol", folder, ignore=shutil.ignore_patterns("geojson"))
    for path in (folder / "data").glob("*.csv"):
        if path.name not in ("indicator_6-3-1.csv", "indicator_1-2-1.csv"):
            path.unlink()
    report = import_open_sdg(folder)
    assert not report.applied and Counter(p.file for p in report.problems) == {
        "data/indicator_6-3-1.csv": 26
    }
    assert not Collaborative.objects.filter(slug="bristol").exists()


def test_metadata_is_read_from_every_layout(tmp_path):
    usa = read(copy_of("usa", tmp_path))
    assert {"meta/1-1-1.md", "indicator-config/1-1-1.yml"} <= set(
        usa.indicators["1-1-1"].meta_files
    )
    bristol = read(copy_of("bristol", tmp_path))
    gva = bristol.indicators["8-1-1-a"]
    assert gva.meta_files == ["global-meta/8-1-1-a.md", "csv-meta/8-1-1-a.csv"]
    assert gva.meta["indicator_name"] == "localised_indicators.8-1-1-a-title"
    assert bristol.translate(gva.meta["indicator_name"]).startswith("Annual growth rate")
    assert "E05010885" in bristol.boundaries
