"""Open SDG interchange: import an Open SDG data repository as a collaborative, export one.

An Open SDG repository has data files (``data/indicator_1-1-1.csv``: ``Year``, ``Value``,
any number of other columns; a row whose disaggregation cells are all empty is the
headline) and metadata in one or more layouts (``meta/*.md`` front matter,
``meta/*.yml``, ``indicator-config/*.yml``, ``csv-meta/`` + ``global-meta/``), with
``translations/`` for the texts of translation keys, ``geojson/`` for the boundaries of
the areas a ``GeoCode`` column names, and ``config_data.yml`` saying which inputs to read.
Each layout has its own small reader in `inputs` behind one interface (`inputs.base.Input`),
as sdg-build's ``inputs/`` do. How it maps onto civicloop:

====================================  ====================================================
Open SDG                              civicloop
====================================  ====================================================
indicator ``1-1-1``                   `Indicator` slug ``1-1-1`` (``civicloop_slug`` wins)
its target ``1.1``                    `Result` ``target-1-1``
``indicator_name`` / ``graph_title``  name (a translation key resolved from translations/;
                                      unresolved, the first plain-text name field, else
                                      "Indicator 1.1.1")
``computation_units`` / ``unit``      unit (and its kind: %, per N, number, $, else index)
Markdown body of the meta file        definition
``progress_calculation_options``      direction, target, target period, baseline, limit
                                      from the headline entry; the entries that apply to
                                      the indicator in ``Indicator.progress_options``
``graph_limits`` / progress ``limit`` ``Indicator.lower_bound`` / ``upper_bound``: the only
                                      values refused for their size
``national_geographical_coverage``    the name of the top area (rows with no GeoCode)
``GeoCode`` column                    an area with that code under the top area, named and
                                      shaped (``Area.geometry``) by its GeoJSON feature
every filled disaggregation column    together, one group: dimension "Sex × Age" (the
                                      column names), group "Female · 15-24" (the cells);
                                      the exact cells are kept for export
``Units`` / ``Series`` columns        one value: kept as is; several: one civicloop
                                      indicator per value (``1-1-1--percentage``), because
                                      a series mixing units is not one measure
``Year``                              a period with that exact label (``2014/15``,
                                      ``2017-2019``, ``2021-2022*``), placed by its span
other columns (``COMMENT_OBS``...)    kept in the archived data file, not imported
====================================  ====================================================

Matching a progress component to civicloop after an import (for the learn stage): the
import keeps, on its `Source` (``kind="open-sdg"``), ``settings["indicators"][id]
["measures"]``: civicloop indicator slug → ``{"Series": ..., "Units": ...}``. A
``progress_calculation_options`` entry with ``series: X`` (and/or ``unit: U``) is for the
civicloop indicator whose selector has ``Series == X`` (``Units == U``); `terms.applies`
decides it, and each indicator's ``progress_options`` already holds exactly the entries
that apply to it. An entry's ``disaggregation: [{field, value}...]`` names the group whose
exact cells are those field → value pairs (in any order), in the top area's series;
``settings["cells"]`` maps each group pk to its ``[[column, cell]...]``. `components.series_for`
does both and returns the `Series` a component is computed on (the headline series of the
top area for an entry with no disaggregation); `components.components_of(collaborative)`
gives, per Open SDG indicator id, every entry of its whole options list with its series
(Open SDG scores the indicator as the mean of its components), and `components.members`
the civicloop indicators each id became. A period's ``open_sdg_year`` (first year of
its label) is the year Open SDG's progress measure reads.

Import is all or nothing by default; with ``quarantine=True`` the sound rows are applied
and refused rows kept with their problems, like ``civicloop load --quarantine``. Rows go
through the loads' bulk writer (`civicloop.measure.write`), one `Load` per data file.
"""

from __future__ import annotations

from civicloop.measure.opensdg.components import components_of, group_cells, members, series_for
from civicloop.measure.opensdg.export import export_open_sdg
from civicloop.measure.opensdg.importer import SOURCE_KIND, default_slug, import_open_sdg
from civicloop.measure.opensdg.inputs import read
from civicloop.measure.opensdg.report import (
    ExportReport,
    ImportReport,
    format_number,
    summary_lines,
)
from civicloop.measure.opensdg.repository import ImportProblem, OpenSdgError, SdgIndicator
from civicloop.measure.opensdg.terms import Measure, measures_of, unit_kind

__all__ = [
    "SOURCE_KIND",
    "ExportReport",
    "ImportProblem",
    "ImportReport",
    "Measure",
    "OpenSdgError",
    "SdgIndicator",
    "components_of",
    "default_slug",
    "export_open_sdg",
    "format_number",
    "group_cells",
    "import_open_sdg",
    "measures_of",
    "members",
    "read",
    "read_repository",
    "series_for",
    "summary_lines",
    "unit_kind",
]


def read_repository(folder) -> tuple[list[SdgIndicator], list[ImportProblem]]:
    """Every indicator of the repository, with the problems met reading them."""
    repo = read(folder)
    return repo.sorted(), repo.problems
