"""`civicloop declare report`: a collaborative's progress report as a PDF (WeasyPrint).

What the public may see (the same as the public site), or with ``everything`` the whole of
it, for the table's own use: every result, each indicator's chart (the same server-drawn
SVG as the site), its verdicts in words with their evidence, the declarations, and the
decisions the table published, and its maps by area.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from civicloop import __version__
from civicloop.declare.public.pages import charts_for, map_for, result_rows
from civicloop.declare.public.snapshot import Snapshot
from civicloop.results.models import Collaborative


def report_html(collaborative: Collaborative, *, everything: bool = False) -> str:
    snap = Snapshot(collaborative, everything=everything)
    snap.preload_observations()
    results = []
    for res in snap.results:
        block = result_rows(snap, res)
        for row in block["rows"]:
            ind = row["indicator"]
            charts = charts_for(snap, ind, only_headline=True)
            row["chart"] = charts[0] if charts else None
            row["map"] = map_for(snap, ind)
            row["evidence"] = snap.evidence(ind)
            row["declarations"] = snap.declarations_about(ind)
        results.append(block)
    trends = Counter(
        (snap.family.get(i.pk, {}).get("verdict") or {}).get("status", "not_enough_data")
        for i in snap.indicators
    )
    progress = Counter(
        (snap.family.get(i.pk, {}).get("progress") or {}).get("status", "not_available")
        for i in snap.indicators
    )
    return render_to_string(
        "declare/report.html",
        {
            "collaborative": collaborative,
            "snapshot": snap,
            "results": results,
            "trends": trends,
            "progress": progress,
            "everything": everything,
            "generated_at": timezone.now(),
            "civicloop_version": __version__,
        },
    )


def write_report(collaborative: Collaborative, out: Path, *, everything: bool = False) -> Path:
    """Render the report to `out` (a .pdf file); returns the path written."""
    from weasyprint import HTML

    out = Path(out).expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=report_html(collaborative, everything=everything)).write_pdf(out)
    return out
