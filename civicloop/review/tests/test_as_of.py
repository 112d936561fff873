"""A packet uses the data as of its date, so a later revision rewrites neither a signed
decision's evidence nor a packet rebuilt for an earlier date."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from civicloop.measure.loads import load_file
from civicloop.results.models import Observation
from civicloop.review import packet as packets
from civicloop.review.decisions import record_decision
from civicloop.review.models import Decision, Review
from civicloop.review.tests.helpers import strategy

pytestmark = pytest.mark.django_db

MEETING = date(2025, 10, 15)


def _without_build_time(packet: dict) -> dict:
    return {k: v for k, v in packet.items() if k != "built_at"}


def _revise_readiness(riverton, tmp_path, bob):
    """A partner restates 2023-24 kindergarten readiness in the South Ward, ten points up:
    enough to move the home child-care network's estimate, if anything let it."""
    obs = Observation.objects.filter(
        series__indicator__slug="kindergarten-readiness",
        series__area__code__in=["s-clinton", "s-ironbound"],
        series__group__isnull=True,
        period__label="2023-24",
    ).select_related("series__area")
    lines = ["indicator,area,period,value"] + [
        f"kindergarten-readiness,{o.series.area.code},2023-24,{o.value + 10:.1f}" for o in obs
    ]
    path = tmp_path / "restatement.csv"
    path.write_text("\n".join(lines) + "\n")
    report = load_file(path, riverton, user=bob)
    assert report.rows_changed == 2, report.problems


def test_a_later_revision_never_rewrites_history(riverton, bob, tmp_path):
    review = Review.objects.create(collaborative=riverton, held_on=MEETING)
    before = packets.build(riverton, MEETING)
    signed = record_decision(review, strategy("home-child-care-network"), "scale", "It works.", bob)
    evidence = signed.evidence
    today_before = packets.strategy_entry(
        packets.build(riverton, timezone.localdate()), "home-child-care-network"
    )["effects"][0]["estimate"]

    _revise_readiness(riverton, tmp_path, bob)

    # The revision is real: today's packet sees it...
    today_after = packets.strategy_entry(
        packets.build(riverton, timezone.localdate()), "home-child-care-network"
    )["effects"][0]["estimate"]
    assert today_after != pytest.approx(today_before)
    # ...but the decision's evidence, the frozen packet and the packet rebuilt for the
    # meeting's date are what they were.
    assert Decision.objects.get(pk=signed.pk).evidence == evidence
    review.refresh_from_db()
    assert _without_build_time(review.snapshot) == _without_build_time(before)
    assert _without_build_time(packets.build(riverton, MEETING)) == _without_build_time(before)


def test_periods_ending_after_the_date_are_left_out(riverton):
    fall_2024 = packets.build(riverton, date(2024, 10, 15))
    readiness = packets.indicator(fall_2024, "kindergarten-readiness")
    assert readiness["latest"]["label"] == "2023-24"  # 2024-25 ends in 2025
    unemployment = packets.indicator(fall_2024, "unemployment-rate")
    assert unemployment["latest"]["label"] == "2024-09"
    nudges = packets.strategy_entry(fall_2024, "attendance-text-nudges")
    assert nudges["effects"][0]["periods_since"] == 4  # 2020-21 to 2023-24


def test_the_demo_restatement_is_undone_before_it_was_made(riverton):
    """The demo's reading restatement was loaded today: yesterday, the old values held."""
    yesterday = date.fromordinal(timezone.localdate().toordinal() - 1)
    then = packets.indicator(packets.build(riverton, yesterday), "third-grade-reading")
    now = packets.indicator(packets.build(riverton, timezone.localdate()), "third-grade-reading")
    assert then["latest"]["label"] == now["latest"]["label"] == "2024-25"
    assert now["latest"]["value"] == pytest.approx(then["latest"]["value"] + 0.4, abs=0.05)


def test_a_status_changed_after_the_date_is_undone(riverton, bob):
    from civicloop.review.decisions import change_status

    lending = strategy("main-street-lending")
    change_status(lending, "stopped", "The fund closed the programme.", bob)
    assert "main-street-lending" not in {
        s["slug"] for s in packets.build(riverton, timezone.localdate())["strategies"]
    }
    assert packets.strategy_entry(packets.build(riverton, MEETING), "main-street-lending")
