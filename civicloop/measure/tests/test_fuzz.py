"""Fuzzing the two ways files come in: whatever the bytes, the answer is a report or one
clear error (LoadError, an import problem), never a traceback. Bounded to a few seconds."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicloop.measure.loads import LoadError, load_file
from civicloop.measure.opensdg import import_open_sdg

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HEADERS = [
    "indicator",
    "area",
    "period",
    "value",
    "dimension",
    "group",
    "margin_of_error",
    "confidence_level",
    "numerator",
    "denominator",
    "status",
    "unit",
    "Ward",
    "",
]
TOKENS = st.one_of(
    st.sampled_from(
        [
            "child-poverty",
            "third-grade-reading",
            "emergency-savings",
            "riverton",
            "n-harbor",
            "s-clinton",
            "2024",
            "2024-25",
            "2023-Q2",
            "2024-05",
            "0000",
            "0999-01",
            "9999",
            "2024-W53",
            "-3.5",
            "1e308",
            "nan",
            "inf",
            "",
            " ",
            "=1+1",
            "race-ethnicity",
            "asian",
            "90",
            "0.95",
            "\u00e9",
            "\ufeff",
        ]
    ),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
)


@st.composite
def tables(draw) -> bytes:
    width = draw(st.integers(1, 7))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=width, max_size=width))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    # Header-only files included: they get a clear LoadError, not a crash.
    rows = draw(st.lists(st.lists(TOKENS, min_size=0, max_size=width + 1), min_size=0, max_size=6))
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines) + "\n"
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"])), "replace")


@st.composite
def packages(draw) -> bytes:
    scalar = st.one_of(st.none(), st.booleans(), st.integers(), TOKENS)
    value = st.recursive(
        scalar,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TOKENS, inner, max_size=3),
        max_leaves=12,
    )
    resource = st.fixed_dictionaries({}, optional={"name": TOKENS, "path": value, "data": value})
    descriptor = draw(
        st.one_of(value, st.fixed_dictionaries({"resources": st.lists(resource, max_size=2)}))
    )
    return json.dumps(descriptor).encode()


def _load(riverton, content: bytes, name: str, dry_run: bool = True) -> None:
    folder = Path(tempfile.mkdtemp(prefix="civicloop-fuzz-"))
    try:
        path = folder / name
        path.write_bytes(content)
        try:
            load_file(path, riverton, dry_run=dry_run)
        except LoadError:
            pass  # one clear error is a fine answer; any other exception fails the test
    finally:
        shutil.rmtree(folder)


@FUZZ
@given(content=tables(), dry_run=st.booleans())
def test_load_file_answers_any_table(riverton, content, dry_run):
    # Written too (rolled back with the test): some crashes were in writing, not checking.
    _load(riverton, content, "fuzz.csv", dry_run)


@FUZZ
@given(content=packages())
def test_load_file_answers_any_data_package(riverton, content):
    _load(riverton, content, "datapackage.json")


META = st.sampled_from(
    [
        "---\nindicator_number: 1.2.1\nindicator_name: Poverty\n---\n",
        "---\nindicator_number: 1.2.1\ncomputation_units: '%'\n"
        "progress_calculation_options:\n- direction: negative\n  target: 5\n---\n",
        "---\n- a list\n---\n",
        "---\nindicator_name: [unclosed\n---\n",
        "no front matter at all",
        "",
    ]
)
DATA_HEADERS = st.lists(
    st.sampled_from(["Year", "Value", "Units", "Sex", "GeoCode", "Series", "Age", ""]),
    min_size=1,
    max_size=5,
)


@FUZZ
@given(meta=META, header=DATA_HEADERS, rows=st.lists(st.lists(TOKENS, max_size=5), max_size=5))
def test_the_open_sdg_reader_answers_any_repository(db, meta, header, rows):
    folder = Path(tempfile.mkdtemp(prefix="civicloop-fuzz-sdg-"))
    try:
        (folder / "data").mkdir()
        (folder / "meta").mkdir()
        csv_text = "\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n"
        (folder / "data" / "indicator_1-2-1.csv").write_text(csv_text.replace("\r", " "))
        (folder / "meta" / "1-2-1.md").write_text(meta)
        report = import_open_sdg(folder, "fuzz-sdg", dry_run=True)
        assert report.applied is False  # a dry run, or problems: either way nothing stays
    finally:
        shutil.rmtree(folder)
