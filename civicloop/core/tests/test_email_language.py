"""Every email is written in its reader's language (`User.language`, chosen on their account
page or by whoever invited them), whatever language the sender's page or the command
speaks; a reader who chose none reads the site's language."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from civicloop.core import people
from civicloop.core.models import Invitation, Membership, Role, User
from civicloop.core.tests.people import PASSWORD, login
from civicloop.measure import reminders
from civicloop.table.models import Organisation

pytestmark = pytest.mark.django_db

LITTLE_STEPS = "little-steps-child-care-alliance"


def test_an_invitation_from_a_spanish_page_is_written_in_the_sites_language(client, alice):
    login(client, alice)
    org = Organisation.objects.get(slug=LITTLE_STEPS)
    response = client.post(
        "/c/riverton/setup/people/",
        {"email": "gwen@littlesteps.example", "role": Role.PARTNER_MEMBER, "organisation": org.pk},
        HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9",
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert "You are invited to join as partner member" in message.subject
    assert "Open this link to choose your username and password:" in message.body


def test_an_invitation_in_spanish_is_written_in_spanish_and_the_account_starts_in_it(client, alice):
    login(client, alice)
    org = Organisation.objects.get(slug=LITTLE_STEPS)
    response = client.post(
        "/c/riverton/setup/people/",
        {
            "email": "gwen@littlesteps.example",
            "role": Role.PARTNER_MEMBER,
            "organisation": org.pk,
            "language": "es",
        },
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert "Abra este enlace para elegir su nombre de usuario y su contraseña:" in message.body
    assert "Lo invitan a unirse como" in message.subject
    invitation = Invitation.objects.get(email="gwen@littlesteps.example")
    assert invitation.language == "es"
    gwen = User.objects.create_user("gwen", password=PASSWORD)
    people.accept(invitation, gwen)
    gwen.refresh_from_db()
    assert gwen.language == "es"


def test_a_language_civicloop_does_not_speak_is_refused_by_the_model(carol):
    carol.language = "fr"
    with pytest.raises(ValidationError) as caught:
        carol.full_clean()
    assert "language" in caught.value.message_dict


def _second_steward(riverton, language: str) -> User:
    gwen = User.objects.create_user(
        "gwen", password=PASSWORD, email="gwen@littlesteps.test", language=language
    )
    Membership.objects.create(
        user=gwen,
        collaborative=riverton,
        role=Role.PARTNER_MEMBER,
        organisation=Organisation.objects.get(slug=LITTLE_STEPS),
    )
    return gwen


def test_a_spanish_stewards_reminder_is_in_spanish_and_an_english_ones_in_english(
    riverton, alice, carol
):
    carol.email = "carol@littlesteps.test"
    carol.language = "es"
    carol.full_clean()
    carol.save()
    _second_steward(riverton, "en")
    with translation.override("en"):  # the worker's (or the command's) language is not theirs
        report = reminders.remind(riverton, on=date(2027, 7, 10))
    [spanish] = [m for m in mail.outbox if m.to == ["carol@littlesteps.test"]]
    [english] = [m for m in mail.outbox if m.to == ["gwen@littlesteps.test"]]
    assert "Datos vencidos" in spanish.subject
    assert "a usted le corresponde" in " ".join(spanish.body.split())
    assert "data calendar says these numbers are yours to send" not in spanish.body
    assert "Data overdue" in english.subject
    assert "data calendar says these numbers are yours to send" in english.body
    assert len(report.sent) == 2 and not report.failed


def test_a_reminder_sent_by_a_spanish_command_is_in_the_readers_language(riverton, alice, carol):
    carol.email = "carol@littlesteps.test"
    carol.save()  # carol chose no language: the site's
    with translation.override("es"):  # as under CIVICLOOP_LANGUAGE=es
        reminders.remind(riverton, on=date(2027, 7, 10))
        assert translation.get_language() == "es"  # the command's language is left as it was
    sent = [m for m in mail.outbox if m.to == ["carol@littlesteps.test"]]
    assert sent and "Data overdue" in sent[0].subject
    assert "data calendar says these numbers are yours to send" in sent[0].body


def test_the_account_page_sets_the_language_the_app_then_speaks(client, carol):
    login(client, carol)
    page = client.get("/accounts/me/")
    assert page.status_code == 200
    response = client.post("/accounts/me/", {"display_name": "Carol", "language": "es"})
    assert response.status_code == 302
    carol.refresh_from_db()
    assert carol.language == "es"
    client.cookies.pop("django_language", None)  # no switcher cookie: the account decides
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert home["Content-Language"] == "es"
    bad = client.post("/accounts/me/", {"display_name": "Carol", "language": "fr"})
    assert bad.status_code == 400


def test_the_switcher_still_wins_over_the_account(client, carol):
    carol.language = "es"
    carol.save()
    login(client, carol)
    assert client.get("/")["Content-Language"] == "es"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/")["Content-Language"] == "en"


def test_the_account_page_is_for_the_signed_in_and_the_public_site_keeps_its_address(client, carol):
    assert client.get("/accounts/me/").status_code == 302  # to the sign-in page
    carol.language = "es"
    carol.save()
    login(client, carol)
    assert client.get("/public/")["Content-Language"] == "en"  # its address decides
    assert client.get("/api/collaboratives/")["Content-Language"] == "en"
