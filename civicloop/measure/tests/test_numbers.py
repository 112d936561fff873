"""Numbers as people write them: a decimal comma is never a tenfold value, and a number only
the convention could decide is refused rather than guessed."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicloop.measure.numbers import (
    NumberSettingError,
    ambiguity,
    convention,
    declared,
    parse,
)


def read(cells: list[str], *, decimal=None, semicolons=False, others=()):
    """Each cell's value (None when refused as not a number, "?" when ambiguous)."""
    columns = [pa.array(cells, type=pa.string()), *(pa.array(o) for o in others)]
    conv, parsed = convention(columns, decimal=decimal, semicolons=semicolons)
    got = parse(parsed[0], conv)
    out = []
    for i in range(len(cells)):
        if got.ambiguous[i]:
            out.append("?")
        elif got.bad[i] or got.empty[i]:
            out.append(None)
        else:
            out.append(float(got.values[i]))
    return out


def test_plain_numbers_read_as_before():
    assert read(["12", "41.5", "-3", "1e3", ".5", "+7", "0.125", "123.456"]) == [
        12,
        41.5,
        -3,
        1000,
        0.5,
        7,
        0.125,
        123.456,
    ]


def test_a_decimal_comma_is_never_a_tenfold_value():
    assert read(["41,5", "0,25", "1234,5", "-16,94"]) == [41.5, 0.25, 1234.5, -16.94]


def test_thousands_separators_either_way_and_spaces():
    assert read(["1,234,567", "1,234.5", "12"]) == [1234567, 1234.5, 12]
    assert read(["1.234.567", "1.234,5", "12"]) == [1234567, 1234.5, 12]
    assert read(["1 234,5", "1\u00a0234\u202f567", "1'234.5", "\u22123"]) == [
        1234.5,
        1234567,
        1234.5,
        -3,
    ]


def test_a_lone_group_follows_the_file_or_the_source():
    # The other numbers say which mark is the decimal one.
    assert read(["1,234", "41,5"]) == [1.234, 41.5]
    assert read(["1,234", "41.5"]) == [1234, 41.5]
    assert read(["1.234", "41,5"]) == [1234, 41.5]
    # Another numeric column of the same file counts too.
    assert read(["1,234"], others=[["0,9"]]) == [1.234]
    # The source's setting decides.
    assert read(["1,234", "1.234"], decimal=",") == [1.234, 1234]
    assert read(["1,234", "1.234"], decimal=".") == [1234, 1.234]


def test_an_undecided_lone_group_is_refused_not_guessed():
    assert read(["1,234", "12"]) == ["?", 12]
    # A point is a decimal point, as software writes it, unless the file is ;-delimited...
    assert read(["1.234", "12"]) == [1.234, 12]
    assert read(["1.234", "12"], semicolons=True) == ["?", 12]
    # ...or writes decimals both ways.
    assert read(["1.234", "41,5", "41.5"]) == ["?", 41.5, 41.5]


def test_what_is_not_a_number():
    assert read(["lots", "inf", "nan", "1,234,5", "1.2.3", "", "12%"]) == [None] * 7


def test_a_decimal_setting_is_a_point_or_a_comma():
    assert declared(",") == "," and declared(None) is None and declared("") is None
    with pytest.raises(NumberSettingError):
        declared(";")


def test_a_huge_exponent_is_not_finite():
    conv, parsed = convention([pa.array(["1e309", "1e308"])])
    values = parse(parsed[0], conv).values
    assert math.isinf(values[0]) and np.isfinite(values[1])


def test_no_rows():
    conv, parsed = convention([pa.array([], type=pa.string())])
    got = parse(parsed[0], conv)
    assert len(got.values) == 0 and got.bad.dtype == bool


def written(x: float, decimal: str, grouped: bool) -> str:
    """``x`` as a person using ``decimal`` would write it (two decimals)."""
    text = f"{x:,.2f}" if grouped else f"{x:.2f}"
    if decimal == ",":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


@given(
    st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=30),
    st.sampled_from([",", "."]),
    st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_any_number_written_either_way_reads_back_with_its_mark(xs, decimal, grouped):
    cells = [written(x, decimal, grouped) for x in xs]
    got = read(cells, decimal=decimal)
    assert got == pytest.approx([round(x, 2) for x in xs], rel=1e-12, abs=1e-9)
    # With nothing declared, every cell reads the same, or is refused: never misread.
    undeclared = read(cells)
    for cell, want, have in zip(cells, got, undeclared, strict=True):
        assert have in ("?", want) or have == pytest.approx(want), cell


@given(st.lists(st.text(alphabet="0123456789.,-+eE '\u00a0\u2212x", max_size=12), max_size=30))
@settings(max_examples=300, deadline=None)
def test_any_text_is_a_number_empty_refused_or_ambiguous_and_never_a_crash(cells):
    conv, parsed = convention([pa.array(cells, type=pa.string())])
    got = parse(parsed[0], conv)
    valid = ~got.empty & ~got.bad & ~got.ambiguous
    assert not (got.empty & got.bad).any() and not (got.bad & got.ambiguous).any()
    assert not np.isnan(got.values[valid]).any()
    assert np.isnan(got.values[~valid]).all()
    for i in np.flatnonzero(got.ambiguous):
        assert "could be" in ambiguity(cells[i], conv)
