"""A declaration is drafted by staff, refused when it claims too much, approved by a chair,
and only then published; publishing makes its indicator public."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from civicloop.declare import workflow
from civicloop.declare.models import DeclarationStatus, EventKind
from civicloop.declare.tests.helpers import SAVINGS_CLAIM, area, indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading_draft(riverton, erin):
    return workflow.draft(indicator(riverton, "third-grade-reading"), area(riverton, "south"), erin)


@pytest.fixture
def savings_draft(riverton, alice):
    return workflow.draft(
        indicator(riverton, "emergency-savings"), area(riverton, "riverton"), alice
    )


def test_civicloop_drafts_from_the_evidence_and_freezes_it(reading_draft):
    d = reading_draft
    assert d.status == DeclarationStatus.DRAFT
    assert d.text.startswith("Third-grade reading proficiency in the South Ward rose from ")
    assert "a year, 95% interval" in d.text and "the target is 50.0% by 2029-30" in d.text
    assert d.evidence["trend"]["status"] == "improving" and d.claim == "improving"
    assert d.evidence["area"]["code"] == "south" and d.evidence["version"] >= 1
    assert [e.kind for e in d.events.all()] == [EventKind.DRAFTED]


def test_the_savings_draft_says_the_rise_is_within_the_margin_of_error(savings_draft):
    text = savings_draft.text
    assert "no clear trend" in text and "within the survey's margins of error" in text
    assert workflow.problems(text, savings_draft.evidence) == []


def test_an_edit_claiming_a_rise_within_the_margin_of_error_is_refused(savings_draft, alice):
    with pytest.raises(workflow.Unsupported) as refused:
        workflow.edit(savings_draft, SAVINGS_CLAIM, alice)
    assert refused.value.reasons[0].startswith('"rose" claims a change, but the evidence says')
    assert "within the margin of error" in refused.value.reasons[0]
    savings_draft.refresh_from_db()
    assert savings_draft.text != SAVINGS_CLAIM  # nothing saved...
    event = savings_draft.events.get(kind=EventKind.REFUSED)  # ...but the attempt is kept
    assert event.text == SAVINGS_CLAIM and event.user == alice and len(event.reasons) == 2


def test_partners_and_strangers_do_not_draft(riverton, carol, frank, bob):
    ind, city = indicator(riverton, "child-poverty"), area(riverton, "riverton")
    for person in (carol, frank, bob):  # a chair approves; staff draft
        with pytest.raises(PermissionDenied):
            workflow.draft(ind, city, person)


def test_only_a_chair_approves_and_only_what_was_approved_is_published(
    reading_draft, alice, bob, erin
):
    with pytest.raises(workflow.WrongState):
        workflow.publish(reading_draft, bob)
    for person in (alice, erin):
        with pytest.raises(PermissionDenied):
            workflow.approve(reading_draft, person)
    workflow.approve(reading_draft, bob, "Checked against the packet")
    with pytest.raises(PermissionDenied):
        workflow.publish(reading_draft, erin)  # analysts draft; they do not publish
    workflow.publish(reading_draft, alice)
    reading_draft.refresh_from_db()
    assert reading_draft.status == DeclarationStatus.PUBLISHED
    assert reading_draft.approved_by == bob and reading_draft.published_by == alice
    assert [e.kind for e in reading_draft.events.all()] == ["drafted", "approved", "published"]


def test_publishing_makes_the_indicator_public(riverton, alice, bob):
    ind = indicator(riverton, "small-business-loans")
    assert not ind.is_public  # not declared in the demo
    d = workflow.draft(ind, area(riverton, "riverton"), alice)
    workflow.publish(workflow.approve(d, bob), alice)
    ind.refresh_from_db()
    assert ind.is_public


def test_editing_approved_words_sends_them_back_to_the_chair(reading_draft, bob, erin):
    workflow.approve(reading_draft, bob)
    workflow.edit(reading_draft, reading_draft.text + " More to do in the South Ward.", erin)
    assert reading_draft.status == DeclarationStatus.DRAFT and reading_draft.approved_by is None


def test_published_words_are_withdrawn_not_edited(reading_draft, alice, bob, erin):
    workflow.publish(workflow.approve(reading_draft, bob), alice)
    with pytest.raises(workflow.WrongState):
        workflow.edit(reading_draft, "Reading rose.", erin)
    workflow.withdraw(reading_draft, bob, "Restated scores")
    assert reading_draft.status == DeclarationStatus.WITHDRAWN


def test_the_check_is_repeated_at_approval_and_publication(savings_draft, alice, bob):
    # Words that got past the edit check some other way are still refused later.
    type(savings_draft).objects.filter(pk=savings_draft.pk).update(text=SAVINGS_CLAIM)
    savings_draft.refresh_from_db()
    with pytest.raises(workflow.Unsupported):
        workflow.approve(savings_draft, bob)
    type(savings_draft).objects.filter(pk=savings_draft.pk).update(status="approved")
    savings_draft.refresh_from_db()
    with pytest.raises(workflow.Unsupported):
        workflow.publish(savings_draft, alice)


def test_every_draft_of_the_demo_passes_its_own_check(riverton, alice):
    from civicloop.declare.drafting import NoEvidence, compose, evidence_for
    from civicloop.results.models import Area, Indicator

    checked = 0
    for place in Area.objects.filter(collaborative=riverton, level__in=["city", "district"]):
        for ind in Indicator.objects.filter(result__collaborative=riverton):
            try:
                evidence = evidence_for(ind, place)
            except NoEvidence:
                continue
            assert workflow.problems(compose(evidence), evidence) == [], (ind.slug, place.code)
            checked += 1
    assert checked >= 50
