"""A load keeps the original, checks every row, and applies all rows or none."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from civicloop.measure.loads import load_file
from civicloop.measure.models import Load, LoadStatus
from civicloop.results.models import Observation, Revision

HEADER = "indicator,area,dimension,group,period,value,margin_of_error,confidence_level,status\n"


def write(tmp_path: Path, text: str, name: str = "upload.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def reading(riverton, area="riverton", period="2024-25"):
    return Observation.objects.get(
        series__indicator__slug="third-grade-reading",
        series__indicator__result__collaborative=riverton,
        series__area__code=area,
        series__group__isnull=True,
        period__label=period,
    )


def test_every_problem_is_reported_with_its_row_and_column_and_nothing_is_written(
    tmp_path, riverton
):
    before = Observation.objects.count()
    path = write(
        tmp_path,
        HEADER
        + "third-grade-readng,riverton,,,2024-25,40,,,\n"  # row 2: typo in indicator
        + "third-grade-reading,atlantis,,,2024-25,40,,,\n"  # row 3: unknown area
        + "third-grade-reading,riverton,,,2024-13,40,,,\n"  # row 4: not a period
        + "third-grade-reading,riverton,,,2024-25,140,,,\n"  # row 5: percent over 100 (warned)
        + "small-business-loans,riverton,,,2024,-3,,,\n"  # row 6: negative count (warned)
        + "emergency-savings,riverton,,,2024,40,3.1,,\n"  # row 7: MOE without level
        + "third-grade-reading,riverton,,,2023-24,abc,,,\n"  # row 8: value not a number
        + "third-grade-reading,riverton,,,2022-23,41,,,\n"  # row 9: fine
        + "third-grade-reading,riverton,,,2022-23,42,,,\n"  # row 10: duplicate of row 9
        + "third-grade-reading,riverton,,,2022,42,,,\n",  # row 11: year for a school-year indicator
    )
    report = load_file(path, riverton)
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (2, "indicator"),
        (3, "area"),
        (4, "period"),
        (7, "confidence_level"),
        (8, "value"),
        (10, "period"),
        (11, "period"),
    }
    messages = " ".join(p.message for p in report.problems)
    assert "did you mean 'third-grade-reading'" in messages
    # Unusual is not wrong: no hard limit is declared, so these are warnings only.
    assert [(w.row, w.column, w.message) for w in report.warnings] == [
        (5, "value", "140 is outside 0-100 for a percent"),
        (6, "value", "-3 is negative for a count"),
    ]
    assert report.status == LoadStatus.REJECTED
    assert Observation.objects.count() == before
    assert report.load.problems[0]["row"] == 2


def test_the_original_file_is_archived_by_content_hash(tmp_path, riverton):
    path = write(tmp_path, HEADER + "third-grade-reading,riverton,,,2024-25,39.5,,,\n")
    report = load_file(path, riverton)
    archived = settings.WORKSPACE.path / report.load.archive_path
    assert archived.read_bytes() == path.read_bytes()
    assert report.load.sha256 in archived.name


def test_a_changed_value_keeps_its_history(tmp_path, riverton, bob):
    old = reading(riverton).value
    path = write(tmp_path, HEADER + f"third-grade-reading,riverton,,,2024-25,{old + 1},,,\n")
    report = load_file(path, riverton, user=bob)
    assert (report.rows_changed, report.rows_created) == (1, 0)
    obs = reading(riverton)
    assert obs.value == old + 1
    revision = obs.revisions.first()
    assert (revision.old_value, revision.new_value, revision.changed_by) == (old, old + 1, bob)
    assert revision.load == report.load


def test_loading_the_same_file_again_changes_nothing(tmp_path, riverton):
    path = write(tmp_path, HEADER + "third-grade-reading,riverton,,,2024-25,12.5,,,\n")
    first = load_file(path, riverton)
    revisions = Revision.objects.count()
    second = load_file(path, riverton)
    assert first.status == LoadStatus.APPLIED and second.status == LoadStatus.NO_CHANGE
    assert Revision.objects.count() == revisions


def test_a_new_series_and_its_version(tmp_path, riverton):
    path = write(
        tmp_path, HEADER + "kindergarten-readiness,n-harbor,race-ethnicity,black,2024-25,40,,,\n"
    )
    report = load_file(path, riverton)
    assert report.rows_created == 1
    obs = Observation.objects.get(load=report.load)
    assert obs.series.version == 1 and obs.series.group.slug == "black"


def test_latin1_files_are_read_and_the_encoding_reported(tmp_path, riverton):
    path = write(
        tmp_path,
        HEADER
        + "third-grade-reading,Clinton Park,,,2024-25,30,,,provisional\n"
        + "third-grade-reading,Café Quarter,,,2024-25,30,,,\n",
        encoding="latin-1",
    )
    report = load_file(path, riverton, dry_run=True)
    assert report.encoding == "latin-1"
    assert "Latin-1" in report.notes[0]
    assert [(p.row, p.message) for p in report.problems] == [(3, "unknown area 'Café Quarter'")]


def test_a_dry_run_writes_nothing(tmp_path, riverton):
    loads = Load.objects.count()
    path = write(tmp_path, HEADER + "third-grade-reading,riverton,,,2024-25,1,,,\n")
    report = load_file(path, riverton, dry_run=True)
    assert report.ok and Load.objects.count() == loads and reading(riverton).value != 1


def test_a_failure_mid_load_leaves_the_database_as_it_was(tmp_path, riverton, monkeypatch):
    from civicloop.measure import write as writer

    before = reading(riverton).value
    real_insert = writer.insert

    def explode(table, columns, data):
        if table == Revision._meta.db_table:  # new rows are in, revisions fail
            raise RuntimeError("disk full")
        real_insert(table, columns, data)

    monkeypatch.setattr(writer, "insert", explode)
    path = write(
        tmp_path,
        HEADER
        + f"third-grade-reading,riverton,,,2024-25,{before + 5},,,\n"
        + "kindergarten-readiness,n-harbor,race-ethnicity,asian,2024-25,40,,,\n",
    )
    observations = Observation.objects.count()
    # The injected failure must fire (else this test proves nothing) and reach the caller.
    with pytest.raises(RuntimeError, match="disk full"):
        load_file(path, riverton)
    assert reading(riverton).value == before
    assert Observation.objects.count() == observations
    assert not Load.objects.filter(original_name="upload.csv", status=LoadStatus.APPLIED).exists()


def test_a_row_with_the_wrong_number_of_cells_is_reported_on_its_own_line(tmp_path, riverton):
    path = write(
        tmp_path,
        HEADER
        + "third-grade-reading,riverton,,,2024-25,30\n"  # row 2: too few cells
        + "third-grade-reading,riverton,,,2023-24,101,,,\n",  # row 3: still numbered 3
    )
    report = load_file(path, riverton, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(2, "(row)")]
    assert "6 cells; the header has 9" in report.problems[0].message
    assert [(w.row, w.column) for w in report.warnings] == [(3, "value")]
