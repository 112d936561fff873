"""``civicloop collaborative new`` makes the README's createuser line work."""

from __future__ import annotations

import pytest

from civicloop.core.models import Membership


@pytest.mark.django_db
def test_a_new_collaborative_takes_its_backbone_admin(cli):
    out = cli(
        "collaborative", "new", "lakeside", "--name", "Lakeside Promise", "--city", "Lakeside"
    )
    assert out.exit_code == 0, out.stdout
    assert "Created collaborative lakeside" in out.stdout
    out = cli(
        "createuser", "dana", "--collaborative", "lakeside", "--role", "backbone_admin",
        "--password", "a long enough password 42",
    )  # fmt: skip
    assert out.exit_code == 0, out.stdout
    member = Membership.objects.get(user__username="dana")
    assert (member.collaborative.slug, member.role) == ("lakeside", "backbone_admin")
    assert member.collaborative.results.count() == 0


@pytest.mark.django_db
def test_a_taken_or_malformed_slug_is_refused_with_the_reason(cli):
    out = cli("collaborative", "new", "riverton", "--name", "Again", "--city", "Riverton")
    assert out.exit_code == 1 and "already exists" in str(out.exception)
    out = cli("collaborative", "new", "no spaces", "--name", "X", "--city", "Y")
    assert out.exit_code == 1 and "slug" in str(out.exception)


def test_every_configuration_command_has_help_with_an_example(cli):
    for command in (("collaborative", "new"), ("config", "export"), ("config", "apply"),
                    ("config", "schema")):  # fmt: skip
        out = cli(*command, "--help")
        assert out.exit_code == 0 and "Example" in out.stdout, command
