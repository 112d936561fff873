"""What the store's entry points return: plain dataclasses, ``.as_dict()`` for JSON."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class _Plain:
    def as_dict(self) -> dict[str, Any]:
        return {k: json_number(v) for k, v in dataclasses.asdict(self).items()}  # type: ignore[call-overload]


@dataclass(frozen=True)
class Analysed:
    """What `analyse` recomputed: series ids and (strategy id, indicator id) pairs."""

    series: list[int] = field(default_factory=list)
    effects: list[tuple[int, int]] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"Analysed(series={len(self.series)}, effects={len(self.effects)})"


@dataclass(frozen=True)
class TrendVerdict(_Plain):
    """Is one indicator's series improving? With the numbers behind the words."""

    indicator: str
    name: str
    area: str
    status: str  # improving | worsening | borderline | no_clear_trend | not_enough_data | within_margin_of_error
    words: str
    slope: float | None  # Sen's slope per year, in the indicator's units
    slope_low: float | None
    slope_high: float | None
    p: float | None
    p_adjusted: float | None  # Benjamini-Hochberg across the area's indicators
    family_size: int
    n: int
    method: str  # original | seasonal
    first_period: str | None
    latest_period: str | None
    sentence: str
    method_reason: str = ""  # which trend test, and why the data called for it


@dataclass(frozen=True)
class IndicatorProgress(_Plain):
    """Progress to target by one method, with every component it used.

    progress_value: Open SDG's progress value; for civicloop's method, the observed pace
    (Sen's slope) as a share of the pace the target needs (1 = exactly on pace).
    score: Open SDG's score on [-5, 5] (civicloop's method has none).
    """

    indicator: str
    name: str
    area: str
    method: str
    status: str
    words: str
    score: float | None
    progress_value: float | None
    base_period: str | None
    base_year: float | None
    base_value: float | None
    current_period: str | None
    current_year: float | None
    current_value: float | None
    target: float | None
    target_period: str | None
    target_year: float | None
    direction: str
    slope: float | None = None
    slope_low: float | None = None
    slope_high: float | None = None
    required_slope: float | None = None
    projected: float | None = None
    projected_low: float | None = None
    projected_high: float | None = None
    sentence: str = ""
    # Open SDG only: the indicator as Open SDG knows it, the civicloop indicators it
    # covers, whether its progress is computed (else set by hand in its metadata), each
    # component (`SdgComponent.as_dict`), and what the method assumed where data or
    # settings did not say (e.g. a target year of 2030).
    open_sdg_id: str | None = None
    indicators: list[str] = field(default_factory=list)
    automatic: bool = True
    components: list[dict[str, Any]] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Effect(_Plain):
    """Is a strategy moving one of its indicators? The headline estimate and both methods."""

    strategy: str
    strategy_name: str
    indicator: str
    indicator_name: str
    method: str  # did | its: the estimate the verdict rests on
    status: (
        str  # working | not_working | harmful | too_early_to_tell | cannot_tell | not_enough_data
    )
    words: str
    estimate: float | None
    low: float | None
    high: float | None
    p: float | None
    p_adjusted: float | None  # Benjamini-Hochberg across the collaborative's strategies
    family_size: int
    start_period: str
    treated: list[str]
    comparison: list[str]
    did: dict[str, Any]
    its: dict[str, Any]
    sentence: str


@dataclass(frozen=True)
class EquityGap(_Plain):
    """How far one group is behind the best-off group, and whether the gap is closing."""

    indicator: str
    area: str
    group: str
    reference: str
    status: str  # reference | closing | widening | no_clear_change | not_enough_data
    words: str
    latest_difference: float | None
    gap_slope: float | None
    gap_slope_low: float | None
    gap_slope_high: float | None
    p: float | None


def as_float(value: Any) -> float:
    return math.nan if value is None else float(value)


def json_number(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def jsonable(value: Any) -> Any:
    """Plain JSON: numpy scalars and NaN become Python numbers and None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    return json_number(value)
