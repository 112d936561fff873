"""Turn the Curve on an indicator: the band shown is statsmodels' prediction band fitted to
the values before the work began, and the words never claim a turn the band does not show."""

from __future__ import annotations

import re

import numpy as np
import pytest
import statsmodels.api as sm
from django.urls import reverse

from civicloop.learn import words
from civicloop.learn.store.batches import period_time, year_fraction
from civicloop.learn.store.curve import Row, curve_of, indicator_curve, starts
from civicloop.results.models import Indicator, Observation
from civicloop.results.queries import top_area

pytestmark = pytest.mark.django_db


def savings() -> Indicator:
    return Indicator.objects.get(result__collaborative__slug="riverton", slug="emergency-savings")


def headline(ind: Indicator, area) -> list[Observation]:
    return list(
        Observation.objects.as_approved()
        .filter(series__indicator=ind, series__area=area, series__group__isnull=True)
        .select_related("period")
        .order_by("period__start")
    )


def test_the_band_is_statsmodels_prediction_band_fitted_before_the_start(riverton):
    ind, area = savings(), top_area(riverton)
    start = starts([ind])[ind.pk]
    # The demo collaborative says when its work began (2020), the start of every band;
    # the fallback to the strategies is in test_work_began.
    assert (start.label, start.source) == (riverton.work_began.label, "collaborative")
    curve = indicator_curve(ind, area)
    obs = headline(ind, area)
    since = year_fraction(start.day)
    t = np.array(
        [period_time(o.period.kind, o.period.label, o.period.start, o.period.end) for o in obs]
    )
    y = np.array([o.value for o in obs])
    before = t < since
    assert curve.n_fit == before.sum() >= 3
    fit = sm.OLS(y[before], sm.add_constant(t[before])).fit()
    frame = fit.get_prediction(sm.add_constant(t[~before], has_constant="add")).summary_frame(
        alpha=0.05
    )
    assert [b.label for b in curve.band] == [
        o.period.label for o, b in zip(obs, before, strict=True) if not b
    ]
    np.testing.assert_allclose([b.expected for b in curve.band], frame["mean"], rtol=1e-9)
    np.testing.assert_allclose([b.lower for b in curve.band], frame["obs_ci_lower"], rtol=1e-9)
    np.testing.assert_allclose([b.upper for b in curve.band], frame["obs_ci_upper"], rtol=1e-9)
    assert curve.level == 0.95 and curve.fit_to == obs[int(before.sum()) - 1].period.label


def _rows(values, first_year=2012):
    return [
        Row.of("year", str(first_year + i), *_year(first_year + i), v) for i, v in enumerate(values)
    ]


def _year(y):
    from datetime import date

    return date(y, 1, 1), date(y, 12, 31)


@pytest.mark.parametrize(
    ("direction", "last", "status", "lead"),
    [
        ("higher", 40.0, "better_than_baseline", "Turning the curve"),
        ("lower", 40.0, "worse_than_baseline", "Turning the wrong way"),
        ("lower", 10.0, "better_than_baseline", "Turning the curve"),
        ("higher", 21.5, "within_baseline", "Not turning yet"),
    ],
)
def test_the_words_follow_the_band_and_the_direction(riverton, direction, last, status, lead):
    from datetime import date

    from civicloop.learn.store.curve import Start

    ind = Indicator(slug="x", name="X", unit="%", unit_kind="percent", decimals=1)
    ind.direction = direction
    # 2012..2019 rise by 0.5 a year with a little noise; the work began in 2020.
    before = [17.0, 17.6, 17.9, 18.6, 19.0, 19.4, 20.1, 20.5]
    curve = curve_of(ind, None, _rows(before + [20.9, last]), Start(date(2020, 1, 1), "2020"))
    assert curve.status == status
    assert curve.sentence.startswith(lead)
    assert "95% band" in curve.sentence and "2012 to 2019 (8 observations" in curve.sentence
    assert curve.latest_label == "2021" and curve.latest_value == last


def test_a_survey_estimate_whose_margin_reaches_the_band_is_not_a_turn(riverton):
    from datetime import date

    from civicloop.learn.store.curve import Start

    ind = Indicator(slug="x", name="X", unit="%", unit_kind="percent", decimals=1)
    ind.direction = "higher"
    before = [17.0, 17.6, 17.9, 18.6, 19.0, 19.4, 20.1, 20.5]
    rows = _rows(before + [20.9, 40.0])
    start = Start(date(2020, 1, 1), "2020")
    clear = curve_of(ind, None, [*rows[:-1], Row(rows[-1].period, 40.0, 2.0)], start)
    assert clear.status == "better_than_baseline" and clear.latest_margin == 2.0
    upper = clear.latest_upper
    noisy = curve_of(ind, None, [*rows[:-1], Row(rows[-1].period, 40.0, 40.0 - upper + 0.1)], start)
    assert noisy.status == "within_margin" and words.badge(noisy.status) == "warn"
    assert noisy.sentence.startswith("Not turning yet: in 2021 the value, 40.0%, is above")
    assert "may be sampling noise" in noisy.sentence


def test_no_claim_without_a_start_or_without_enough_history(riverton):
    from datetime import date

    from civicloop.learn.store.curve import Start

    ind = Indicator(slug="x", name="X", unit="%", unit_kind="percent", direction="higher")
    none = curve_of(ind, None, _rows([1.0, 2.0, 3.0, 9.0]), None)
    assert none.status == "no_start" and not none.band
    assert none.sentence.startswith("Not enough data: nobody has said when the work")
    short = curve_of(ind, None, _rows([1.0, 2.0, 30.0]), Start(date(2014, 1, 1), "2014"))
    assert short.status == "not_enough_data" and not short.band
    assert "2 observations before the work began in 2014" in short.sentence
    nothing_since = curve_of(ind, None, _rows([1.0, 2.0, 3.0]), Start(date(2020, 1, 1), "2020"))
    assert nothing_since.status == "no_data_since"
    assert words.badge(short.status) == "" and words.badge("better_than_baseline") == "good"


def test_the_working_app_chart_carries_the_band_and_the_page_says_it(client, erin, riverton):
    client.force_login(erin)
    response = client.get(reverse("indicator", args=["riverton", "emergency-savings"]))
    spec = response.context["spec"]
    band = [layer for layer in spec["layer"] if "layer" in layer and "data" in layer]
    forecast = [
        layer for layer in band if any(sub.get("name") == "forecast_band" for sub in layer["layer"])
    ]
    assert forecast, "no forecast band layer"
    values = forecast[0]["data"]["values"]
    curve = response.context["curve"]
    assert [v["lower"] for v in values] == [b.lower for b in curve.band]
    assert values[0]["band"] == "Baseline forecast, 95% band"
    html = re.sub(r"\s+", " ", response.content.decode())
    assert "Turn the curve:" in html and curve.sentence.replace('"', "&quot;") in html


def test_every_line_view_keeps_the_headline_band(client, erin, riverton):
    client.force_login(erin)
    response = client.get(
        reverse("indicator", args=["riverton", "kindergarten-readiness"]) + "?by=areas"
    )
    assert any(
        sub.get("name") == "forecast_band"
        for layer in response.context["spec"]["layer"]
        for sub in layer.get("layer", [])
    )
