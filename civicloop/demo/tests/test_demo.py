"""The demo is deterministic, labelled synthetic, and carries the signals it promises."""

from __future__ import annotations

import numpy as np
import pytest

from civicloop.demo import generator as g
from civicloop.results.models import Indicator, Observation
from civicloop.table.models import Organisation, Seat, Sector, Strategy


def city_series(data, indicator, area="riverton"):
    rows = [r for r in data.rows if r.indicator == indicator and r.area == area and not r.group]
    return np.array([r.value for r in rows])


def test_the_same_seed_gives_the_same_numbers():
    a, b = g.generate(), g.generate()
    assert [r.value for r in a.rows] == [r.value for r in b.rows]


def test_it_is_as_rich_as_promised():
    assert len(g.NEIGHBOURHOODS) == 12 and len(g.RESULTS) == 3
    assert 10 <= len(g.INDICATORS) <= 15
    assert {s.frequency for s in g.INDICATORS} == {"year", "school_year", "month"}
    assert 20 <= len(g.ORGANISATIONS) <= 30
    assert len({o[2] for o in g.ORGANISATIONS}) >= 8
    assert len(g.STRATEGIES) == 6
    assert sum(s.survey for s in g.INDICATORS) == 1


def test_the_effective_strategy_moves_its_neighbourhoods_and_the_other_does_not():
    data = g.generate()
    start = g.STRATEGY_START_INDEX

    def did(indicator, treated_ward):
        treated = np.mean(
            [
                city_series(data, indicator, c)
                for c, _n, w, _p in g.NEIGHBOURHOODS
                if w == treated_ward
            ],
            0,
        )
        others = np.mean(
            [
                city_series(data, indicator, c)
                for c, _n, w, _p in g.NEIGHBOURHOODS
                if w != treated_ward
            ],
            0,
        )
        return (treated[start:].mean() - treated[:start].mean()) - (
            others[start:].mean() - others[:start].mean()
        )

    assert did("kindergarten-readiness", "south") > 5
    assert abs(did("chronic-absence", "west")) < 1.5


def test_the_survey_rise_is_within_its_margin_of_error():
    data = g.generate()
    rows = [
        r
        for r in data.rows
        if r.indicator == "emergency-savings" and r.area == "riverton" and not r.group
    ]
    last, before = rows[-1], rows[-2]
    assert last.value - before.value == pytest.approx(3.0, abs=0.05)
    se = last.margin_of_error / 1.645
    assert (last.value - before.value) / np.sqrt(2 * se**2) < 1.645


@pytest.mark.django_db
def test_installed_demo_is_labelled_and_complete(riverton):
    assert riverton.is_synthetic
    # The demo grew an indicator computed from raw records and partners' performance
    # measures; the loaded ones are as generated.
    indicators = Indicator.objects.filter(result__collaborative=riverton)
    assert indicators.population().count() == len(g.INDICATORS) + len(g.COMPUTED_INDICATORS)
    assert indicators.performance_measures().count() == len(g.PERFORMANCE_MEASURES)
    assert Observation.objects.filter(
        series__indicator__result__collaborative=riverton,
        series__indicator__computation__isnull=True,
        series__indicator__performance_measure__isnull=True,
    ).count() == len(g.generate().rows)
    assert Observation.objects.filter(
        series__indicator__performance_measure__isnull=False
    ).count() == sum(len(m["values"]) for m in g.PERFORMANCE_MEASURES)
    assert Strategy.objects.filter(collaborative=riverton).count() == 6
    missing = Organisation.objects.get(collaborative=riverton, slug=g.MISSING_ORGANISATION)
    assert not Seat.objects.filter(organisation=missing).exists()
    literacy_sectors = set(
        Seat.objects.filter(result__slug="early-literacy").values_list(
            "organisation__sector", flat=True
        )
    )
    assert (
        Sector.HEALTH_SYSTEM not in literacy_sectors
        and Sector.PUBLIC_HEALTH not in literacy_sectors
    )
