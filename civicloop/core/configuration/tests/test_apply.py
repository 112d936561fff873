"""``config apply``: idempotent, all or nothing, and every problem named by its path."""

from __future__ import annotations

import copy

import pytest
import yaml

from civicloop.core.configuration import ConfigurationError, apply_configuration
from civicloop.core.models import Membership
from civicloop.measure.models import Source
from civicloop.results.models import Collaborative, Indicator

SMALL = {
    "collaborative": {"slug": "lakeside", "name": "Lakeside Promise", "city": "Lakeside"},
    "areas": [
        {
            "code": "east",
            "name": "East",
            "level": "district",
            "parent": "lakeside",
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-74.2, 40.7], [-74.1, 40.7], [-74.1, 40.8], [-74.2, 40.7]]],
            },
        },
        {"code": "lakeside", "name": "Lakeside", "level": "city"},
    ],
    "organisations": [{"slug": "schools", "name": "Lakeside Schools", "sector": "education_k12"}],
    "results": [
        {
            "slug": "reading",
            "title": "Children read",
            "statement": "Every child reads at grade level by 3rd grade.",
            "indicators": [
                {
                    "slug": "third-grade-reading",
                    "name": "Third-grade reading",
                    "unit": "%",
                    "unit_kind": "percent",
                    "direction": "higher",
                    "frequency": "year",
                    "lower_bound": 0,
                    "upper_bound": 100,
                    "stewards": ["schools"],
                    "baseline": {"period": 2019, "value": 41.5},
                    "targets": [{"period": 2027, "value": 55}, {"period": "2030", "value": 60}],
                }
            ],
        }
    ],
    "sources": [
        {"name": "Portal", "kind": "socrata", "settings": {"domain": "x.gov", "app_token": "s3"}}
    ],
    "memberships": [{"username": "newcomer", "role": "analyst"}],
}


@pytest.mark.django_db
def test_apply_creates_then_a_second_apply_changes_nothing():
    first = apply_configuration(copy.deepcopy(SMALL))
    assert "create collaborative lakeside" in first.changes
    assert "set targets of indicator third-grade-reading: 55 by 2027, 60 by 2030" in first.changes
    ind = Indicator.objects.get(result__collaborative__slug="lakeside")
    assert [(t.period.label, t.value) for t in ind.targets.all()] == [("2027", 55), ("2030", 60)]
    assert (ind.target_value, ind.target_period.label) == (60, "2030")
    assert (ind.baseline_period.label, ind.baseline_value) == ("2019", 41.5)
    assert list(ind.stewards.values_list("slug", flat=True)) == ["schools"]
    lakeside = Collaborative.objects.get(slug="lakeside")
    assert lakeside.areas.get(code="east").parent.code == "lakeside"  # parent listed after
    member = Membership.objects.get(collaborative=lakeside)
    assert not member.user.has_usable_password()
    second = apply_configuration(copy.deepcopy(SMALL))
    assert second.changes == []


@pytest.mark.django_db
def test_a_change_in_the_file_is_applied_and_said():
    apply_configuration(copy.deepcopy(SMALL))
    changed = copy.deepcopy(SMALL)
    indicator = changed["results"][0]["indicators"][0]
    indicator["unit_kind"] = "count"  # a rate would now need its N (Indicator.clean)
    indicator["targets"] = [{"period": 2030, "value": 65}]
    out = apply_configuration(changed)
    assert "update indicator third-grade-reading: unit_kind: percent → count" in out.changes
    assert "set targets of indicator third-grade-reading: 65 by 2030" in out.changes
    assert (
        Indicator.objects.get(slug="third-grade-reading", result__slug="reading").target_value == 65
    )


@pytest.mark.django_db
def test_a_dry_run_says_what_it_would_do_and_does_nothing():
    out = apply_configuration(copy.deepcopy(SMALL), dry_run=True)
    assert "create collaborative lakeside" in out.changes
    assert not Collaborative.objects.filter(slug="lakeside").exists()


@pytest.mark.django_db
def test_problems_are_named_by_their_path_and_nothing_is_written():
    bad = copy.deepcopy(SMALL)
    indicator = bad["results"][0]["indicators"][0]
    indicator["targets"][1] = {"period": "sometime", "value": 60}
    bad["areas"][0]["level"] = "galaxy"
    bad["results"][0]["seats"] = [{"organisation": "nobody", "joined": "2020-01-01"}]
    bad["organisations"][0]["footprint"] = [{"area": "lakeside", "client_share": 1.5}]
    bad["memberships"][0]["role"] = "partner_member"
    with pytest.raises(ConfigurationError) as caught:
        apply_configuration(bad)
    problems = caught.value.problems
    assert any(p.startswith("areas[0].level: ") for p in problems), problems
    assert any(p.startswith("results[0].indicators[0].targets[1].period: ") for p in problems)
    assert "results[0].seats[0].organisation: no organisation 'nobody'" in problems
    assert any(p.startswith("organisations[0].footprint[0]: ") for p in problems), problems
    assert (
        "memberships[0].organisation: a partner member speaks for an organisation; "
        "name its slug" in problems
    )
    assert not Collaborative.objects.filter(slug="lakeside").exists()


@pytest.mark.django_db
def test_an_unknown_key_is_a_problem_not_silently_dropped():
    bad = copy.deepcopy(SMALL)
    bad["results"][0]["indicators"][0]["traget"] = 60
    with pytest.raises(ConfigurationError) as caught:
        apply_configuration(bad)
    assert caught.value.problems[0].startswith("results[0].indicators[0].traget: unknown key")


@pytest.mark.django_db
def test_secrets_never_leave_in_an_export_and_a_later_apply_keeps_them():
    from civicloop.core.configuration import export_configuration

    apply_configuration(copy.deepcopy(SMALL))
    lakeside = Collaborative.objects.get(slug="lakeside")
    warnings: list[str] = []
    exported = export_configuration(lakeside, warnings)
    assert exported["sources"][0]["settings"] == {"domain": "x.gov"}
    assert exported["areas"][1]["geometry"] == SMALL["areas"][0]["geometry"]
    assert warnings == [
        "sources[0].settings.app_token: a secret, not exported; "
        "name an environment variable with app_token_env instead"
    ]
    again = apply_configuration(exported)
    assert again.changes == []
    assert Source.objects.get(name="Portal").settings["app_token"] == "s3"


@pytest.mark.django_db
def test_a_key_in_a_source_url_is_exported_as_stars_and_kept_by_a_later_apply():
    from civicloop.core.configuration import export_configuration

    data = copy.deepcopy(SMALL)
    url = "https://x.gov/data.csv?year=2024&api_key=s3cret"
    data["sources"].append({"name": "Rates", "kind": "url", "settings": {"url": url}})
    apply_configuration(data)
    warnings: list[str] = []
    exported = export_configuration(Collaborative.objects.get(slug="lakeside"), warnings)
    assert (
        exported["sources"][1]["settings"]["url"] == "https://x.gov/data.csv?year=2024&api_key=***"
    )
    assert any(w.startswith("sources[1].settings.url: a key in the URL") for w in warnings)
    assert apply_configuration(exported).changes == []
    assert Source.objects.get(name="Rates").settings["url"] == url


@pytest.mark.django_db
def test_what_the_file_leaves_out_is_left_as_is_and_said(riverton):
    from civicloop.core.configuration import export_configuration

    data = export_configuration(riverton)
    dropped = data["results"][0]["indicators"].pop()
    out = apply_configuration(data)
    assert out.changes == []
    assert f"left as is: indicator {dropped['slug']} (not in the file)" in out.notes
    assert Indicator.objects.filter(slug=dropped["slug"]).exists()


@pytest.mark.django_db
def test_the_command_prints_each_change_and_then_no_changes(cli, tmp_path):
    path = tmp_path / "lakeside.yaml"
    path.write_text(yaml.safe_dump(SMALL), encoding="utf-8")
    out = cli("config", "apply", str(path), "--dry-run")
    assert out.exit_code == 0, out.stdout
    assert "would create collaborative lakeside" in out.stdout
    assert "none made" in out.stdout
    out = cli("config", "apply", str(path))
    assert out.exit_code == 0 and "change(s) made to lakeside" in out.stdout
    out = cli("config", "apply", str(path))
    assert "no changes: lakeside already matches" in out.stdout


@pytest.mark.django_db
def test_the_command_names_each_problem_and_fails(cli, tmp_path):
    bad = copy.deepcopy(SMALL)
    bad["results"][0]["indicators"][0]["targets"][1]["period"] = None
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    out = cli("config", "apply", str(path))
    assert out.exit_code == 1
    assert "results[0].indicators[0].targets[1].period: a target needs" in out.output
    assert "nothing was changed" in str(out.exception)
