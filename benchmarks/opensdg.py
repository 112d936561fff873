"""Import real Open SDG repositories, and one of ~2,000,000 rows, against `civicloop load`.

    python benchmarks/opensdg.py                       # SQLite, the shared corpus + 2,000,000 rows
    python benchmarks/opensdg.py --rows 200000         # a smaller big repository

In one process: each repository of the shared corpus (``/work/shared/corpus/open-sdg``)
is imported (``--quarantine``: the sound rows; the genuine problems are counted), then a
big repository built by repeating every corpus data file with its years shifted past the
file's own span (so every row stays a distinct observation). The same observations are
then written in civicloop's long format (indicator, area, dimension, group, period, value),
removed, and loaded with `load_file` into the same collaborative, so both paths write the
same rows through the same writer. Prints rows/s and the ratio import / load (goal >= 0.5).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path("/work/shared/corpus/open-sdg")
LABEL = re.compile(r"^(\d{4})(\s*[-/–]\s*)(\d{4}|\d{2})(?!\d)(.*)$|^(\d{4})(.*)$", re.DOTALL)


def setup_django(workspace: Path) -> None:
    os.environ["CIVICLOOP_WORKSPACE"] = str(workspace)
    os.environ["DJANGO_SETTINGS_MODULE"] = "civicloop.core.settings"
    from civicloop.core.workspace import Workspace

    Workspace(workspace).init("bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def shift(label: str, years: int, kind: str | None) -> str:
    """``label`` moved ``years`` later, in its own shape (2014/15 → 2038/39, 2014-11 →
    2038-11 when the file's labels are months)."""
    from civicloop.results.periods import PeriodError, read_as

    try:
        spans = read_as(label, kind).kind in ("school_year", "multi_year")
    except PeriodError:
        return label
    m = LABEL.match(label.strip())
    if not m:
        return label
    if m[1] and spans:
        end = m[3]
        moved = str(int(end) + years) if len(end) == 4 else f"{(int(end) + years) % 100:02d}"
        return f"{int(m[1]) + years}{m[2]}{moved}{m[4]}"
    text = label.strip()
    return f"{int(text[:4]) + years}{text[4:]}"


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def build_big(out: Path, target_rows: int) -> int:
    """A data-only repository: every corpus data file, repeated with shifted years. The
    USA's files are renumbered (goal + 100) so they sit beside Bristol's."""
    from civicloop.results.periods import guess_kind

    (out / "data").mkdir(parents=True)
    files = []
    for repo, goal_shift in (("bristol", 0), ("usa", 100)):
        for path in sorted((CORPUS / repo / "data").glob("*-*.csv")):
            rows = read_csv(path)
            if len(rows) < 2 or "Year" not in [h.strip() for h in rows[0]]:
                continue
            goal, rest = path.stem.removeprefix("indicator_").split("-", 1)
            files.append((f"indicator_{int(goal) + goal_shift}-{rest}.csv", rows))
    per_copy = sum(len(rows) - 1 for _name, rows in files)
    copies = max(1, round(target_rows / per_copy))
    total = 0
    for name, rows in files:
        header = [h.strip() for h in rows[0]]
        year = header.index("Year")
        kind = guess_kind(r[year].strip() for r in rows[1:] if year < len(r))
        years = [r[year].strip()[:4] for r in rows[1:] if year < len(r)]
        firsts = [int(y) for y in years if y.isdigit()]
        # Past the file's own span, in whole leap cycles (29 February stays a real day).
        step = ((max(firsts, default=2000) - min(firsts, default=2000)) // 4 + 2) * 4
        with (out / "data" / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(rows[0])
            for k in range(copies):
                for row in rows[1:]:
                    moved = list(row)
                    if year < len(moved):
                        moved[year] = shift(moved[year], k * step, kind)
                    writer.writerow(moved)
                    total += 1
    return total


def imported(folder: Path, slug: str):
    from civicloop.measure.opensdg import import_open_sdg

    start = time.perf_counter()
    report = import_open_sdg(folder, slug, quarantine=True)
    seconds = time.perf_counter() - start
    assert report.applied, report.problems[:3]
    rows = report.rows_created + report.rows_changed + report.rows_unchanged
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items())
    print(
        f"{slug}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
        f"({report.rows_quarantined} quarantined; {steps})"
    )
    return report, rows, seconds


def long_format(slug: str, path: Path) -> int:
    """The collaborative's observations in civicloop's long format."""
    from civicloop.results.models import Observation

    rows = Observation.objects.filter(
        series__indicator__result__collaborative__slug=slug
    ).values_list(
        "series__indicator__slug",
        "series__area__code",
        "series__group__dimension__slug",
        "series__group__slug",
        "period__label",
        "value",
    )
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["indicator", "area", "dimension", "group", "period", "value"])
        for ind, area, dim, grp, label, value in rows.iterator(chunk_size=20000):
            writer.writerow([ind, area, dim or "", grp or "", label, repr(value)])
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="civicloop-bench-opensdg-"))
    setup_django(tmp / "workspace")
    from django.db import connection

    from civicloop.measure.loads import load_file
    from civicloop.measure.models import Load
    from civicloop.results.models import Collaborative, Observation, Revision

    for name in ("bristol", "usa"):
        shutil.copytree(CORPUS / name, tmp / name)
        imported(tmp / name, name)

    big = tmp / "big-open-sdg"
    rows = build_big(big, args.rows)
    print(f"big repository: {rows:,} rows in {len(list((big / 'data').iterdir()))} data files")
    _report, done, ours = imported(big, "big")

    path = tmp / "big-long.csv"
    n = long_format("big", path)
    collab = Collaborative.objects.get(slug="big")
    with connection.cursor() as cursor:  # the same catalogue, no observations (not timed)
        cursor.execute(f"DELETE FROM {Revision._meta.db_table}")
        cursor.execute(f"DELETE FROM {Observation._meta.db_table}")
    Load.objects.filter(collaborative=collab).delete()
    # load checks each period against the indicator's one frequency (an Open SDG file may
    # mix months and school years) and its own value rules: rows it refuses are counted.
    start = time.perf_counter()
    report = load_file(path, collab, on_problems="quarantine")
    theirs = time.perf_counter() - start
    loaded = report.rows_created
    print(
        f"civicloop load, long format: {n:,} rows ({loaded:,} applied, "
        f"{report.rows_quarantined:,} refused) in {theirs:.1f} s = {n / theirs:,.0f} rows/s"
    )
    ratio = (done / ours) / (n / theirs)
    print(f"ratio import / load: {ratio:.2f} of load's rate (goal >= 0.5)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
