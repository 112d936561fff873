"""The demo round-trips: export → apply under another slug → export gives the same file,
and the demo's observations loaded into the copy give the same trends as the demo."""

from __future__ import annotations

import csv
import json

import pytest
import yaml

from civicloop.core.configuration import apply_configuration, dump_yaml, export_configuration
from civicloop.measure.loads import load_file
from civicloop.results.models import Observation

COLUMNS = ["indicator", "area", "dimension", "group", "period", "value", "margin_of_error",
           "confidence_level", "numerator", "denominator", "status"]  # fmt: skip


def write_observations(collab, path):
    """The collaborative's observations as one long CSV, as a partner would send them
    (performance measures belong to commitments, which the configuration leaves out)."""
    rows = (
        Observation.objects.filter(
            series__indicator__result__collaborative=collab,
            series__indicator__performance_measure__isnull=True,
        )
        .select_related("series__indicator", "series__area", "series__group__dimension", "period")
        .order_by("pk")
    )
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for o in rows:
            group = o.series.group
            out.writerow(
                [
                    o.series.indicator.slug,
                    o.series.area.code,
                    group.dimension.slug if group else "",
                    group.slug if group else "",
                    o.period.label,
                    *(
                        "" if v is None else v
                        for v in (
                            o.value,
                            o.margin_of_error,
                            o.confidence_level,
                            o.numerator,
                            o.denominator,
                        )
                    ),  # fmt: skip
                    o.status,
                ]
            )
    return path


@pytest.mark.django_db
def test_the_demo_round_trips_through_its_configuration(riverton, tmp_path, cli):
    text = dump_yaml(export_configuration(riverton))
    applied = apply_configuration(yaml.safe_load(text), slug="riverton-copy")
    assert applied.changes and applied.notes == []
    copy = applied.collaborative
    again = dump_yaml(export_configuration(copy))
    assert again == text.replace("\n  slug: riverton\n", "\n  slug: riverton-copy\n", 1)

    # Approved as they load, as the demo's own are (loaded values otherwise wait for
    # approval, and learn reads approved values only).
    report = load_file(
        write_observations(riverton, tmp_path / "observations.csv"), copy, approve=True
    )
    assert report.problems == [] and report.rows_created > 1000

    def trends(slug: str) -> list[dict]:
        out = cli("learn", "trends", "-c", slug, "--json")
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)

    demo = trends("riverton")
    assert len(demo) > 5 and {t["status"] for t in demo} != {"not_enough_data"}
    assert trends("riverton-copy") == demo
