"""The packet on the demo data finds the planted signals, and says what learn says."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicloop.learn import store
from civicloop.review import packet as packets

pytestmark = pytest.mark.django_db


@pytest.fixture
def packet(riverton):
    return packets.build(riverton, timezone.localdate())


def test_the_effective_strategy_is_scaled_or_kept(packet):
    child_care = packets.strategy_entry(packet, "home-child-care-network")
    assert child_care["proposal"]["decision"] in ("scale", "stay")
    assert child_care["proposal"]["decision"] == "scale"  # +7 points against the hoped-for +5
    (effect,) = child_care["effects"]
    assert effect["status"] == "working" and effect["low"] > 0


def test_the_ineffective_strategy_changes_course(packet):
    nudges = packets.strategy_entry(packet, "attendance-text-nudges")
    assert nudges["proposal"]["decision"] == "change_course"
    (effect,) = nudges["effects"]
    assert effect["status"] == "not_working" and effect["low"] < 0 < effect["high"]


def test_the_rise_within_the_margin_of_error_is_not_progress(packet):
    savings = packets.indicator(packet, "emergency-savings")
    assert savings["margin"]["significant"] is False
    assert "+3.0 points" in savings["margin"]["sentence"]
    assert savings["verdict"]["status"] not in ("improving", "worsening")
    assert savings["verdict"]["badge"] != "good"
    assert savings["progress"]["status"] in ("off_track", "too_noisy", "not_enough_data")


def test_as_of_today_the_numbers_are_learns_own(packet, riverton):
    (learn,) = [
        e for e in store.strategy_effects(riverton) if e.strategy == "home-child-care-network"
    ]
    (ours,) = packets.strategy_entry(packet, "home-child-care-network")["effects"]
    assert ours["estimate"] == pytest.approx(learn.estimate)
    assert (ours["low"], ours["high"]) == (pytest.approx(learn.low), pytest.approx(learn.high))
    assert ours["p_adjusted"] == pytest.approx(learn.p_adjusted)


def test_the_packet_lists_what_the_table_must_see(packet):
    assert {s["slug"] for s in packet["strategies"]} == {
        "home-child-care-network",
        "attendance-text-nudges",
        "family-savings-accounts",
        "eviction-diversion",
        "asthma-home-visits",
        "main-street-lending",
    }
    assert packet["overdue"] and all(c["days_overdue"] > 0 for c in packet["overdue"])
    assert [r["title"] for r in packet["rounds"]] == ["Where should the next $1 million go?"]
    # The demo's fall 2024 review left Main Street lending undecided.
    assert any(o["about"] == "Main Street lending" for o in packet["owed"])
    assert packet["previous_review"]["held_on"] == "2024-10-15"
    assert "emergency-savings" in packet["off_track"]
