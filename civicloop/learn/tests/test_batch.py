"""SeriesBatch: the input checks name the series; rows come out as plain JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from civicloop.learn.batch import BatchError, SeriesBatch
from civicloop.learn.trend import trend


def test_from_mapping_aligns_times_and_leaves_gaps():
    b = SeriesBatch.from_mapping({"a": {2020: 1.0, 2021.25: 2.0}, "b": {2021: None, 2022: 3.0}})
    assert b.times.tolist() == [2020.0, 2021.0, 2021.25, 2022.0]
    assert np.isnan(b.values[1, 1]) and b.values[1, 3] == 3.0
    assert b.n_observed.tolist() == [2, 1]
    assert b.latest()[1].tolist() == [2.0, 3.0]
    assert b.earliest()[0].tolist() == [2020.0, 2022.0]


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ([[2020.0, 2021.0, 2021.0], [2020.0, 2021.0, 2022.0]], "duplicated periods: north"),
        ([[2020.0, 2021.0, 2022.0], [2020.0, 2022.0, 2021.0]], "periods out of order: south"),
    ],
)
def test_duplicated_or_out_of_order_periods_name_the_series(times, message):
    with pytest.raises(BatchError, match=message) as err:
        SeriesBatch(np.ones((2, 3)), np.array(times), keys=["north", "south"])
    assert err.value.keys == [message.split(": ")[1]]


def test_a_repeated_time_is_fine_where_there_is_no_observation():
    b = SeriesBatch([[1.0, np.nan, 2.0]], np.array([[2020.0, 2020.0, 2021.0]]))
    assert b.n_observed.tolist() == [2]


def test_shared_time_axis_out_of_order_names_every_series():
    with pytest.raises(BatchError, match="periods out of order: a, b"):
        SeriesBatch(np.ones((2, 2)), [2021.0, 2020.0], keys=["a", "b"])


def test_infinite_values_times_without_values_and_shapes():
    with pytest.raises(BatchError, match="infinite values: b"):
        SeriesBatch([[1.0], [np.inf]], [2020.0], keys=["a", "b"])
    with pytest.raises(BatchError, match="without a finite time: a"):
        SeriesBatch([[1.0, 2.0]], np.array([[2020.0, np.nan]]), keys=["a"])
    with pytest.raises(BatchError, match="do not match"):
        SeriesBatch(np.ones((2, 3)), [2020.0, 2021.0])
    with pytest.raises(BatchError, match="3 keys given for 2 series"):
        SeriesBatch(np.ones((2, 1)), [2020.0], keys=["a", "b", "c"])


def test_error_messages_stay_short_for_many_series():
    keys = [f"tract {i}" for i in range(100)]
    with pytest.raises(BatchError, match="and 95 more") as err:
        SeriesBatch(np.ones((100, 2)), [2021.0, 2020.0], keys=keys)
    assert len(err.value.keys) == 100


def test_rows_are_plain_json_with_nan_as_null():
    b = SeriesBatch(
        [[1.0, 2.0, 4.0, 3.0, 5.0], [np.nan] * 5], np.arange(2019.0, 2024.0), keys=["a", "b"]
    )
    result = trend(b)
    rows = result.rows()
    json.dumps(rows)
    assert (
        rows[0]["key"] == "a" and isinstance(rows[0]["n"], int) and rows[0]["method"] == "original"
    )
    assert rows[1]["p"] is None and rows[1]["slope"] is None
    assert result.index("b") == 1


def test_take_keeps_keys_and_seasons():
    b = SeriesBatch(
        np.arange(8.0).reshape(2, 4), np.arange(4.0), season=[1, 2, 1, 2], keys=["a", "b"]
    )
    sub = b.take([1])
    assert sub.keys == ["b"] and sub.values.tolist() == [[4.0, 5.0, 6.0, 7.0]]
    assert sub.season.tolist() == [1, 2, 1, 2]
