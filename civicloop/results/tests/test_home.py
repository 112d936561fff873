"""A collaborative's home leads with what needs attention, each thing linked to where it is
acted on, and says so honestly when nothing waits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from civicloop.core import attention
from civicloop.declare.models import Declaration, DeclarationStatus
from civicloop.results.models import Approval, Observation
from civicloop.review.models import Review
from civicloop.table.models import Commitment, CommitmentStatus, Organisation, Round, RoundStatus

pytestmark = pytest.mark.django_db

HOME = "/c/riverton/"


def section(page: str, key: str) -> str:
    """The HTML of one attention section, by its key."""
    found = re.search(
        rf'data-section="{key}">(.*?)(?=<li class="\w+" data-section=|</ul>\s*</section>)',
        page,
        re.S,
    )
    assert found, f"no section {key}"
    return found[1]


def nothing_waits(riverton):
    Commitment.objects.filter(collaborative=riverton).update(status=CommitmentStatus.DONE)
    Observation.objects.filter(series__indicator__result__collaborative=riverton).update(
        approval=Approval.APPROVED
    )
    Round.objects.filter(collaborative=riverton).update(status=RoundStatus.CLOSED)
    Review.objects.filter(collaborative=riverton).delete()
    Declaration.objects.filter(collaborative=riverton).update(status=DeclarationStatus.PUBLISHED)


def test_the_home_leads_with_what_needs_attention(client, bob, riverton):
    client.force_login(bob)
    page = client.get(HOME).content.decode()
    assert page.index("Needs attention") < page.index("<h2>Results</h2>")
    titles = re.findall(r'<h3 id="attention-([a-z]+)">', page)
    assert titles == ["commitments", "approval", "rounds", "review", "declarations"]


def test_empty_sections_say_nothing_waits(client, bob, riverton):
    nothing_waits(riverton)
    client.force_login(bob)
    page = client.get(HOME).content.decode()
    assert "Nothing overdue" in section(page, "commitments")
    assert "Nothing waits for approval" in section(page, "approval")
    assert "No prioritisation round is open." in section(page, "rounds")
    assert "No review is scheduled." in section(page, "review")
    assert "No declaration is waiting for a chair." in section(page, "declarations")
    assert "<strong" not in section(page, "commitments")  # nothing drawn as overdue


def test_an_overdue_commitment_links_to_itself(client, bob, riverton):
    nothing_waits(riverton)
    late = Commitment.objects.create(
        collaborative=riverton,
        organisation=Organisation.objects.get(
            collaborative=riverton, slug="riverton-public-schools"
        ),
        title="Share attendance data monthly",
        due=timezone.localdate() - timedelta(days=3),
    )
    client.force_login(bob)
    part = section(client.get(HOME).content.decode(), "commitments")
    assert f'href="/c/riverton/commitments/{late.pk}/">Share attendance data monthly</a>' in part
    assert "overdue" in part and "Riverton Public Schools" in part
    assert "1 commitment is open past its due date." in part
    assert 'href="/c/riverton/commitments/?overdue=1"' in part


def test_values_pending_approval_are_counted_for_whoever_may_approve_them(
    client, alice, carol, riverton
):
    nothing_waits(riverton)
    pending = Observation.objects.filter(
        series__indicator__result__collaborative=riverton,
        series__indicator__slug="third-grade-reading",
    )[:2]
    Observation.objects.filter(pk__in=[o.pk for o in pending]).update(approval=Approval.PENDING)
    client.force_login(alice)
    part = section(client.get(HOME).content.decode(), "approval")
    assert "2 values wait for approval" in part and "You may approve all of them." in part
    assert 'href="/c/riverton/approvals/"' in part
    client.force_login(carol)  # a partner who does not steward third-grade reading
    part = section(client.get(HOME).content.decode(), "approval")
    assert "Their stewards or backbone staff approve them." in part


def test_an_open_round_the_next_review_and_a_draft_are_linked(client, bob, riverton):
    nothing_waits(riverton)
    today = timezone.localdate()
    round_ = Round.objects.create(
        collaborative=riverton, title="What first?", closes_on=today + timedelta(days=7)
    )
    review = Review.objects.create(collaborative=riverton, held_on=today + timedelta(days=2))
    draft = Declaration.objects.filter(collaborative=riverton).first()
    draft.status = DeclarationStatus.DRAFT
    draft.save()
    client.force_login(bob)
    page = client.get(HOME).content.decode()
    rounds = section(page, "rounds")
    assert f'href="/c/riverton/rounds/{round_.pk}/">What first?</a>' in rounds
    assert "0 organisations have voted" in rounds and "closes" in rounds
    nxt = section(page, "review")
    assert f'href="/c/riverton/reviews/{review.pk}/"' in nxt and "in 2 days" in nxt
    declared = section(page, "declarations")
    assert f'href="/c/riverton/declarations/{draft.pk}/"' in declared
    # bob is a chair: the draft waits for him.
    assert "1 drafted declaration waits for your approval as chair." in declared


def test_a_round_past_its_closing_day_is_marked_late(client, bob, riverton):
    nothing_waits(riverton)
    Round.objects.create(
        collaborative=riverton,
        title="Overrun",
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(bob)
    page = client.get(HOME).content.decode()
    assert "was to close on" in section(page, "rounds")
    assert '<li class="late" data-section="rounds">' in page


@pytest.mark.parametrize("who", [None, "frank"])
def test_only_members_see_what_needs_attention(client, frank, who):
    if who:
        client.force_login(frank)
    page = client.get(HOME).content.decode()
    assert "Needs attention" not in page and "Early literacy" in page


def test_a_stage_adds_a_section_by_naming_its_function(riverton, alice, monkeypatch):
    """How the data calendar (or any stage) plugs a section into the home."""
    monkeypatch.setattr(
        attention,
        "SECTIONS",
        (*attention.SECTIONS, "civicloop.results.tests.test_home.calendar_section"),
    )
    found = attention.sections(riverton, alice, {"backbone_admin"})
    assert found[-1].key == "calendar" and found[-1].summary == "2 indicators are due"
    # A stage whose app is not installed is skipped, not an error.
    assert attention.sections(riverton, alice, set(), paths=["civicloop.nowhere.attention.x"]) == []


def calendar_section(collaborative, user, roles):
    return attention.Section(
        key="calendar", title="Data due", summary="2 indicators are due", url="/", link_text="x"
    )


def test_the_plugged_section_is_drawn_on_the_home(client, alice, monkeypatch):
    monkeypatch.setattr(
        attention,
        "SECTIONS",
        (*attention.SECTIONS, "civicloop.results.tests.test_home.calendar_section"),
    )
    client.force_login(alice)
    assert "2 indicators are due" in section(client.get(HOME).content.decode(), "calendar")


def test_the_results_page_lists_every_result_and_its_indicators(client, riverton):
    page = client.get("/c/riverton/results/").content.decode()
    assert 'href="/c/riverton/results/early-literacy/"' in page
    assert 'href="/c/riverton/indicators/third-grade-reading/"' in page
