"""REST endpoint that writes observations: rows in, the same load as an upload.

The rows become a CSV file that goes through `civicloop.measure.loads.load_file` with the
caller as its writer, so the API is archived, validated, checked for stewardship and held
for approval exactly as a web upload or ``civicloop load --as`` is: one writer path.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from civicloop.core import access
from civicloop.measure.loads import ApprovalRefused, LoadError, load_file
from civicloop.results.models import Collaborative

router = Router(tags=["measure"])
COLUMNS = (
    "indicator",
    "area",
    "period",
    "value",
    "dimension",
    "group",
    "margin_of_error",
    "confidence_level",
    "numerator",
    "denominator",
    "status",
)
MAX_ROWS = 50_000  # larger files go through the upload page or `civicloop load`


class RowIn(Schema):
    indicator: str
    area: str
    period: str
    value: float | str
    dimension: str | None = None
    group: str | None = None
    margin_of_error: float | None = None
    confidence_level: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: str | None = None


class ObservationsIn(Schema):
    rows: list[RowIn]
    source: str | None = None  # the name of one of the caller's sources
    approve: bool = False  # backbone staff: approve as it loads
    dry_run: bool = False


class ProblemOut(Schema):
    row: int  # the row's place in ``rows`` + 1, as a header-first file would number it
    column: str
    message: str


class LoadOut(Schema):
    status: str
    load: int | None
    rows_created: int
    rows_changed: int
    rows_unchanged: int
    approved: bool
    problems: list[ProblemOut]


class LoadRefusedOut(Schema):
    """A refused write, in the API's one refusal shape ({detail, reasons}); when rows had
    problems, the load's report too, with every problem by row and column."""

    detail: str
    reasons: list[str]
    status: str | None = None
    load: int | None = None
    rows_created: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    approved: bool = False
    problems: list[ProblemOut] = []


@router.post(
    "/collaboratives/{slug}/observations",
    response={201: LoadOut, 200: LoadOut, 422: LoadRefusedOut},
    auth=django_auth,
)
def write_observations(request, slug: str, body: ObservationsIn):
    """Write observations as the signed-in person: a partner writes only the indicators its
    organisation stewards (and its commitments' measures); anything else is refused with
    the steward's name and nothing is written. New and revised values are pending until
    approved, unless backbone staff ask to ``approve`` as they load."""
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    if not access.can_upload(request.user, collab):
        raise HttpError(403, "you cannot load data into this collaborative")
    if len(body.rows) > MAX_ROWS:
        raise HttpError(413, f"at most {MAX_ROWS:,} rows a request: upload a file instead")
    source = None
    if body.source:
        source = access.upload_sources(request.user, collab).filter(name=body.source).first()
        if source is None:
            raise HttpError(403, f"{body.source!r} is not one of your sources")
    with tempfile.TemporaryDirectory(prefix="civicloop-api-") as folder:
        path = Path(folder) / f"api-{timezone.now():%Y%m%dT%H%M%S}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(COLUMNS)
            for row in body.rows:
                out.writerow(["" if getattr(row, c) is None else getattr(row, c) for c in COLUMNS])
        try:
            report = load_file(
                path,
                collab,
                source=source,
                user=request.user,
                approve=body.approve,
                dry_run=body.dry_run,
            )
        except ApprovalRefused as exc:
            raise HttpError(403, str(exc)) from None
        except LoadError as exc:
            raise HttpError(422, str(exc)) from None
    out = LoadOut(
        status=str(report.status),
        load=report.load.pk if report.load else None,
        rows_created=report.rows_created,
        rows_changed=report.rows_changed,
        rows_unchanged=report.rows_unchanged,
        approved=report.approved and report.status in ("applied", "partial"),
        problems=[ProblemOut(**p.as_dict()) for p in report.problems[:1000]],
    )
    if report.problem_count:
        reasons = [f"row {p.row}, {p.column}: {p.message}" for p in report.problems[:20]]
        return Status(
            422,
            LoadRefusedOut(
                detail=f"{report.problem_count} problem(s); nothing was written",
                reasons=reasons,
                **out.dict(),
            ),
        )
    return Status(201 if report.rows_created or report.rows_changed else 200, out)
