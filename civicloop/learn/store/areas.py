"""One indicator's analysis in many areas at once: what a map of trend verdicts reads.

`current_family` answers for one area; a map asks for a dozen or a few hundred, and a
page may not spend queries per area. Here the freshness of every family concerned is
read in one query, the fresh entries of the one indicator in another, and only a family
a load has made stale since its analysis is read (and computed, not saved) on its own,
exactly as `current_family` would: the verdicts are the stored ones, never made up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from civicloop.learn.store import current_family, settings_hashes
from civicloop.learn.store.batches import collaborative_series
from civicloop.learn.store.freshness import Freshness
from civicloop.results.models import Area, Indicator, Series


def headline_entries_by_area(
    indicator: Indicator, areas: Iterable[Area], freshness: Freshness | None = None
) -> dict[int, dict]:
    """{area id: analysis entry of `indicator`'s headline series there} for the `areas`
    where it has one; each entry carries ``family_size`` as `current_family`'s do.
    freshness: the collaborative's, when the caller has it (from the data cache): the
    families' freshness is then known without reading them."""
    collaborative = indicator.result.collaborative
    by_id = {a.pk: a for a in areas}
    if not by_id:
        return {}
    if freshness is not None:
        return _with_freshness(indicator, by_id, freshness)
    hashes = settings_hashes(collaborative)
    family = collaborative_series(collaborative).filter(area_id__in=list(by_id), group__isnull=True)
    stale: set[int] = set()
    has_series: set[int] = set()
    members: dict[int, int] = defaultdict(int)
    for area_id, indicator_id, version, computed_from, stored_hash in family.order_by().values_list(
        "area_id",
        "indicator_id",
        "version",
        "analysis__computed_from_version",
        "analysis__settings_hash",
    ):
        members[area_id] += 1
        if indicator_id == indicator.pk:
            has_series.add(area_id)
        if version != computed_from or stored_hash != hashes[indicator_id]:
            stale.add(area_id)
    fresh = has_series - stale
    out = {
        area_id: {**result, "family_size": family_size}
        for area_id, result, family_size in family.order_by()
        .filter(indicator=indicator, area_id__in=fresh)
        .values_list("area_id", "analysis__result", "analysis__family_size")
    }
    for area_id in sorted(has_series & stale):
        entry = current_family(
            collaborative, by_id[area_id], only=[indicator.pk], hashes=hashes
        ).get(indicator.pk)
        if entry is not None:
            out[area_id] = entry
    return out


def _with_freshness(indicator: Indicator, by_id: dict[int, Area], freshness: Freshness):
    """`headline_entries_by_area` in one query (its stale families apart)."""
    collaborative = indicator.result.collaborative
    out, stale = {}, []
    for area_id, result, family_size in (
        Series.objects.filter(indicator=indicator, area_id__in=list(by_id), group__isnull=True)
        .order_by()
        .values_list("area_id", "analysis__result", "analysis__family_size")
    ):
        if freshness.is_fresh(area_id, None):
            out[area_id] = {**result, "family_size": family_size}
        else:
            stale.append(area_id)
    for area_id in sorted(stale):
        entry = current_family(
            collaborative, by_id[area_id], only=[indicator.pk], freshness=freshness
        ).get(indicator.pk)
        if entry is not None:
            out[area_id] = entry
    return out
