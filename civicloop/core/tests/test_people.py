"""People set-up: only a collaborative's own backbone admins invite, change roles and revoke;
an invitation link works once, expires, and only on its own collaborative."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from civicloop.core.models import Invitation, Membership, Role, User
from civicloop.core.people import hash_token
from civicloop.core.tests.people import PASSWORD, login
from civicloop.results.models import Collaborative
from civicloop.table.models import Organisation

pytestmark = pytest.mark.django_db

PEOPLE = "/c/riverton/setup/people/"
NEW_PASSWORD = "a walk along the Riverton canal"


def invite(client, email="gwen@littlesteps.example", role=Role.PARTNER_MEMBER, org=None):
    org = org or Organisation.objects.get(slug="little-steps-child-care-alliance")
    return client.post(PEOPLE, {"email": email, "role": role, "organisation": org.pk})


def link_in(message) -> str:
    return re.search(r"http://testserver(/c/[\w-]+/join/[\w-]+/)", message.body).group(1)


def sign_up(client, link, username="gwen", password=NEW_PASSWORD):
    return client.post(
        link,
        {
            "username": username,
            "display_name": "Gwen",
            "password1": password,
            "password2": password,
        },
    )


def test_alice_the_backbone_admin_sees_the_people_of_riverton(client, alice, carol):
    page = login(client, alice).get(PEOPLE)
    assert page.status_code == 200
    assert b"carol" in page.content and b"Partner member" in page.content


@pytest.mark.parametrize("person", ["bob", "carol", "erin"])
def test_members_who_are_not_backbone_admins_cannot_manage_people(client, person, request):
    user = request.getfixturevalue(person)
    login(client, user)
    assert client.get(PEOPLE).status_code == 403
    assert invite(client).status_code == 403
    assert not Invitation.objects.exists() and not mail.outbox


def test_frank_without_a_role_is_not_told_the_page_exists(client, frank):
    assert login(client, frank).get(PEOPLE).status_code == 404


def test_the_public_is_sent_to_sign_in(client):
    response = client.get(PEOPLE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_backbone_admin_of_another_collaborative_cannot_manage_rivertons_people(
    client, riverton, carol
):
    other = Collaborative.objects.create(name="Elsewhere", slug="elsewhere")
    henry = User.objects.create_user("henry", password=PASSWORD)
    Membership.objects.create(user=henry, collaborative=other, role=Role.BACKBONE_ADMIN)
    login(client, henry)
    assert client.get(PEOPLE).status_code == 404
    carols = Membership.objects.get(user=carol)
    assert client.post(f"{PEOPLE}{carols.pk}/revoke/").status_code == 404
    assert Membership.objects.filter(pk=carols.pk).exists()


def test_alice_invites_gwen_who_sets_her_own_password_and_signs_in(client, alice):
    login(client, alice)
    response = invite(client)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["gwen@littlesteps.example"]
    assert "partner member for Little Steps Child Care Alliance" in message.body
    link = link_in(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash

    client.logout()
    assert client.get(link).status_code == 200
    done = sign_up(client, link)
    assert done.status_code == 302 and "/accounts/login/" in done["Location"]
    gwen = User.objects.get(username="gwen")
    assert gwen.email == "gwen@littlesteps.example"
    membership = Membership.objects.get(user=gwen)
    assert (membership.role, membership.organisation.slug) == (
        Role.PARTNER_MEMBER,
        "little-steps-child-care-alliance",
    )
    assert client.login(username="gwen", password=NEW_PASSWORD)
    assert client.get("/c/riverton/organisations/").status_code == 200


def test_a_weak_password_is_refused_by_the_password_validators(client, alice):
    login(client, alice)
    invite(client)
    link = link_in(mail.outbox[0])
    client.logout()
    response = sign_up(client, link, password="password")
    assert response.status_code == 400
    assert b"too common" in response.content
    assert not User.objects.filter(username="gwen").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_link_works_once(client, alice):
    login(client, alice)
    invite(client)
    link = link_in(mail.outbox[0])
    client.logout()
    sign_up(client, link)
    again = client.get(link)
    assert again.status_code == 410 and b"already been used" in again.content
    second = sign_up(client, link, username="mallory")
    assert second.status_code == 410
    assert not User.objects.filter(username="mallory").exists()


def test_an_invitation_link_expires(client, alice):
    login(client, alice)
    invite(client)
    link = link_in(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.logout()
    assert client.get(link).status_code == 410
    assert sign_up(client, link).status_code == 410
    assert not User.objects.filter(username="gwen").exists()


def test_an_invitation_link_cannot_be_used_for_another_collaborative(client, alice):
    Collaborative.objects.create(name="Elsewhere", slug="elsewhere")
    login(client, alice)
    invite(client, role=Role.ANALYST)
    link = link_in(mail.outbox[0])
    client.logout()
    elsewhere = link.replace("/c/riverton/", "/c/elsewhere/")
    response = sign_up(client, elsewhere)
    assert response.status_code == 410 and b"not a valid invitation" in response.content
    assert not Membership.objects.filter(collaborative__slug="elsewhere").exists()
    assert not User.objects.filter(username="gwen").exists()


def test_a_cancelled_invitation_stops_working(client, alice):
    login(client, alice)
    invite(client)
    link = link_in(mail.outbox[0])
    client.post(f"/c/riverton/setup/invitations/{Invitation.objects.get().pk}/cancel/")
    client.logout()
    assert client.get(link).status_code == 410


def test_a_signed_in_person_joins_with_their_own_account(client, alice, frank):
    login(client, alice)
    invite(client, email="frank@example.org", role=Role.ANALYST)
    link = link_in(mail.outbox[0])
    login(client, frank)
    assert client.post(link).status_code == 302
    assert Membership.objects.get(user=frank).role == Role.ANALYST


def test_a_partner_member_invitation_needs_an_organisation(client, alice):
    login(client, alice)
    response = client.post(
        PEOPLE, {"email": "x@example.org", "role": Role.PARTNER_MEMBER, "organisation": ""}
    )
    assert response.status_code == 400
    assert b"speaks for an organisation" in response.content
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_role_must_be_chosen(client, alice):
    login(client, alice)
    page = client.get(PEOPLE)
    assert b'<option value="" selected>Choose a role</option>' in page.content
    response = client.post(PEOPLE, {"email": "x@example.org", "role": "", "organisation": ""})
    assert response.status_code == 400 and not Invitation.objects.exists()


def test_an_organisation_of_another_collaborative_is_refused(client, alice):
    other = Collaborative.objects.create(name="Elsewhere", slug="elsewhere")
    theirs = Organisation.objects.create(
        collaborative=other, name="Elsewhere Bank", slug="elsewhere-bank", sector="finance"
    )
    login(client, alice)
    response = invite(client, org=theirs)
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_alice_changes_carols_role(client, alice, carol):
    login(client, alice)
    carols = Membership.objects.get(user=carol)
    response = client.post(f"{PEOPLE}{carols.pk}/role/", {f"m{carols.pk}-role": Role.ANALYST})
    assert response.status_code == 302
    carols.refresh_from_db()
    assert (carols.role, carols.organisation) == (Role.ANALYST, None)


def test_a_revoked_member_loses_access_at_once(client, alice, carol):
    carols_browser = client.__class__()
    login(carols_browser, carol)
    assert carols_browser.get("/c/riverton/organisations/").status_code == 200
    api = "/api/collaboratives/riverton/organisations"
    assert carols_browser.get(api).status_code == 200
    login(client, alice)
    carols = Membership.objects.get(user=carol)
    assert client.post(f"{PEOPLE}{carols.pk}/revoke/").status_code == 302
    assert not Membership.objects.filter(user=carol).exists()
    # Carol's session is still open; her access is not.
    assert carols_browser.get("/c/riverton/organisations/").status_code == 404
    assert carols_browser.get("/c/riverton/loads/new/").status_code == 404
    assert carols_browser.get(api).status_code == 404


def only_alice_is_backbone_admin(riverton, alice) -> None:
    """The demo has its own backbone admin; without it Alice is the last one."""
    others = Membership.objects.filter(collaborative=riverton, role=Role.BACKBONE_ADMIN)
    others.exclude(user=alice).delete()


def test_the_last_backbone_admin_cannot_revoke_themselves(client, alice, riverton):
    only_alice_is_backbone_admin(riverton, alice)
    login(client, alice)
    hers = Membership.objects.get(user=alice)
    response = client.post(f"{PEOPLE}{hers.pk}/revoke/", follow=True)
    assert b"last backbone admin" in response.content
    assert Membership.objects.filter(pk=hers.pk).exists()


def test_the_last_backbone_admin_cannot_demote_themselves(client, alice, riverton):
    only_alice_is_backbone_admin(riverton, alice)
    login(client, alice)
    hers = Membership.objects.get(user=alice)
    client.post(f"{PEOPLE}{hers.pk}/role/", {f"m{hers.pk}-role": Role.ANALYST})
    hers.refresh_from_db()
    assert hers.role == Role.BACKBONE_ADMIN


def test_with_a_second_backbone_admin_alice_may_step_down(client, alice, riverton):
    only_alice_is_backbone_admin(riverton, alice)
    ida = User.objects.create_user("ida", password=PASSWORD)
    Membership.objects.create(user=ida, collaborative=riverton, role=Role.BACKBONE_ADMIN)
    login(client, alice)
    hers = Membership.objects.get(user=alice)
    client.post(f"{PEOPLE}{hers.pk}/revoke/")
    assert not Membership.objects.filter(pk=hers.pk).exists()
    assert client.get(PEOPLE).status_code == 404  # and her access ended with it


def test_a_taken_username_is_refused_and_the_link_still_works(client, alice, carol):
    login(client, alice)
    invite(client)
    link = link_in(mail.outbox[0])
    client.logout()
    response = sign_up(client, link, username="CAROL")
    assert response.status_code == 400 and b"already exists" in response.content
    assert Invitation.objects.get().accepted_at is None
    assert sign_up(client, link).status_code == 302
