"""A text file's delimiter is the one that splits its lines evenly, whatever its cells hold."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from civicloop.measure.readers import ReadError, _sniff_delimiter, read_csv_bytes

cell = st.text(alphabet="ab 1,.;|'-", max_size=6)


name = st.text(alphabet="abcXYZ _1", min_size=1, max_size=8)


@given(
    st.sampled_from([",", ";", "\t", "|"]),
    st.integers(2, 6).flatmap(
        lambda width: st.tuples(
            st.lists(name, min_size=width, max_size=width),
            st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1),
        )
    ),
)
@settings(max_examples=200, deadline=None)
def test_the_delimiter_is_found_whatever_the_cells_hold(delimiter, table):
    header, rows = table
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    assert _sniff_delimiter(out.getvalue().encode()) == delimiter


def test_decimal_commas_in_a_semicolon_file_are_not_cells():
    table = read_csv_bytes(b"Area, name;value\nNorth;41,5\nSouth;7\n")
    assert table.header == ["Area, name", "value"] and table.delimiter == ";"
    assert table.columns["value"].to_pylist() == ["41,5", "7"]


def test_a_header_without_rows_reads_as_no_rows_and_an_empty_file_is_an_error():
    assert read_csv_bytes(b"indicator,area,period,value\n").nrows == 0
    try:
        read_csv_bytes(b"\n \n")
    except ReadError as exc:
        assert "empty" in str(exc)
    else:
        raise AssertionError("an empty file must be refused")
