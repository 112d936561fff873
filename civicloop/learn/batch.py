"""A batch of series: the one input shape every learn computation takes.

A review looks at dozens of indicators, a network at thousands of series, so the engine
never works on one series at a time. A `SeriesBatch` holds many series as one 2-D array
(series x periods), NaN where a period has no observation, with the period positions as
real time in years (2019.0 for a year, 2019.25 for the second quarter), so irregular
spacing needs no special case.

Every computation returns a dataclass of arrays with one element per series; `row()`
turns one element into a plain dict for JSON.

>>> batch = SeriesBatch.from_mapping({"reading": {2019: 61.0, 2020: 63.5, 2022: 66.0},
...                                   "absence": {2019: 9.1, 2021: 8.7, 2022: 8.2}})
>>> batch.times.tolist()
[2019.0, 2020.0, 2021.0, 2022.0]
>>> batch.values.tolist()
[[61.0, 63.5, nan, 66.0], [9.1, nan, 8.7, 8.2]]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["BatchError", "BatchResult", "SeriesBatch", "row_dict", "series_keys"]

_MAX_KEYS_IN_MESSAGE = 5


class BatchError(ValueError):
    """Bad input for some series of a batch; `keys` names them.

    >>> err = BatchError("periods out of order", ["a", "b"])
    >>> str(err), err.keys
    ('periods out of order: a, b', ['a', 'b'])
    """

    def __init__(self, problem: str, keys: Sequence[str] = ()) -> None:
        self.problem = problem
        self.keys = list(keys)
        named = ", ".join(self.keys[:_MAX_KEYS_IN_MESSAGE])
        more = len(self.keys) - _MAX_KEYS_IN_MESSAGE
        if more > 0:
            named += f" and {more} more"
        super().__init__(f"{problem}: {named}" if named else problem)


def series_keys(keys: Sequence[str] | None, n_series: int) -> list[str]:
    """The names of the series: the given keys, or "series 0", "series 1"..."""
    if keys is None:
        return [f"series {i}" for i in range(n_series)]
    keys = [str(k) for k in keys]
    if len(keys) != n_series:
        raise BatchError(f"{len(keys)} keys given for {n_series} series")
    return keys


@dataclass(frozen=True)
class SeriesBatch:
    """Many series on one time axis (or one time axis per series).

    values: (n_series, n_periods) float64, NaN where there is no observation.
    times: (n_periods,) or (n_series, n_periods) float64, in years. Within a series the
        observed periods must be strictly increasing; a duplicated or out-of-order period
        is a `BatchError` naming the series. A time may be NaN only where the value is.
    season: optional int array shaped like `times` (1..12 for months, 1..4 for quarters),
        used by the seasonal trend test.
    keys: optional names, one per series, used in every error message.

    >>> b = SeriesBatch(np.array([[1.0, 2.0, np.nan], [3.0, 2.0, 1.0]]), np.array([2020.0, 2021, 2022]))
    >>> b.n_series, b.n_periods, b.n_observed.tolist()
    (2, 3, [2, 3])
    """

    values: np.ndarray
    times: np.ndarray
    season: np.ndarray | None = None
    keys: Sequence[str] | None = None

    def __post_init__(self) -> None:
        values = np.array(self.values, dtype=np.float64, copy=None, ndmin=2)
        if values.ndim != 2:
            raise BatchError(f"values must be 2-D (series x periods), got {values.ndim}-D")
        if values.shape[1] == 0:
            raise BatchError("a batch needs at least one period")
        times = np.asarray(self.times, dtype=np.float64)
        if times.shape not in ((values.shape[1],), values.shape):
            raise BatchError(
                f"times of shape {times.shape} do not match values of shape {values.shape}"
            )
        keys = series_keys(self.keys, values.shape[0])
        season = self.season
        if season is not None:
            season = np.asarray(season)
            if season.shape != times.shape:
                raise BatchError(f"season of shape {season.shape} must be shaped like times")
            season = season.astype(np.int64)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "season", season)
        object.__setattr__(self, "keys", keys)
        self._check_times()

    def _check_times(self) -> None:
        bad = np.isinf(self.values).any(axis=1)
        if bad.any():
            raise BatchError("infinite values", self._names(bad))
        if (
            self.times.ndim == 1
            and np.all(np.diff(self.times) > 0)
            and np.isfinite(self.times).all()
        ):
            return  # one increasing axis: every series' observed periods are in order
        t = np.broadcast_to(self.times, self.values.shape)
        observed = ~np.isnan(self.values)
        bad = (observed & ~np.isfinite(t)).any(axis=1)
        if bad.any():
            raise BatchError("observations without a finite time", self._names(bad))
        t_obs = np.where(observed, t, np.nan)
        # The latest observed time before each column: fmax skips the gaps.
        before = np.fmax.accumulate(t_obs, axis=1)[:, :-1]
        later = t_obs[:, 1:]
        with np.errstate(invalid="ignore"):
            duplicated = (later == before).any(axis=1)
            out_of_order = (later < before).any(axis=1)
        if duplicated.any():
            raise BatchError("duplicated periods", self._names(duplicated))
        if out_of_order.any():
            raise BatchError("periods out of order", self._names(out_of_order))

    def _names(self, mask: np.ndarray) -> list[str]:
        return [self.keys[i] for i in np.flatnonzero(mask)]

    # -- shape ---------------------------------------------------------------------------

    @property
    def n_series(self) -> int:
        return self.values.shape[0]

    @property
    def n_periods(self) -> int:
        return self.values.shape[1]

    @property
    def observed(self) -> np.ndarray:
        """Boolean (n_series, n_periods): where there is an observation."""
        return ~np.isnan(self.values)

    @property
    def n_observed(self) -> np.ndarray:
        """Number of observations per series."""
        return np.count_nonzero(self.observed, axis=1)

    @property
    def times_2d(self) -> np.ndarray:
        """`times` broadcast to (n_series, n_periods) (a read-only view when 1-D)."""
        return np.broadcast_to(self.times, self.values.shape)

    def key(self, i: int) -> str:
        return self.keys[i]  # type: ignore[index]

    def take(self, rows: np.ndarray | Sequence[int]) -> SeriesBatch:
        """The sub-batch of the given rows (indices or a boolean mask)."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        times = self.times if self.times.ndim == 1 else self.times[rows]
        season = self.season
        if season is not None and season.ndim == 2:
            season = season[rows]
        keys = [self.keys[i] for i in rows]  # type: ignore[index]
        return SeriesBatch(self.values[rows], times, season, keys)

    def with_values(self, values: np.ndarray, keys: Sequence[str] | None = None) -> SeriesBatch:
        """The same time axis (and seasons) with other values, e.g. gaps between groups."""
        return SeriesBatch(values, self.times, self.season, self.keys if keys is None else keys)

    def latest(self) -> tuple[np.ndarray, np.ndarray]:
        """(time, value) of the latest observation of each series, NaN when none."""
        return _at_observation(self, last=True)

    def earliest(self) -> tuple[np.ndarray, np.ndarray]:
        """(time, value) of the earliest observation of each series, NaN when none."""
        return _at_observation(self, last=False)

    # -- building ------------------------------------------------------------------------

    @classmethod
    def from_mapping(
        cls,
        series: Mapping[str, Mapping[float, float | None]],
        season_of: Any = None,
    ) -> SeriesBatch:
        """One row per key, one column per time that occurs in any series.

        `season_of`, if given, is called with each time to give its season (for example
        ``lambda t: round((t % 1) * 12) + 1`` for months).

        >>> b = SeriesBatch.from_mapping({"a": {2020: 1.0}, "b": {2021: 2.0}})
        >>> b.values.tolist()
        [[1.0, nan], [nan, 2.0]]
        """
        keys = list(series)
        times = sorted({float(t) for s in series.values() for t in s})
        column = {t: j for j, t in enumerate(times)}
        values = np.full((len(keys), len(times)), np.nan)
        for i, key in enumerate(keys):
            for t, v in series[key].items():
                values[i, column[float(t)]] = np.nan if v is None else float(v)
        season = None
        if season_of is not None:
            season = np.array([season_of(t) for t in times], dtype=np.int64)
        return cls(values, np.array(times, dtype=np.float64), season, keys)

    @classmethod
    def from_records(cls, records: Iterable[tuple[str, float, float | None]]) -> SeriesBatch:
        """Build from (key, time, value) records; a repeated (key, time) is a `BatchError`.

        >>> try:
        ...     SeriesBatch.from_records([("a", 2020, 1.0), ("a", 2020, 2.0)])
        ... except BatchError as err:
        ...     print(err)
        duplicated periods: a
        """
        series: dict[str, dict[float, float | None]] = {}
        duplicated: list[str] = []
        for key, t, v in records:
            points = series.setdefault(str(key), {})
            if float(t) in points and str(key) not in duplicated:
                duplicated.append(str(key))
            points[float(t)] = v
        if duplicated:
            raise BatchError("duplicated periods", duplicated)
        return cls.from_mapping(series)


def _at_observation(batch: SeriesBatch, last: bool) -> tuple[np.ndarray, np.ndarray]:
    observed = batch.observed
    n_periods = batch.n_periods
    if last:
        col = n_periods - 1 - np.argmax(observed[:, ::-1], axis=1)
    else:
        col = np.argmax(observed, axis=1)
    rows = np.arange(batch.n_series)
    has = observed.any(axis=1)
    t = np.where(has, batch.times_2d[rows, col], np.nan)
    v = np.where(has, batch.values[rows, col], np.nan)
    return t, v


# -- results ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A numpy scalar as a plain JSON-friendly Python value (NaN becomes None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class BatchResult:
    """Base of every result: arrays with one element per series, plus settings.

    Array fields whose first dimension is the number of series are per-series; anything
    else (alpha, method...) is a setting shared by the whole batch.
    """

    keys: list[str]

    def __len__(self) -> int:
        return len(self.keys)

    def row(self, i: int) -> dict[str, Any]:
        """One series' results as a plain dict (floats, ints, bools, str; NaN -> None)."""
        return row_dict(self, i)

    def rows(self) -> list[dict[str, Any]]:
        return [self.row(i) for i in range(len(self))]

    def index(self, key: str) -> int:
        """The position of the series named `key`."""
        return self.keys.index(key)


def row_dict(result: BatchResult, i: int) -> dict[str, Any]:
    """Turn row `i` of any batch result into a plain dict for JSON.

    >>> @dataclass(frozen=True)
    ... class R(BatchResult):
    ...     p: np.ndarray
    ...     alpha: float = 0.05
    >>> row_dict(R(["a", "b"], np.array([0.01, np.nan])), 1)
    {'key': 'b', 'p': None, 'alpha': 0.05}
    """
    n = len(result.keys)
    out: dict[str, Any] = {"key": result.keys[i]}
    for field in dataclasses.fields(result):
        if field.name == "keys":
            continue
        value = getattr(result, field.name)
        if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == n:
            element = value[i]
            out[field.name] = (
                [_plain(v) for v in element] if isinstance(element, np.ndarray) else _plain(element)
            )
        elif isinstance(value, np.ndarray | list | tuple):
            continue  # shared arrays (e.g. a time grid) are not part of a row
        else:
            out[field.name] = _plain(value)
    return out
