"""The declare stage of ``civicloop demo``: build the public site into the workspace's
``public/`` folder, write the PDF report, check alerts, and say where everything is."""

from __future__ import annotations

from django.conf import settings
from rich.console import Console

from civicloop.declare import alerts
from civicloop.declare.models import Declaration, DeclarationEvent, DeclarationStatus, EventKind
from civicloop.declare.report import write_report
from civicloop.declare.site import build
from civicloop.results.models import Collaborative


def run(collaborative: Collaborative, console: Console) -> dict:
    """Returns {"site": BuildReport, "report": Path, "alerts": CheckReport}."""
    declarations = Declaration.objects.filter(collaborative=collaborative)
    published = declarations.filter(status=DeclarationStatus.PUBLISHED).count()
    refused = DeclarationEvent.objects.filter(
        declaration__collaborative=collaborative, kind=EventKind.REFUSED
    ).first()
    console.print(
        f"  declare: {published} declarations published, "
        f"{declarations.exclude(status=DeclarationStatus.PUBLISHED).count()} in the works",
        highlight=False,
    )
    if refused is not None:
        console.print(f"    refused edit: “{refused.text}”", highlight=False)
        for reason in refused.reasons:
            console.print(f"      {reason}", highlight=False)
    workspace = settings.WORKSPACE
    site = build(workspace.public_dir, analyse=False)
    console.print(
        f"    public site: {site.pages} pages and {site.files} data files in {site.seconds:.1f} s "
        f"→ {site.out}/index.html (live at /public/)",
        highlight=False,
    )
    report = write_report(collaborative, workspace.path / f"{collaborative.slug}-report.pdf")
    console.print(f"    PDF report → {report}", highlight=False)
    checked = alerts.check(collaborative)
    console.print(
        f"    alerts: {len(checked.alerts)} sent ({len(checked.failed)} failed) — "
        "a second `civicloop declare alerts` sends nothing new",
        highlight=False,
    )
    return {"site": site, "report": report, "alerts": checked}
