"""Breakdown charts (by a dimension, by area) carry a titled legend; the headline needs none."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db

INDICATOR = "/c/riverton/indicators/third-grade-reading/"


def line_legend(client, query: str):
    page = client.get(INDICATOR + query).content.decode()
    spec = json.loads(
        re.search(r'<script id="spec-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    line = next(layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "line")
    return line["encoding"]["color"]["legend"]


@pytest.mark.parametrize(
    ("query", "title"), [("?by=race-ethnicity", "Race/ethnicity"), ("?by=areas", "Area")]
)
def test_a_breakdown_has_a_titled_legend(client, query, title):
    legend = line_legend(client, query)
    assert legend["title"] == title and legend["orient"] == "top"


def test_the_headline_alone_has_no_legend(client):
    assert line_legend(client, "") is None
