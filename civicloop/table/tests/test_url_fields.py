"""Links people type are http(s) only, checked on the model, whichever way they come in."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from civicloop.table.models import Commitment
from civicloop.table.tests.helpers import login, org

pytestmark = pytest.mark.django_db
API = "/api/collaboratives/riverton"
SCRIPT_LINKS = [
    "javascript:alert(5)",
    "JavaScript:alert(5)",
    "data:text/html,<script>",
    "ftp://x.org/a",
]


def send(client, method: str, url: str, body: dict):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _commitment(riverton) -> Commitment:
    return Commitment.objects.create(
        collaborative=riverton, organisation=org("little-steps-child-care-alliance"), title="T"
    )


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_the_api_refuses_a_script_link_on_a_new_commitment(client, carol, link):
    login(client, carol)
    body = {"organisation": "little-steps-child-care-alliance", "title": "T", "evidence_url": link}
    answer = send(client, "post", f"{API}/commitments", body)
    assert answer.status_code == 422, answer.content
    assert "evidence_url" in answer.json()["detail"]
    assert not Commitment.objects.filter(evidence_url=link).exists()


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_the_api_refuses_a_script_link_on_an_update(client, carol, riverton, link):
    item = _commitment(riverton)
    login(client, carol)
    answer = send(client, "patch", f"{API}/commitments/{item.pk}", {"evidence_url": link})
    assert answer.status_code == 422, answer.content
    item.refresh_from_db()
    assert item.evidence_url == ""


def test_a_web_link_is_still_taken(client, carol, riverton):
    item = _commitment(riverton)
    login(client, carol)
    link = "https://example.org/report.pdf"
    answer = send(client, "patch", f"{API}/commitments/{item.pk}", {"evidence_url": link})
    assert answer.status_code == 200 and answer.json()["evidence_url"] == link


def test_the_model_itself_refuses_script_links(riverton):
    item = _commitment(riverton)
    item.evidence_url = "javascript:alert(5)"
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert "evidence_url" in caught.value.message_dict
    organisation = org("little-steps-child-care-alliance")
    organisation.website = "javascript:alert(1)"
    with pytest.raises(ValidationError):
        organisation.full_clean()


def test_a_null_status_is_a_clear_refusal_not_a_server_error(client, carol, riverton):
    item = _commitment(riverton)
    login(client, carol)
    answer = send(client, "patch", f"{API}/commitments/{item.pk}", {"status": None})
    assert answer.status_code == 422, answer.content
    item.refresh_from_db()
    assert item.status == "not_started"
