"""The set-up pages, under /c/<collaborative>/setup/ (included from core.urls)."""

from __future__ import annotations

from django.urls import path

from civicloop.results.setup import (
    areas,
    collaborative,
    dimensions,
    indicators,
    organisations,
    overview,
    results,
    strategies,
)

urlpatterns = [
    path("", overview.overview, name="setup"),
    path("collaborative/", collaborative.collaborative, name="setup_collaborative"),
    path("results/new/", results.result_new, name="setup_result_new"),
    path("results/<slug:result_slug>/", results.result_edit, name="setup_result"),
    path("indicators/new/", indicators.indicator_new, name="setup_indicator_new"),
    path("indicators/<slug:indicator_slug>/", indicators.indicator_edit, name="setup_indicator"),
    path("disaggregations/", dimensions.dimensions, name="setup_dimensions"),
    path("disaggregations/new/", dimensions.dimension_new, name="setup_dimension_new"),
    path(
        "disaggregations/<slug:dimension_slug>/",
        dimensions.dimension_edit,
        name="setup_dimension",
    ),
    path("areas/", areas.areas, name="setup_areas"),
    path("areas/new/", areas.area_new, name="setup_area_new"),
    path("areas/import/", areas.areas_import, name="setup_areas_import"),
    path("areas/<int:area_id>/", areas.area_edit, name="setup_area"),
    path("strategies/", strategies.strategies, name="setup_strategies"),
    path("strategies/new/", strategies.strategy_new, name="setup_strategy_new"),
    path("strategies/<slug:strategy_slug>/", strategies.strategy_edit, name="setup_strategy"),
    path("organisations/", organisations.organisations, name="setup_organisations"),
    path("organisations/new/", organisations.organisation_new, name="setup_organisation_new"),
    path(
        "organisations/<slug:org_slug>/",
        organisations.organisation_edit,
        name="setup_organisation",
    ),
]
