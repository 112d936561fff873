"""Named people with different rights, so permission tests read like sentences.

- alice: backbone admin of Riverton
- bob: chair of Riverton (Riverton Public Schools)
- carol: partner member for Little Steps Child Care Alliance
- dave: partner member for Riverton Housing Authority
- erin: analyst
- frank: signed in, but no role anywhere
"""

from __future__ import annotations

import pytest

from civicloop.core.models import Membership, Role, User
from civicloop.results.models import Collaborative
from civicloop.table.models import Organisation

PASSWORD = "correct horse battery staple"


def login(client, user):
    """Sign `user` in through the login form's own check of the password."""
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _person(
    username: str, collab: Collaborative, role: str | None, org_slug: str | None = None
) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    if role:
        org = Organisation.objects.get(collaborative=collab, slug=org_slug) if org_slug else None
        Membership.objects.create(user=user, collaborative=collab, role=role, organisation=org)
    return user


@pytest.fixture
def riverton(db) -> Collaborative:
    return Collaborative.objects.get(slug="riverton")


@pytest.fixture
def alice(riverton):
    return _person("alice", riverton, Role.BACKBONE_ADMIN)


@pytest.fixture
def bob(riverton):
    return _person("bob", riverton, Role.CHAIR, "riverton-public-schools")


@pytest.fixture
def carol(riverton):
    return _person("carol", riverton, Role.PARTNER_MEMBER, "little-steps-child-care-alliance")


@pytest.fixture
def dave(riverton):
    return _person("dave", riverton, Role.PARTNER_MEMBER, "riverton-housing-authority")


@pytest.fixture
def erin(riverton):
    return _person("erin", riverton, Role.ANALYST)


@pytest.fixture
def frank(riverton):
    return _person("frank", riverton, None)
