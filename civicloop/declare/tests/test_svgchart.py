"""The server-drawn SVG charts: well-formed, labelled for screen readers, scaled sensibly."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from civicloop.declare.svgchart import Mark, line_chart, nice_ticks, year_ticks
from civicloop.results.charts import Point

SVG = "{http://www.w3.org/2000/svg}"


def points():
    return [
        Point("All", str(y), f"{y}-01-01", 30 + y - 2016, 29 + y - 2016, 31 + y - 2016)
        for y in range(2016, 2026)
    ] + [Point("South", str(y), f"{y}-01-01", 25 + y - 2016) for y in range(2016, 2026)]


def test_a_chart_is_one_labelled_image_with_a_tooltip_per_point():
    svg = line_chart(
        points(),
        title="Reading, Riverton",
        value_text=lambda v: f"{v:.1f}%",
        target=Mark("Target", "2030-01-01", 50.0),
        baseline=Mark("Baseline", "2016-01-01", 30.0),
        chart_id="reading",
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "reading-title reading-desc"
    assert root.find(f"{SVG}title").text == "Reading, Riverton"
    desc = root.find(f"{SVG}desc").text
    assert "2 lines (All, South) from 2016 to 2025" in desc and "Target: 50.0%" in desc
    tips = [t.text for t in root.iter(f"{SVG}title")][1:]
    assert "All, 2025: 39.0% (38.0% to 40.0%)" in tips
    assert "Target: 50.0%" in tips
    assert len(root.findall(f".//{SVG}polygon")) == 1  # the margin-of-error band


def test_an_empty_chart_says_so():
    svg = line_chart([], title="Nothing", value_text=str)
    # ET.fromstring returns an element or raises, so "is not None" proved nothing: check
    # what the reader gets, an image titled for what it lacks, with its words and no marks.
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Nothing: no data yet"
    assert [t.text for t in root.iter(f"{SVG}text")] == ["No data yet."]
    assert not root.findall(f".//{SVG}path") and not root.findall(f".//{SVG}polyline")


def test_ticks_are_round_and_cover_the_range():
    assert nice_ticks(22.2, 50.0) == [20.0, 30.0, 40.0, 50.0]
    ticks = nice_ticks(3.37, 9.12)
    assert ticks[0] <= 3.37 and ticks[-1] >= 9.12 and len(ticks) <= 8
    years = year_ticks(736330.0, 741000.0, 400)  # 2017..2029 in 400 px
    assert years == sorted(years) and len(years) <= 7
