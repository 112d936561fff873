"""The Turn the Curve conversation is written in both languages: the form shows each text's
Spanish twin, the English stays as it was whoever saves, and the public's Spanish pages read
the Spanish a chair declared (the English where there is none)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from civicloop.results.models import Indicator
from civicloop.review.models import CurveConversation
from civicloop.review.tests.helpers import login
from civicloop.review.tests.test_curve_conversation import declare_url, edit_url, form

pytestmark = pytest.mark.django_db
SAVINGS = "emergency-savings"
PUBLIC = f"/public/c/riverton/indicators/{SAVINGS}/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_conversations_spanish_round_trips_and_the_public_reads_it_in_spanish(
    client, alice, bob
):
    login(client, alice)
    page = client.get(edit_url("indicators", SAVINGS), HTTP_ACCEPT_LANGUAGE="es").content
    assert b'name="story_es"' in page and b'name="action_plan_es"' in page
    spanish = {
        "story_es": "Las cuentas de ahorro con aporte equivalente abrieron en 2020.",
        "action_plan_es": "Abrir 400 cuentas más en el South Ward.",
    }
    # Saved from a Spanish page: the English fields stay the English.
    response = client.post(
        edit_url("indicators", SAVINGS), form(**spanish), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 302
    talk = CurveConversation.objects.get(indicator__slug=SAVINGS)
    assert talk.story_en == "The matched savings accounts opened in 2020."
    assert talk.story_es == spanish["story_es"] and talk.how_are_we_doing_es is None
    with translation.override("es"):
        assert talk.story == spanish["story_es"]
        assert talk.how_are_we_doing == "Above the forecast since 2023."  # falls back
        copy = talk.working_copy()
    assert copy["story"] == "The matched savings accounts opened in 2020."  # English keys
    assert copy["es"] == {name.removesuffix("_es"): text for name, text in spanish.items()}

    login(client, bob)
    assert client.post(declare_url("indicators", SAVINGS)).status_code == 302
    client.logout()
    cache.clear()
    english = client.get(PUBLIC).content.decode()
    assert "The matched savings accounts opened in 2020." in english
    assert "Las cuentas de ahorro" not in english
    cache.clear()
    html = client.get(f"/es{PUBLIC}").content.decode()
    assert spanish["story_es"] in html and spanish["action_plan_es"] in html
    assert "The matched savings accounts" not in html
    assert "Above the forecast since 2023." in html  # no Spanish written: the English

    # The working app's panel reads the Spanish to a Spanish reader, and nothing changed.
    login(client, alice)
    panel = client.get(
        reverse("indicator", args=["riverton", SAVINGS]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert spanish["story_es"] in panel
    assert "Changed since" not in panel


def test_a_copy_declared_before_any_spanish_still_equals_its_conversation(riverton):
    indicator = Indicator.objects.get(slug=SAVINGS)
    talk = CurveConversation.objects.create(
        collaborative=riverton, indicator=indicator, story="English only."
    )
    assert "es" not in talk.working_copy()


def test_the_packet_reads_the_conversation_in_its_readers_language(client, alice, riverton):
    from datetime import date

    from civicloop.review import packet as packets
    from civicloop.review.models import Review

    login(client, alice)
    story_es = "Las cuentas de ahorro con aporte equivalente abrieron en 2020."
    client.post(edit_url("indicators", SAVINGS), form(story_es=story_es))
    review = Review.objects.create(collaborative=riverton, held_on=date(2031, 3, 14))
    url = reverse("review", args=["riverton", review.pk])
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert story_es in spanish
    assert "The matched savings accounts opened in 2020." not in spanish
    assert "Above the forecast since 2023." in spanish  # no Spanish written: the English
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The matched savings accounts opened in 2020." in english and story_es not in english

    packets.freeze(review)  # the record keeps both languages: each reader still reads theirs
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert story_es in spanish and "The matched savings accounts opened" not in spanish
