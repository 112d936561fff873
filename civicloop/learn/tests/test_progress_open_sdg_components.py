"""Open SDG indicators with several components: the mean of their scores, hand-worked.

Every expected number is written out from sdg-build's formulas (``ProgressMeasure.py``:
compound annual growth (v1/v0)^(1/(t1-t0)) - 1, the score 125 v - 2.5 below the low
threshold without a target, ``np.mean`` of the component scores, and the status read
from that mean), not taken from our code.
"""

from __future__ import annotations

import numpy as np
import pytest

from civicloop.learn.progress import (
    SdgSelector,
    open_sdg_indicator_progress,
    sdg_component_specs,
    sdg_status_from_score,
)
from civicloop.learn.store.opensdg import group_fields, select_series


def growth(v1, v0, years):
    return (v1 / v0) ** (1 / years) - 1


def falling_score(latest, base=100.0, years=5):
    """Score of a rise where lower is better and there is no target: 125 v - 2.5."""
    return max(125 * -growth(latest, base, years) - 2.5, -5)


def points(**by_year):
    return [(label.removeprefix("y").replace("_", "/"), value) for label, value in by_year.items()]


TWO_SERIES = [
    {"series": "Aged 12 to 17 years", "direction": "negative"},
    {"series": "Aged 18 years and over", "direction": "negative"},
]


def test_two_series_score_the_mean_of_their_components():
    result = open_sdg_indicator_progress(
        sdg_component_specs(TWO_SERIES),
        [points(y2015=100.0, y2020=105.5), points(y2015=100.0, y2020=104.9)],
        indicator_id="3-5-2",
    )
    first, second = falling_score(105.5), falling_score(104.9)
    assert (round(first, 2), round(second, 2)) == (-3.85, -3.70)
    assert [c.score for c in result.components] == pytest.approx([first, second], abs=1e-12)
    assert result.score == pytest.approx((first + second) / 2, abs=1e-12)
    assert round(result.score, 2) == -3.77  # not -3.70, the second series alone
    assert result.status == "deterioration"  # -5 <= mean < -2.5
    assert [c.tag for c in result.components] == [
        "3-5-2 / Aged 12 to 17 years",
        "3-5-2 / Aged 18 years and over",
    ]


def test_a_component_without_a_score_is_left_out_of_the_mean():
    result = open_sdg_indicator_progress(
        sdg_component_specs(TWO_SERIES),
        [points(y2015=100.0, y2020=105.5), points(y2020=104.9)],
    )
    assert result.score == pytest.approx(falling_score(105.5), abs=1e-12)
    assert result.components[1].status == "not_available"


def test_a_disaggregation_combination_is_one_component():
    options = [
        {
            "disaggregation": [
                {"field": "Sex", "value": "Both sexes"},
                {"field": "Age group", "value": "Ages 5 to 17"},
            ],
            "direction": "positive",
            "target": 80,
            "target_year": 2030,
        }
    ]
    (spec,) = sdg_component_specs(options)
    assert spec.selector.disaggregation == (("Sex", "Both sexes"), ("Age group", "Ages 5 to 17"))
    # No headline in the data: the combination is found among the compound groups.
    rows = [
        ({}, group_fields("Sex × Age group", "Both sexes · Ages 5 to 17"), "both-5-17"),
        ({}, group_fields("Sex × Age group", "Female · Ages 5 to 17"), "female-5-17"),
        ({}, group_fields("Sex × Age group", "Both sexes · Ages 18 and over"), "both-18"),
        ({}, group_fields("Sex", "Both sexes"), "both"),
    ]
    assert select_series(spec.selector, rows) == ["both-5-17"]
    result = open_sdg_indicator_progress([spec], [points(y2015=50.0, y2020=60.0)], indicator_id="x")
    required = growth(80, 50, 15)
    value = growth(60, 50, 5) / required
    assert result.components[0].tag == "x / Both sexes / Ages 5 to 17"
    assert result.components[0].progress_value == pytest.approx(value, abs=1e-12)
    assert result.score == pytest.approx(7.1429 * value - 4.2857, abs=1e-12)
    assert result.status == "substantial_progress"


def test_without_a_disaggregation_the_headline_is_read_and_must_exist():
    rows = [({}, {"Sex": "Female"}, "f"), ({}, {"Sex": "Male"}, "m")]
    reason = select_series(SdgSelector(), rows)
    assert isinstance(reason, str) and "no headline" in reason
    assert select_series(SdgSelector(), [*rows, ({}, {}, "all")]) == ["all"]


def test_a_selection_that_leaves_several_series_is_not_available_and_says_why():
    rows = [({}, {"Sex": "Female", "Age": "0-4"}, "a"), ({}, {"Sex": "Female", "Age": "5-9"}, "b")]
    reason = select_series(SdgSelector(disaggregation=(("Sex", "Female"),)), rows)
    assert reason == "several series remain (Age: 0-4, 5-9); the entry must name one"
    # Filled against empty also counts as varying, as pandas' unique() sees NaN.
    rows = [({}, {"Sex": "Female"}, "a"), ({}, {"Sex": "Female", "Age": "5-9"}, "b")]
    assert "Age: (empty), 5-9" in select_series(
        SdgSelector(disaggregation=(("Sex", "Female"),)), rows
    )


def test_a_filter_on_a_value_no_row_has_is_ignored_as_sdg_build_does():
    rows = [({"Units": "Percent"}, {}, "p")]
    assert select_series(SdgSelector(unit="Number"), rows) == ["p"]
    assert select_series(SdgSelector(disaggregation=(("Colour", "Red"),)), rows) == ["p"]


def test_a_single_data_point_is_not_available_not_left_out():
    result = open_sdg_indicator_progress(sdg_component_specs([]), [points(y2019=42.0)])
    assert result.status == "not_available" and result.score is None
    (component,) = result.components
    assert component.current_year == 2019 and component.base_year == 2019
    assert "one year of data" in component.reason


def test_a_missing_target_year_is_assumed_2030_and_said():
    options = [{"direction": "positive", "target": 80}]
    result = open_sdg_indicator_progress(
        sdg_component_specs(options), [points(y2015=50.0, y2020=60.0)]
    )
    (component,) = result.components
    assert component.target_year == 2030
    assert component.assumptions == ("no target year given: Open SDG assumes 2030",)
    assert result.assumptions == ["no target year given: Open SDG assumes 2030"]
    value = growth(60, 50, 5) / growth(80, 50, 2030 - 2015)
    assert component.progress_value == pytest.approx(value, abs=1e-12)
    # With the year given there is nothing to assume; without a target it does not matter.
    said = sdg_component_specs([{"direction": "positive", "target": 80, "target_year": 2030}])
    assert said[0].assumptions == ()
    assert sdg_component_specs([{"direction": "positive"}])[0].assumptions == ()


def test_a_missing_direction_is_read_as_lower_is_better_and_said():
    (spec,) = sdg_component_specs([{"target": 5}])
    assert spec.direction == -1
    assert "no direction given: Open SDG reads lower as better" in spec.assumptions
    (spec,) = sdg_component_specs([{"direction": "Positive"}])
    assert spec.direction == -1 and "'Positive' read as lower is better" in spec.assumptions[0]


def test_a_span_counts_as_its_first_year():
    result = open_sdg_indicator_progress(
        sdg_component_specs([{"direction": "positive", "base_year": 2015}]),
        [[("2015/2017", 100.0), ("2018-2020", 110.0), ("2021-2022*", 121.0)]],
    )
    (c,) = result.components
    assert (c.base_year, c.base_period) == (2015, "2015/2017")
    assert (c.current_year, c.current_period) == (2021, "2021-2022*")
    assert c.progress_value == pytest.approx(growth(121, 100, 6), abs=1e-12)


def test_two_values_for_one_year_stop_the_component():
    result = open_sdg_indicator_progress(
        sdg_component_specs([]), [[("2017", 1.0), ("2017-2019", 2.0), ("2020", 3.0)]]
    )
    assert result.status == "not_available"
    assert "two values for the year 2017" in result.components[0].reason


def test_a_group_counts_once_in_the_mean():
    options = [
        {"series": "Lost time claims", "direction": "negative"},
        {
            "group": [
                {"series": "Fatality claims", "direction": "negative"},
                {"series": "Fatality claims female", "direction": "negative"},
            ]
        },
    ]
    specs = sdg_component_specs(options)
    assert [s.group for s in specs] == [None, 1, 1]
    data = [points(y2015=100.0, y2020=101.0), points(y2015=100.0, y2020=90.0)]
    data.append(points(y2015=100.0, y2020=104.0))
    result = open_sdg_indicator_progress(specs, data)
    lost = falling_score(101.0)
    fatal = min(500 * -growth(90, 100, 5) - 5, 5)
    fatal_female = falling_score(104.0)
    assert result.score == pytest.approx(np.mean([lost, np.mean([fatal, fatal_female])]))
    assert result.status == sdg_status_from_score(result.score)


def test_target_achieved_only_when_every_scored_component_achieved_it():
    options = [
        {"series": "a", "direction": "positive", "target": 50, "target_year": 2030},
        {"series": "b", "direction": "positive", "target": 50, "target_year": 2030},
    ]
    both = open_sdg_indicator_progress(
        sdg_component_specs(options), [points(y2015=40.0, y2020=55.0)] * 2
    )
    assert both.status == "target_achieved" and both.score == 5.0
    one = open_sdg_indicator_progress(
        sdg_component_specs(options),
        [points(y2015=40.0, y2020=55.0), points(y2015=40.0, y2020=42.0)],
    )
    value = growth(42, 40, 5) / growth(50, 40, 15)
    assert 0.6 <= value < 0.95  # moderate on its own
    assert one.score == pytest.approx((5 + 7.1429 * value - 4.2857) / 2, abs=1e-12)
    assert one.status == "substantial_progress"  # read from the mean, 2.69"


def test_status_from_score_boundaries():
    assert [sdg_status_from_score(s) for s in (5, 2.5, 2.49, 0, -0.01, -2.5, -2.51, -5)] == [
        "substantial_progress",
        "substantial_progress",
        "moderate_progress",
        "moderate_progress",
        "limited_progress",
        "limited_progress",
        "deterioration",
        "deterioration",
    ]
    assert sdg_status_from_score(-1.0, target_achieved=True) == "target_achieved"


# sdg-build's own worked example (tests/assets/progress-calculation: indicator 3-3-3,
# ``direction: negative, target: 0``), its data file as published there.
SDG_BUILD_3_3_3 = """Year,Sex,Value
2010,,1.51
2011,,1.51
2012,,1.38
2013,,1.4
2014,,1.27
2015,,1.55
2016,,1.69
2017,,1.65
2018,,1.62
2019,,1.82
2010,Male,2.09
2015,Male,1.94
2019,Male,2.35
2010,Female,0.93
2015,Female,1.16
2019,Female,1.28
"""


def test_sdg_builds_own_example_reads_the_headline_and_replaces_a_zero_target():
    series: dict[str, list[tuple[str, float]]] = {}
    for line in SDG_BUILD_3_3_3.splitlines()[1:]:
        year, sex, value = line.split(",")
        series.setdefault(sex, []).append((year, float(value)))
    candidates = [({}, {"Sex": sex} if sex else {}, sex) for sex in series]
    (spec,) = sdg_component_specs([{"direction": "negative", "target": 0}])
    (chosen,) = select_series(spec.selector, candidates)
    assert chosen == ""  # the headline
    result = open_sdg_indicator_progress([spec], [series[chosen]], indicator_id="3-3-3")
    (c,) = result.components
    observed = (1.82 / 1.55) ** (1 / 4) - 1
    required = (0.001 / 1.55) ** (1 / 15) - 1  # a target of 0 is read as 0.001
    value = -1 * observed / abs(required)
    assert (c.base_year, c.current_year, c.target) == (2015, 2019, 0.001)
    assert c.progress_value == pytest.approx(value, abs=1e-12)
    assert result.score == pytest.approx(max(4.1667 * value - 2.5, -5), abs=1e-12)
    assert result.status == "deterioration"  # score -2.94


def test_a_filter_no_row_matches_is_said():
    from civicloop.learn.store.opensdg import _with_ignored_filters

    (spec,) = sdg_component_specs([{"series": "Aged 5 to 11", "direction": "positive"}])
    rows = [({"Series": "Aged 12 to 17 years"}, {}, "a")]
    noted = _with_ignored_filters(spec, rows)
    assert noted.assumptions == ("no data has Series 'Aged 5 to 11': Open SDG ignores that filter",)
    assert select_series(noted.selector, rows) == ["a"]  # read anyway, as sdg-build does
