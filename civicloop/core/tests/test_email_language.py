"""Emails are written in the site's language, whatever language the sender's page or the
command speaks: the app does not know its readers' languages (the switcher keeps a cookie,
not a setting of the account), and the words are in the catalog for when it does."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.utils import translation

from civicloop.core.models import Role
from civicloop.core.tests.people import login
from civicloop.measure import reminders
from civicloop.table.models import Organisation

pytestmark = pytest.mark.django_db


def test_an_invitation_from_a_spanish_page_is_written_in_the_sites_language(client, alice):
    login(client, alice)
    org = Organisation.objects.get(slug="little-steps-child-care-alliance")
    response = client.post(
        "/c/riverton/setup/people/",
        {"email": "gwen@littlesteps.example", "role": Role.PARTNER_MEMBER, "organisation": org.pk},
        HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9",
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert "You are invited to join as partner member" in message.subject
    assert "Open this link to choose your username and password:" in message.body
    with translation.override("es"):  # the words a Spanish invitation will use
        assert translation.gettext("Open this link to choose your username and password:") == (
            "Abra este enlace para elegir su nombre de usuario y su contraseña:"
        )


def test_a_reminder_sent_by_a_spanish_command_is_in_the_sites_language(riverton, alice, carol):
    carol.email = "carol@littlesteps.test"
    carol.save()
    with translation.override("es"):  # as under CIVICLOOP_LANGUAGE=es
        reminders.remind(riverton, on=date(2027, 7, 10))
        assert translation.get_language() == "es"  # the command's language is left as it was
    sent = [m for m in mail.outbox if m.to == ["carol@littlesteps.test"]]
    assert sent and "Data overdue" in sent[0].subject
    assert "data calendar says these numbers are yours to send" in sent[0].body
    with translation.override("es"):
        assert "Vencido" in translation.gettext("Overdue: %(indicator)s for %(period)s")
