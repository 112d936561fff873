"""Two loads at once: the second waits for the first and retries, or says clearly that
another load is running; never a raw 'database is locked' or IntegrityError."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, OperationalError

from civicloop.measure import loads, write
from civicloop.measure.loads import LoadError, load_file

pytestmark = pytest.mark.django_db
CSV = "indicator,area,period,value\nchild-poverty,riverton,2019,20.5\n"


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(loads, "RETRY_DELAY", 0.01)


def _failing_first(monkeypatch, error: Exception, times: int) -> list[int]:
    real = write.apply
    calls: list[int] = []

    def apply(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(write, "apply", apply)
    return calls


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database is locked"),
        IntegrityError("UNIQUE constraint failed: results_period.label"),
    ],
)
def test_a_load_that_meets_another_waits_and_applies(tmp_path, riverton, monkeypatch, quick, error):
    calls = _failing_first(monkeypatch, error, times=2)
    path = tmp_path / "a.csv"
    path.write_text(CSV)
    report = load_file(path, riverton)
    assert report.status == "applied" and report.load is not None and len(calls) == 3


def test_a_database_that_stays_busy_is_one_clear_error(tmp_path, riverton, monkeypatch, quick):
    _failing_first(monkeypatch, OperationalError("database is locked"), times=99)
    path = tmp_path / "a.csv"
    path.write_text(CSV)
    with pytest.raises(LoadError, match="another load"):
        load_file(path, riverton)


def test_other_database_errors_are_not_hidden(tmp_path, riverton, monkeypatch, quick):
    calls = _failing_first(monkeypatch, OperationalError("no such table: x"), times=1)
    path = tmp_path / "a.csv"
    path.write_text(CSV)
    with pytest.raises(OperationalError):
        load_file(path, riverton)
    assert len(calls) == 1
