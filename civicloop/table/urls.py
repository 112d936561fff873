"""The table's pages, under /c/<collaborative>/ (included from core.urls)."""

from __future__ import annotations

from django.urls import path

from civicloop.table.views import (
    chairs,
    commitments,
    network,
    organisations,
    registry,
    rounds,
    seats,
)

urlpatterns = [
    path("organisations/", organisations.organisations, name="organisations"),
    path("organisations/<slug:org_slug>/", organisations.organisation, name="organisation"),
    path(
        "organisations/<slug:org_slug>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<slug:org_slug>/footprint/",
        organisations.footprint_edit,
        name="footprint_edit",
    ),
    path(
        "organisations/<slug:org_slug>/roles/new/",
        organisations.role_change_new,
        name="role_change_new",
    ),
    path("table/", seats.table, name="table"),
    path("table/network/", network.network, name="network"),
    path("table/chairs/", chairs.chairs, name="chairs"),
    path("table/chairs/<slug:org_slug>/", chairs.chair, name="chair"),
    path("table/import/", registry.registry_import, name="registry_import"),
    path("table/seats/<int:seat_id>/end/", seats.seat_end, name="seat_end"),
    path("results/<slug:result_slug>/table/", seats.result_table, name="result_table"),
    path("results/<slug:result_slug>/table/seats/", seats.seat_new, name="seat_new"),
    path("results/<slug:result_slug>/table/sectors/", seats.result_sectors, name="result_sectors"),
    path("commitments/", commitments.commitments, name="commitments"),
    path("commitments/new/", commitments.commitment_new, name="commitment_new"),
    path("commitments/<int:pk>/", commitments.commitment, name="commitment"),
    path("commitments/<int:pk>/edit/", commitments.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/status/", commitments.commitment_status, name="commitment_status"),
    path(
        "commitments/<int:pk>/declare/", commitments.commitment_declare, name="commitment_declare"
    ),
    path("commitments/<int:pk>/measures/", commitments.measure_new, name="measure_new"),
    path("rounds/", rounds.rounds, name="rounds"),
    path("rounds/new/", rounds.round_new, name="round_new"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/ballot/", rounds.ballot, name="ballot"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
]
