"""Roles are enforced on the server, whatever the page shows."""

from __future__ import annotations

import pytest

from civicloop.core.tests.people import login
from civicloop.results.models import Indicator
from civicloop.table.models import Organisation

pytestmark = pytest.mark.django_db


def test_alice_the_backbone_admin_is_sent_from_the_admin_to_the_set_up_pages(client, alice):
    # Django's admin is for platform staff (issue 11): Alice sets Riverton up on its own
    # pages instead of meeting "You don't have permission to view or edit anything".
    response = login(client, alice).get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/c/riverton/setup/")
    assert b"You don't have permission" not in response.content
    assert b"Django&#x27;s admin is for platform staff" in response.content


def test_a_stray_staff_flag_does_not_open_the_admin_to_alice(client, alice):
    alice.is_staff = True
    alice.save()
    response = login(client, alice).get("/admin/results/indicator/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(response["Location"])["Location"].startswith("/c/riverton/setup/")


def test_platform_staff_open_the_admin(client, riverton):
    from civicloop.core.models import User

    User.objects.create_superuser("root", password="correct horse battery staple")
    client.login(username="root", password="correct horse battery staple")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/results/indicator/").status_code == 200
    assert client.get("/admin/core/invitation/").status_code == 200


def test_carol_a_partner_member_cannot_open_the_admin(client, carol):
    carol.is_staff = True  # even a stray staff flag does not open it
    carol.save()
    response = login(client, carol).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_bob_the_chair_cannot_open_the_admin(client, bob):
    assert login(client, bob).get("/admin/").status_code == 302


def test_carol_can_edit_her_own_organisation(client, carol, riverton):
    login(client, carol)
    url = "/c/riverton/organisations/little-steps-child-care-alliance/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"description": "Home-based care.", "website": "", "families_reached": 1900}
    )
    assert response.status_code == 302
    org = Organisation.objects.get(collaborative=riverton, slug="little-steps-child-care-alliance")
    assert org.families_reached == 1900


def test_carol_cannot_edit_another_organisation(client, carol, riverton):
    login(client, carol)
    url = "/c/riverton/organisations/riverton-housing-authority/edit/"
    assert client.get(url).status_code == 403
    before = Organisation.objects.get(collaborative=riverton, slug="riverton-housing-authority")
    response = client.post(url, {"description": "hijacked", "website": "", "families_reached": 1})
    assert response.status_code == 403
    after = Organisation.objects.get(pk=before.pk)
    assert (after.description, after.families_reached) == (
        before.description,
        before.families_reached,
    )


def test_alice_the_backbone_admin_can_edit_any_organisation_at_her_table(client, alice):
    login(client, alice)
    assert (
        client.get("/c/riverton/organisations/riverton-housing-authority/edit/").status_code == 200
    )


def test_erin_the_analyst_cannot_edit_organisations(client, erin):
    login(client, erin)
    assert (
        client.get("/c/riverton/organisations/riverton-housing-authority/edit/").status_code == 403
    )


def test_the_public_cannot_see_organisations(client):
    response = client.get("/c/riverton/organisations/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_frank_without_a_role_does_not_see_the_organisations(client, frank):
    assert login(client, frank).get("/c/riverton/organisations/").status_code == 404


def test_the_public_sees_declared_indicators_only(client, riverton):
    hidden = Indicator.objects.get(result__collaborative=riverton, slug="small-business-loans")
    assert not hidden.is_public
    assert client.get("/c/riverton/indicators/third-grade-reading/").status_code == 200
    assert client.get("/c/riverton/indicators/small-business-loans/").status_code == 404
    page = client.get("/c/riverton/results/economic-security/").content.decode()
    assert "Small-business loans" not in page


def test_members_see_undeclared_indicators(client, erin):
    login(client, erin)
    assert client.get("/c/riverton/indicators/small-business-loans/").status_code == 200


def test_a_private_collaborative_is_invisible_to_the_public(client, riverton):
    riverton.is_public = False
    riverton.save()
    assert client.get("/c/riverton/").status_code == 404
    assert client.get("/c/riverton/indicators/third-grade-reading/").status_code == 404
    assert client.get("/api/collaboratives").json() == []
    # The API's observations too (decided for the public in one query of their own).
    api = "/api/collaboratives/riverton/indicators/third-grade-reading/observations"
    assert client.get(api).status_code == 404
    assert client.get("/api/collaboratives/riverton/indicators").status_code == 404


def test_members_of_a_private_collaborative_read_its_observations(client, riverton, erin):
    riverton.is_public = False
    riverton.save()
    login(client, erin)
    api = "/api/collaboratives/riverton/indicators/small-business-loans/observations"
    assert client.get(api).status_code == 200 and client.get(api).json()


def test_the_api_hides_undeclared_indicators_from_the_public(client):
    slugs = {i["slug"] for i in client.get("/api/collaboratives/riverton/indicators").json()}
    assert "third-grade-reading" in slugs and "small-business-loans" not in slugs
    assert (
        client.get(
            "/api/collaboratives/riverton/indicators/small-business-loans/observations"
        ).status_code
        == 404
    )


def test_forms_are_protected_by_csrf(carol):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    login(strict, carol)
    response = strict.post(
        "/c/riverton/organisations/little-steps-child-care-alliance/edit/",
        {"description": "x", "website": "", "families_reached": 1},
    )
    assert response.status_code == 403


@pytest.mark.production_passwords
def test_passwords_are_hashed_with_argon2(carol):
    from civicloop.core import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert carol.password.startswith("argon2$")
