"""Nothing goes public unreviewed: pending values reach no public page until approved.

carol (Little Steps Child Care Alliance) stewards licensed child-care seats; she revises
its latest citywide value to 4,321.9 and adds a first value for 2031. The public keeps
the last approved value until carol or alice (backbone) approves; dave (the housing
authority) may not approve what is not his.
"""

from __future__ import annotations

import json

import pytest

from civicloop.core.tests.people import login
from civicloop.declare.site import build
from civicloop.measure.loads import load_file, rollback
from civicloop.results import approval
from civicloop.results.models import ApprovalEvent, Observation

pytestmark = pytest.mark.django_db
SLUG = "licensed-child-care-seats"
SHOWN = ("4321.9", "4,321.9", "5555.5", "5,555.5")


@pytest.fixture
def latest(riverton) -> Observation:
    return (
        Observation.objects.filter(
            series__indicator__slug=SLUG, series__area__code="riverton", series__group__isnull=True
        )
        .select_related("period")
        .order_by("-period__start")
        .first()
    )


@pytest.fixture
def carols_load(carol, riverton, latest, tmp_path):
    path = tmp_path / "seats.csv"
    path.write_text(
        "indicator,area,period,value\n"
        f"{SLUG},riverton,{latest.period.label},4321.9\n"
        f"{SLUG},riverton,2031,5555.5\n"
    )
    report = load_file(path, riverton, user=carol)
    assert report.status == "applied" and not report.approved
    return report


PUBLIC_PAGES = [
    f"/public/c/riverton/indicators/{SLUG}/",
    f"/public/c/riverton/indicators/{SLUG}/embed/",
    f"/public/c/riverton/indicators/{SLUG}/{SLUG}.csv",
    f"/public/c/riverton/indicators/{SLUG}/{SLUG}.json",
    "/public/c/riverton/data/riverton.csv",
    "/public/c/riverton/feed.atom",
    "/public/c/riverton/",
    f"/c/riverton/indicators/{SLUG}/",  # the app's own page, read by the public
    f"/api/collaboratives/riverton/indicators/{SLUG}/observations",
]


def shows_pending(client, url: str) -> bool:
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return any(number in body.decode() for number in SHOWN)


def test_pending_values_reach_no_public_page(client, carols_load, latest):
    for url in PUBLIC_PAGES:
        assert not shows_pending(client, url), url
    api = client.get(f"/api/collaboratives/riverton/indicators/{SLUG}/observations").json()
    shown = [
        o["value"] for o in api if o["area"] == "riverton" and o["period"] == latest.period.label
    ]
    assert shown == [latest.value]  # the last approved value, not nothing


def test_nor_the_static_site(carols_load, riverton, tmp_path):
    out = tmp_path / "site"
    build(out, [riverton], base_url="https://progress.riverton.example/", analyse=False)
    folder = out / "c/riverton/indicators" / SLUG
    assert folder.is_dir()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json", ".atom", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert not any(n in text for n in SHOWN), path


def test_once_approved_the_public_sees_them(client, carols_load, carol):
    outcome = approval.act("approve", Observation.objects.filter(load=carols_load.load), carol)
    assert outcome.changed == 2
    for url in (PUBLIC_PAGES[2], PUBLIC_PAGES[4], PUBLIC_PAGES[-1]):
        assert shows_pending(client, url), url
    events = ApprovalEvent.objects.filter(observation__load=carols_load.load, note="")
    assert (
        sorted((e.action, e.user.username, e.new_approval) for e in events)
        == [("approved", "carol", "approved")] * 2
    )


def test_members_see_pending_values_marked_as_such(client, carols_load, dave):
    login(client, dave)
    page = client.get(f"/c/riverton/indicators/{SLUG}/").content.decode()
    assert "4,321.9" in page or "4321.9" in page
    assert "Pending approval" in page
    api = client.get(f"/api/collaboratives/riverton/indicators/{SLUG}/observations").json()
    assert {o["approval"] for o in api if o["value"] in (4321.9, 5555.5)} == {"pending"}
    home = client.get("/c/riverton/").content.decode()
    assert "2 values wait for approval" in home


def test_someone_else_may_not_approve_and_nothing_changes(carols_load, dave):
    with pytest.raises(approval.ApprovalError, match="dave may not approve"):
        approval.act("approve", Observation.objects.filter(load=carols_load.load), dave)
    assert not Observation.objects.filter(load=carols_load.load, approval="approved").exists()


def test_returning_needs_a_note_and_keeps_the_public_copy(carols_load, alice, latest):
    values = Observation.objects.filter(load=carols_load.load)
    with pytest.raises(approval.ApprovalError, match="note"):
        approval.act("return", values, alice)
    approval.act("return", values, alice, "the registry says 41")
    revised = Observation.objects.get(pk=latest.pk)
    assert revised.approval == "returned" and revised.approved_value == latest.value
    event = ApprovalEvent.objects.get(observation=revised, action="returned")
    assert event.note == "the registry says 41"


def test_unapproving_withdraws_the_public_copy(client, alice, latest):
    approval.act("unapprove", [latest], alice, "a suppressed cell")
    gone = Observation.objects.get(pk=latest.pk)
    assert gone.approval == "pending" and gone.approved_value is None
    api = client.get(f"/api/collaboratives/riverton/indicators/{SLUG}/observations").json()
    assert latest.period.label not in [o["period"] for o in api if o["area"] == "riverton"]


def test_the_approvals_page_lists_and_approves(client, carols_load, alice):
    login(client, alice)
    page = client.get("/c/riverton/approvals/").content.decode()
    assert "2 values wait for approval" in page
    ids = list(Observation.objects.filter(load=carols_load.load).values_list("pk", flat=True))
    client.post("/c/riverton/approvals/", {"observation": ids, "action": "approve"})
    assert set(Observation.objects.filter(pk__in=ids).values_list("approval", flat=True)) == {
        "approved"
    }


def test_the_api_approves_and_refuses_a_non_steward(client, carols_load, dave, alice):
    ids = list(Observation.objects.filter(load=carols_load.load).values_list("pk", flat=True))
    login(client, dave)
    listed = client.get("/api/collaboratives/riverton/approvals").json()
    assert {o["id"] for o in listed} >= set(ids)
    body = json.dumps({"action": "approve", "observations": ids})
    refused = client.post(
        "/api/collaboratives/riverton/approvals", body, content_type="application/json"
    )
    assert refused.status_code == 403
    login(client, alice)
    done = client.post(
        "/api/collaboratives/riverton/approvals", body, content_type="application/json"
    )
    assert done.json() == {"action": "approve", "changed": 2, "skipped": 0}


def test_the_command_line_lists_and_approves_a_load(cli, carols_load):
    listed = cli("approve", "--list")
    assert listed.exit_code == 0 and "4321.9" in listed.stdout
    refused = cli("approve", "--load", str(carols_load.load.pk), "--as", "dave")
    assert refused.exit_code != 0
    done = cli("approve", "--load", str(carols_load.load.pk))
    assert done.exit_code == 0, done.stdout
    assert "2 value(s) changed" in done.stdout
    assert not Observation.objects.filter(load=carols_load.load).exclude(approval="approved")


def test_a_trusted_source_is_approved_as_it_loads(riverton, carol, tmp_path):
    from civicloop.measure.models import Source
    from civicloop.table.models import Organisation

    source = Source.objects.create(
        collaborative=riverton,
        name="Registry feed",
        organisation=Organisation.objects.get(slug="little-steps-child-care-alliance"),
        auto_approve=True,
    )
    path = tmp_path / "feed.csv"
    path.write_text(f"indicator,area,period,value\n{SLUG},riverton,2031,47\n")
    report = load_file(path, riverton, user=carol, source=source)
    obs = Observation.objects.get(load=report.load)
    assert obs.approval == "approved" and obs.approved_value == 47
    assert ApprovalEvent.objects.filter(observation=obs, action="approved").exists()


def test_backbone_staff_approve_on_load_when_they_choose(riverton, alice, latest, tmp_path):
    path = tmp_path / "reviewed.csv"
    path.write_text(f"indicator,area,period,value\n{SLUG},riverton,{latest.period.label},44\n")
    load_file(path, riverton, user=alice, approve=True)
    obs = Observation.objects.get(pk=latest.pk)
    assert (obs.approval, obs.approved_value, obs.approved_by) == ("approved", 44, alice)


def test_a_rollback_leaves_the_public_copy_and_restores_approval_when_it_matches(
    carols_load, latest
):
    rollback(carols_load.load)
    obs = Observation.objects.get(pk=latest.pk)
    assert obs.value == latest.value and obs.approval == "approved"
    restored = obs.approval_events.get(action="restored")
    assert (restored.old_approval, restored.new_approval) == ("pending", "approved")


def test_learn_analyses_the_approved_values_only(carols_load, riverton, latest, alice):
    from civicloop.learn import store
    from civicloop.results.queries import top_area

    def latest_analysed():
        entry = store.current_family(riverton, top_area(riverton))
        ind = latest.series.indicator
        return entry[ind.pk]

    before = json.dumps(latest_analysed(), default=str)
    assert "4321.9" not in before and "5555.5" not in before
    approval.act("approve", Observation.objects.filter(load=carols_load.load), alice)
    assert "5555.5" in json.dumps(latest_analysed(), default=str)


def test_approve_on_load_is_a_choice_backbone_staff_make_on_the_upload_page(
    client, alice, carol, latest
):
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    row = f"indicator,area,period,value\n{SLUG},riverton,{latest.period.label},45.5\n".encode()
    login(client, carol)
    page = client.post("/c/riverton/loads/new/", {"file": SimpleUploadedFile("a.csv", row)})
    assert 'name="approve"' not in page.content.decode()
    login(client, alice)
    page = client.post("/c/riverton/loads/new/", {"file": SimpleUploadedFile("a.csv", row)})
    text = page.content.decode()
    assert 'name="approve"' in text
    digest = re.search(r'name="digest" value="([^"]*)"', text)[1]
    client.post(
        "/c/riverton/loads/confirm/",
        {"digest": digest, "name": "a.csv", "action": "load", "approve": "1"},
    )
    obs = Observation.objects.get(pk=latest.pk)
    assert (obs.value, obs.approval, obs.approved_value) == (45.5, "approved", 45.5)


def test_a_value_made_outside_a_load_waits_too(latest):
    made = Observation.objects.create(
        series=latest.series, period=latest.period.__class__.get("2032", "year"), value=1
    )
    assert made.approval == "pending" and made in approval.waiting(
        latest.series.indicator.result.collaborative
    )


def test_the_public_is_not_told_which_file_brought_a_pending_value(client, carols_load):
    """The app's indicator page, read by the public, names the load of each value it shows:
    for a value whose revision waits, the load that brought the approved value, never the
    pending upload (its file name is not public either)."""
    url = f"/c/riverton/indicators/{SLUG}/?area=riverton"
    assert carols_load.load.original_name not in client.get(url).content.decode()
