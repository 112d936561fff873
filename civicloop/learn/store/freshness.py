"""Which of a collaborative's stored analyses are fresh, read once for many pages.

Why: every indicator page (its evidence, each line on its chart, its map of verdicts)
first checks that the stored analyses it reads are fresh: the indicators' settings
hashed, and every series of the family (area and group) compared with its analysis.
Those checks read the whole collaborative (hundreds of indicators, thousands of series)
to show one indicator, and gave the same answer to every page until the data changed.
`of` answers them for the whole collaborative in two queries; a page caches it on the
collaborative's data version (`civicloop.core.cache`), which every load, analysis and
change of an indicator replaces, so all the pages in between share one reading and none
reads a stale one. It says only what is fresh: the entries themselves are still read
(or computed, for a stale family) by `current_family` exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from civicloop.learn.store.batches import collaborative_series
from civicloop.learn.store.series import HASHED_FIELDS, hash_settings
from civicloop.results.models import Collaborative, Indicator
from civicloop.table.models import Strategy


@dataclass(frozen=True)
class Freshness:
    """hashes: {indicator id: `settings_hash`}. stale: the families (area id, group id)
    where some series changed since its analysis (or has none). targeted: the indicators
    some strategy with a start and areas aims at (only those can have effects)."""

    hashes: dict[int, str]
    stale: frozenset[tuple[int, int | None]]
    targeted: frozenset[int]

    def is_fresh(self, area_id: int, group_id: int | None) -> bool:
        return (area_id, group_id) not in self.stale


def of(collaborative: Collaborative) -> Freshness:
    """The collaborative's `Freshness` now (three queries)."""
    hashes = {
        pk: hash_settings(values)
        for pk, *values in Indicator.objects.filter(result__collaborative=collaborative)
        .order_by()
        .values_list("pk", *HASHED_FIELDS)
    }
    stale = {
        (area_id, group_id)
        for area_id, group_id, indicator_id, version, computed_from, stored_hash in (
            collaborative_series(collaborative)
            .order_by()
            .values_list(
                "area_id",
                "group_id",
                "indicator_id",
                "version",
                "analysis__computed_from_version",
                "analysis__settings_hash",
            )
        )
        if version != computed_from or stored_hash != hashes[indicator_id]
    }
    # As `strategies.effect_plans` chooses its strategies: with a start period and areas.
    targeted = frozenset(
        Strategy.objects.filter(
            collaborative=collaborative, start_period__isnull=False, areas__isnull=False
        )
        .order_by()
        .values_list("indicators", flat=True)
        .distinct()
    )
    return Freshness(hashes, frozenset(stale), targeted - {None})
