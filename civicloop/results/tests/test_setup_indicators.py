"""Alice, the backbone admin, sets up results and indicators with forms, not JSON boxes."""

from __future__ import annotations

import re

import pytest

from civicloop.core.tests.people import login
from civicloop.results.models import Indicator, Result

pytestmark = pytest.mark.django_db

BASE = "/c/riverton/setup"


def indicator_post(result: Result, **overrides) -> dict:
    data = {
        "result": result.pk,
        "name": "Summer reading days",
        "slug": "",
        "definition": "Share of children reading over the summer.",
        "unit": "%",
        "unit_kind": "percent",
        "rate_per": "",
        "direction": "higher",
        "frequency": "year",
        "decimals": "1",
        "lower_bound": "0",
        "upper_bound": "100",
        "limit": "",
        "source": "State kindergarten entry assessment",
        "baseline_period": "2019",
        "baseline_value": "41.5",
        "order": "0",
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "20",
        "targets-0-period": "2027",
        "targets-0-value": "50",
        "targets-0-note": "interim",
        "targets-1-period": "2030",
        "targets-1-value": "60",
        "targets-1-note": "",
        "targets-2-period": "",
        "targets-2-value": "",
        "targets-2-note": "",
        "progress-direction": "",
        "progress-base_year": "",
        "progress-target": "",
        "progress-target_year": "",
        "progress-limit": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_alice_adds_a_result(client, alice, riverton):
    login(client, alice)
    assert client.get(f"{BASE}/results/new/").status_code == 200
    response = client.post(
        f"{BASE}/results/new/",
        {
            "title": "Children ready for school",
            "slug": "",
            "statement": "Every child ready.",
            "population": "",
            "order": "0",
        },
    )
    assert response.status_code == 302
    result = Result.objects.get(collaborative=riverton, slug="children-ready-for-school")
    assert result.statement == "Every child ready."


def test_a_result_slug_is_unique_within_the_collaborative(client, alice, riverton):
    login(client, alice)
    taken = riverton.results.first()
    response = client.post(
        f"{BASE}/results/new/",
        {"title": "Again", "slug": taken.slug, "statement": "x", "population": "", "order": "0"},
    )
    assert response.status_code == 200
    assert "already used here" in response.content.decode()


def test_alice_creates_an_indicator_with_two_targets(client, alice, riverton):
    login(client, alice)
    result = riverton.results.first()
    assert client.get(f"{BASE}/indicators/new/?result={result.slug}").status_code == 200
    org = riverton.organisations.first()
    dim = riverton.dimensions.first()
    response = client.post(
        f"{BASE}/indicators/new/",
        indicator_post(result, stewards=[org.pk], dimensions=[dim.pk], **{"progress-limit": "100"}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ind = Indicator.objects.get(result=result, slug="summer-reading-days")
    assert [(t.period.label, t.value, t.note) for t in ind.targets.all()] == [
        ("2027", 50.0, "interim"),
        ("2030", 60.0, ""),
    ]
    assert (ind.target_value, ind.target_period.label) == (60.0, "2030")
    assert (ind.baseline_value, ind.baseline_period.label) == (41.5, "2019")
    assert (ind.lower_bound, ind.upper_bound) == (0.0, 100.0)
    assert list(ind.stewards.all()) == [org]
    assert list(ind.dimensions.all()) == [dim]
    assert ind.progress_options == [{"limit": 100.0}]
    page = client.get(ind.get_absolute_url()).content.decode()
    assert "50.0 by 2027; 60.0 by 2030" in page
    assert "by None" not in page


def test_every_problem_is_named_on_its_field(client, alice, riverton):
    login(client, alice)
    result = riverton.results.first()
    response = client.post(
        f"{BASE}/indicators/new/",
        indicator_post(
            result,
            lower_bound="100",
            upper_bound="0",
            **{"targets-0-period": "sometime", "targets-1-period": "2030"},
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The upper limit must be above the lower limit." in page
    assert "is not a period" in page
    assert 'href="#id_upper_bound"' in page  # the summary links to the field
    # ...and the field points back at its message.
    assert re.search(r'name="upper_bound"[^>]*aria-describedby="[^"]*id_upper_bound_error', page)
    assert not Indicator.objects.filter(slug="summer-reading-days").exists()


def test_a_target_outside_the_hard_limits_is_refused(client, alice, riverton):
    login(client, alice)
    result = riverton.results.first()
    response = client.post(
        f"{BASE}/indicators/new/", indicator_post(result, **{"targets-1-value": "160"})
    )
    assert response.status_code == 200
    assert "160 is above the upper limit 100." in response.content.decode()
    assert not Indicator.objects.filter(slug="summer-reading-days").exists()


def test_two_targets_by_the_same_year_are_refused(client, alice, riverton):
    login(client, alice)
    result = riverton.results.first()
    response = client.post(
        f"{BASE}/indicators/new/", indicator_post(result, **{"targets-0-period": "2030"})
    )
    assert response.status_code == 200
    assert "Target 2 is already due by 2030" in response.content.decode() or (
        "already due by 2030" in response.content.decode()
    )


def test_a_rate_needs_its_n(client, alice, riverton):
    login(client, alice)
    result = riverton.results.first()
    response = client.post(
        f"{BASE}/indicators/new/", indicator_post(result, unit_kind="rate", upper_bound="")
    )
    assert response.status_code == 200
    assert "A rate per N needs its N" in response.content.decode()


def test_editing_keeps_the_open_sdg_options_the_form_does_not_show(client, alice, riverton):
    login(client, alice)
    ind = Indicator.objects.filter(result__collaborative=riverton).population().first()
    kept = {"disaggregation": {"Sex": "Female"}, "direction": "positive"}
    ind.progress_options = [{"direction": "negative", "custom_key": 1}, kept]
    ind.save()
    page = client.get(f"{BASE}/indicators/{ind.slug}/").content.decode()
    assert 'value="negative" selected' in page
    data = indicator_post(
        ind.result,
        name=ind.name,
        slug=ind.slug,
        baseline_period="",
        baseline_value="",
        lower_bound="",
        upper_bound="",
        **{"progress-direction": "positive", "progress-target_year": "2035"},
    )
    response = client.post(f"{BASE}/indicators/{ind.slug}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    ind.refresh_from_db()
    assert ind.progress_options == [
        {"custom_key": 1, "direction": "positive", "target_year": 2035},
        kept,
    ]


def test_a_slug_is_unique_across_the_collaborative_not_only_the_result(client, alice, riverton):
    login(client, alice)
    other = Indicator.objects.filter(result__collaborative=riverton).first()
    result = riverton.results.exclude(pk=other.result_id).first()
    response = client.post(f"{BASE}/indicators/new/", indicator_post(result, slug=other.slug))
    assert response.status_code == 200
    assert "already used here" in response.content.decode()


def test_every_demo_indicator_keeps_the_rules_the_forms_apply(riverton):
    for ind in Indicator.objects.filter(result__collaborative=riverton):
        ind.full_clean()
        for target in ind.targets.all():
            target.full_clean()


def test_a_target_without_a_period_never_reads_by_none(riverton):
    ind = Indicator.objects.filter(result__collaborative=riverton).population().first()
    ind.target_period = None
    ind.target_value = 60.0
    assert ind.target_text == ind.format_value(60.0)
