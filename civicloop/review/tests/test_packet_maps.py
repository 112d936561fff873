"""The printed packet maps each indicator's latest value by area, as of the review's date."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from civicloop.results.models import Observation, Revision
from civicloop.review import packet as packets
from civicloop.review.maps import packet_maps
from civicloop.review.pdf import packet_html, packet_pdf
from civicloop.review.tests.helpers import past_review

pytestmark = pytest.mark.django_db


def test_the_maps_show_the_data_as_of_the_date(riverton):
    on = past_review().held_on  # 15 October 2024: the 2024-25 school year had not ended
    maps = packet_maps(riverton, on)
    reading = next(m for m in maps if m["map"].indicator.slug == "third-grade-reading")
    assert reading["map"].level == "neighbourhood" and len(reading["map"].areas) == 12
    assert reading["map"].period == "2023-24"
    assert not reading["map"].has_verdicts  # today's verdicts are not the date's
    assert reading["svg"].count("<path") == 12 and 'role="img"' in reading["svg"]
    assert _reading_periods(riverton, date(2025, 10, 15)) == "2024-25"


def _reading_periods(collaborative, on) -> str:
    maps = packet_maps(collaborative, on)
    return next(m for m in maps if m["map"].indicator.slug == "third-grade-reading")["map"].period


def _reading_values(collaborative, on) -> dict[str, float | None]:
    maps = packet_maps(collaborative, on)
    found = next(m for m in maps if m["map"].indicator.slug == "third-grade-reading")
    return {a.code: a.value for a in found["map"].areas}


def test_a_later_restatement_does_not_change_a_past_packets_map(riverton):
    on = past_review().held_on
    before = _reading_values(riverton, on)
    obs = Observation.objects.get(
        series__indicator__slug="third-grade-reading",
        series__area__code="s-clinton",
        series__group__isnull=True,
        period__label="2023-24",
    )
    # A restatement made today: the packet of October 2024 still maps what was known then.
    Revision.objects.create(observation=obs, old_value=obs.value, new_value=obs.value + 9)
    Observation.objects.filter(pk=obs.pk).update(value=obs.value + 9)
    assert _reading_values(riverton, on) == before
    assert before["s-clinton"] == obs.value


def test_the_pdf_carries_the_maps(riverton, tmp_path):
    review = past_review()
    packet = packets.for_review(review)
    context = {
        "collaborative": riverton,
        "review": review,
        "packet": packet,
        "indicators": {r["slug"]: r for r in packet["indicators"]},
        "decisions": {},
    }
    html = packet_html(context)
    section = html[html.index('<h2 id="maps">') :]
    assert section.count('class="map-svg"') >= 5  # an indicator a map, most of them by area
    assert "Latest value, 2023-24" in section and "Weequahic Hills" in section
    assert "Every neighbourhood: the value for 2023-24." in section
    assert "Trend" not in section  # as of the date, the values alone
    data = packet_pdf(context)
    assert data.startswith(b"%PDF")
    pdf = tmp_path / "packet.pdf"
    pdf.write_bytes(data)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "By area" in text and "Weequahic Hills" in text
