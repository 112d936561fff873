"""The demo's table: what it promises, on the installed demo."""

from __future__ import annotations

import pytest

from civicloop.demo.generator import MISSING_ORGANISATION
from civicloop.table.models import (
    Commitment,
    IndicatorSector,
    OrganisationPopulation,
    RoleChange,
    Round,
    RoundStatus,
    Seat,
)
from civicloop.table.tests.helpers import org

pytestmark = pytest.mark.django_db


def test_the_demo_has_commitments_some_overdue(riverton):
    commitments = Commitment.objects.filter(collaborative=riverton)
    assert commitments.count() == 10
    assert commitments.overdue().count() == 3


def test_the_demo_has_role_changes(riverton):
    assert RoleChange.objects.filter(organisation__collaborative=riverton).count() >= 5


def test_the_demo_has_one_closed_and_one_open_round(riverton):
    assert Round.objects.filter(collaborative=riverton, status=RoundStatus.CLOSED).count() == 1
    assert Round.objects.filter(collaborative=riverton, status=RoundStatus.OPEN).count() == 1


def test_the_planted_missing_partner_still_has_no_seat_and_a_matching_footprint():
    health = org(MISSING_ORGANISATION)
    assert not Seat.objects.filter(organisation=health).exists()
    assert OrganisationPopulation.objects.filter(
        organisation=health, population__slug="families-with-young-children"
    ).exists()


def test_every_indicator_says_which_sectors_it_needs(riverton):
    from civicloop.results.models import Indicator

    needed = set(IndicatorSector.objects.values_list("indicator", flat=True))
    # Population indicators; a partner's performance measures need no sectors of their own.
    population = Indicator.objects.filter(result__collaborative=riverton).population()
    assert set(population.values_list("pk", flat=True)) == needed


def test_the_demo_stage_summary_names_the_planted_partner(riverton):
    from rich.console import Console

    from civicloop.table.demo_stage import run

    console = Console(record=True, width=200)
    summary = run(riverton, console)
    assert summary["missing"]["early-literacy"] == MISSING_ORGANISATION
    assert summary["overdue"] == 3
    assert "South Ward Family Health Center" in console.export_text()
