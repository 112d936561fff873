"""Writing validated rows: the only code that inserts or changes observations in bulk.

It runs inside the caller's transaction. New observations go in through the database's
own bulk path (``executemany`` on SQLite, ``COPY`` on PostgreSQL); changed ones are updated
and each change leaves a `Revision` with the full previous state, so `undo` can restore it.

What a load writes is pending unless it is ``approved`` as it loads: a pending revision
leaves the observation's approved copy (``approved_value``...) as it was, which is what the
public keeps seeing; an approval on load copies the new state and records an
`ApprovalEvent` per value, in one statement.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from django.db import connection
from django.db.models import F
from django.utils import timezone

from civicloop.core import cache as data_cache
from civicloop.measure.models import Load
from civicloop.measure.validate import STATUSES, Validated
from civicloop.results.models import (
    APPROVED_FIELDS,
    Approval,
    ApprovalEvent,
    Observation,
    Period,
    Revision,
    Series,
)

CHUNK = 100_000
OBS_COLUMNS = (
    "series_id",
    "period_id",
    "value",
    "margin_of_error",
    "confidence_level",
    "numerator",
    "denominator",
    "status",
    "load_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "approval",
    "approved_by_id",
    "approved_at",
    "approved_value",
    "approved_margin_of_error",
    "approved_confidence_level",
    "approved_numerator",
    "approved_denominator",
    "approved_status",
)
REV_COLUMNS = (
    "observation_id",
    "old_value",
    "new_value",
    "old_margin_of_error",
    "new_margin_of_error",
    "old_status",
    "new_status",
    "old_confidence_level",
    "old_numerator",
    "old_denominator",
    "old_load_id",
    "load_id",
    "changed_by_id",
    "changed_at",
    "reason",
)


class Blocked(Exception):
    """An undo that would discard later changes."""


def _nan_to_none(values: np.ndarray) -> list:
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def _series_ids(rows: Validated) -> tuple[np.ndarray, set[int]]:
    """Each row's Series pk, creating the series that do not exist yet (also returned)."""
    combo = np.stack([rows.indicator, rows.area, rows.group], axis=1)
    combos, inverse = np.unique(combo, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    indicator_ids = np.unique(rows.indicator).tolist()
    existing = {
        (i, a, g if g is not None else -1): pk
        for pk, i, a, g in Series.objects.filter(indicator_id__in=indicator_ids).values_list(
            "pk", "indicator_id", "area_id", "group_id"
        )
    }
    missing = [tuple(int(x) for x in c) for c in combos if tuple(int(x) for x in c) not in existing]
    before = set(existing.values())
    if missing:
        # Born at version 1: updating thousands of rows created in the same transaction
        # makes PostgreSQL's foreign-key checks at commit walk their old versions.
        Series.objects.bulk_create(
            [
                Series(indicator_id=i, area_id=a, group_id=None if g < 0 else g, version=1)
                for i, a, g in missing
            ],
            batch_size=5000,
        )
        existing = {
            (i, a, g if g is not None else -1): pk
            for pk, i, a, g in Series.objects.filter(indicator_id__in=indicator_ids).values_list(
                "pk", "indicator_id", "area_id", "group_id"
            )
        }
    ids = np.array([existing[tuple(int(x) for x in c)] for c in combos], dtype=np.int64)
    return ids[inverse], set(existing.values()) - before


def _period_ids(rows: Validated) -> np.ndarray:
    ids = np.array(Period.ids(rows.periods) or [0], dtype=np.int64)
    return ids[rows.period]


def _existing(series_ids: np.ndarray) -> dict[str, np.ndarray]:
    """Current observations of the touched series, as sorted arrays keyed by series × period."""
    table = Observation._meta.db_table
    cols = "id, series_id, period_id, value, margin_of_error, confidence_level, numerator, denominator, status, load_id"
    found: list[tuple] = []
    unique = np.unique(series_ids).tolist()
    with connection.cursor() as cursor:
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            marks = ",".join(["%s"] * len(part))
            cursor.execute(f"SELECT {cols} FROM {table} WHERE series_id IN ({marks})", part)
            found.extend(cursor.fetchall())
    names = ("id", "series", "period", "value", "moe", "level", "num", "den", "status", "load")
    if not found:
        return {name: np.array([], dtype=np.int64) for name in (*names, "key")}
    arrays = {}
    for j, name in enumerate(names):
        column = [r[j] for r in found]
        if name in ("value", "moe", "level", "num", "den"):
            arrays[name] = np.array([np.nan if v is None else v for v in column], dtype=np.float64)
        elif name == "status":
            arrays[name] = np.array(column, dtype=object)
        else:
            arrays[name] = np.array([-1 if v is None else v for v in column], dtype=np.int64)
    key = arrays["series"] * (1 << 24) + arrays["period"]
    order = np.argsort(key)
    arrays = {name: a[order] for name, a in arrays.items()}
    arrays["key"] = key[order]
    return arrays


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


def apply(
    rows: Validated,
    make_load: Callable[[int, int, int], Load],
    user=None,
    progress: Callable[[int, int], None] | None = None,
    approved: bool = False,
) -> tuple[Load, int, int, int]:
    """Write the rows; returns the load and (created, changed, unchanged).

    ``approved``: what is written is approved as it loads (else pending).

    ``make_load(created, changed, unchanged)`` creates the `Load` row once the counts are
    known and before any observation points at it: a load row that is updated after its
    observations went in makes PostgreSQL's foreign-key checks at commit much slower.
    """
    n = len(rows)
    if n == 0:
        return make_load(0, 0, 0), 0, 0, 0
    series, born = _series_ids(rows)
    periods = _period_ids(rows)
    key = series * (1 << 24) + periods
    old = _existing(series)
    pos = np.searchsorted(old["key"], key)
    pos_clipped = np.minimum(pos, max(len(old["key"]) - 1, 0))
    found = (
        (pos < len(old["key"])) & (old["key"][pos_clipped] == key)
        if len(old["key"])
        else np.zeros(n, bool)
    )
    status_text = np.array(STATUSES, dtype=object)[rows.status]
    new_idx = np.flatnonzero(~found)
    hit = np.flatnonzero(found)
    at = pos_clipped[hit]
    unchanged_mask = (
        (
            _same(old["value"][at], rows.value[hit])
            & _same(old["moe"][at], rows.margin_of_error[hit])
            & _same(old["level"][at], rows.confidence_level[hit])
            & _same(old["num"][at], rows.numerator[hit])
            & _same(old["den"][at], rows.denominator[hit])
            & (old["status"][at] == status_text[hit])
        )
        if len(hit)
        else np.zeros(0, bool)
    )
    changed, changed_at = hit[~unchanged_mask], at[~unchanged_mask]
    load = make_load(len(new_idx), len(changed), int(unchanged_mask.sum()))
    now = timezone.now()
    user_id = getattr(user, "pk", None)
    done = 0
    approval = (approved, user_id if approved else None, now if approved else None)
    for start in range(0, len(new_idx), CHUNK):
        part = new_idx[start : start + CHUNK]
        _insert_observations(
            part, rows, series, periods, status_text, load.pk, user_id, now, approval
        )
        done += len(part)
        if progress:
            progress(done, n)
    if len(changed):
        _update_observations(changed, changed_at, rows, status_text, old, load, user_id, now)
        _mark_revised(load, approval)
    if approved and (len(new_idx) or len(changed)):
        _approval_events(load, user_id, now)
    touched = [
        pk
        for pk in np.unique(np.concatenate([series[new_idx], series[changed]])).tolist()
        if pk not in born
    ]
    for i in range(0, len(touched), 500):
        Series.objects.filter(pk__in=touched[i : i + 500]).update(version=F("version") + 1)
    # In the load's transaction: cached pages and API answers of this data are never read
    # again once it commits.
    data_cache.bump(load.collaborative_id)
    if progress:
        progress(n, n)
    return load, len(new_idx), len(changed), int(unchanged_mask.sum())


def _observation_tuples(
    idx, rows, series, periods, status_text, load_id, user_id, now, approval
) -> list[tuple]:
    k = len(idx)
    approved, approved_by, approved_at = approval
    value = rows.value[idx].tolist()
    moe = _nan_to_none(rows.margin_of_error[idx])
    level = _nan_to_none(rows.confidence_level[idx])
    num = _nan_to_none(rows.numerator[idx])
    den = _nan_to_none(rows.denominator[idx])
    status = status_text[idx].tolist()
    public = [value, moe, level, num, den, status] if approved else [[None] * k] * 5 + [[""] * k]
    return list(
        zip(
            series[idx].tolist(),
            periods[idx].tolist(),
            value,
            moe,
            level,
            num,
            den,
            status,
            [load_id] * k,
            [user_id] * k,
            [now] * k,
            [now] * k,
            # plain text: psycopg's COPY would write an enum member's name
            [(Approval.APPROVED if approved else Approval.PENDING).value] * k,
            [approved_by] * k,
            [approved_at] * k,
            *public,
            strict=True,
        )
    )


def _insert_observations(
    idx, rows, series, periods, status_text, load_id, user_id, now, approval
) -> None:
    # The time as the database stores it, once: adapting a datetime per row (twice) took as
    # long as SQLite's own insert.
    now = connection.ops.adapt_datetimefield_value(now)
    data = _observation_tuples(
        idx, rows, series, periods, status_text, load_id, user_id, now, approval
    )
    insert(Observation._meta.db_table, OBS_COLUMNS, data)


def _mark_revised(load: Load, approval: tuple) -> None:
    """The values this load revised: pending again (their approved copy stays what the
    public sees), or approved as they load, their new state becoming the public copy."""
    approved, approved_by, approved_at = approval
    revised = Observation.objects.filter(revisions__load=load)
    if not approved:
        revised.update(approval=Approval.PENDING)
        return
    revised.update(
        approval=Approval.APPROVED,
        approved_by_id=approved_by,
        approved_at=approved_at,
        **{public: F(field) for field, public in APPROVED_FIELDS.items()},
    )


def _approval_events(load: Load, user_id, now) -> None:
    """One `ApprovalEvent` per value the load wrote and approved, in one statement."""
    events, observations = ApprovalEvent._meta.db_table, Observation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {events} "
            "(observation_id, action, old_approval, new_approval, value, user_id, at, note) "
            f"SELECT id, %s, %s, %s, value, %s, %s, %s FROM {observations} WHERE load_id = %s",
            [
                "approved",
                Approval.PENDING.value,
                Approval.APPROVED.value,
                user_id,
                now,
                f"approved as load #{load.pk} loaded",
                load.pk,
            ],
        )


def insert(table: str, columns: tuple[str, ...], data: list[tuple]) -> None:
    """The database's own bulk path: COPY on PostgreSQL, executemany elsewhere."""
    if not data:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor behind Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", data)


def _update_observations(idx, at, rows, status_text, old, load, user_id, now) -> None:
    table = Observation._meta.db_table
    updates = list(
        zip(
            rows.value[idx].tolist(),
            _nan_to_none(rows.margin_of_error[idx]),
            _nan_to_none(rows.confidence_level[idx]),
            _nan_to_none(rows.numerator[idx]),
            _nan_to_none(rows.denominator[idx]),
            status_text[idx].tolist(),
            [load.pk] * len(idx),
            [now] * len(idx),
            old["id"][at].tolist(),
            strict=True,
        )
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET value = %s, margin_of_error = %s, confidence_level = %s, "
            "numerator = %s, denominator = %s, status = %s, load_id = %s, updated_at = %s "
            "WHERE id = %s",
            updates,
        )
    lines = rows.line[idx].tolist()
    revisions = [
        (
            int(old["id"][a]),
            _f(old["value"][a]),
            float(rows.value[i]),
            _f(old["moe"][a]),
            _f(rows.margin_of_error[i]),
            old["status"][a],
            status_text[i],
            _f(old["level"][a]),
            _f(old["num"][a]),
            _f(old["den"][a]),
            None if old["load"][a] < 0 else int(old["load"][a]),
            load.pk,
            user_id,
            now,
            f"load #{load.pk}: {load.original_name}, row {line}",
        )
        for i, a, line in zip(idx.tolist(), at.tolist(), lines, strict=True)
    ]
    insert(Revision._meta.db_table, REV_COLUMNS, revisions)


def _f(value: float) -> float | None:
    return (
        None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    )


def undo(load: Load, user=None) -> dict:
    """Remove what `load` created and restore what it changed, leaving revisions behind."""
    from civicloop.measure.models import LoadStatus

    blockers = sorted(
        set(
            Revision.objects.filter(old_load=load)
            .exclude(load=load)
            .exclude(load__isnull=True)
            .exclude(load__status=LoadStatus.ROLLED_BACK)
            .values_list("load_id", flat=True)
        )
    )
    if blockers:
        names = ", ".join(f"#{pk}" for pk in blockers)
        raise Blocked(f"later load(s) {names} changed the same values: roll those back first")
    revised = list(Revision.objects.filter(load=load).select_related("observation"))
    created = Observation.objects.filter(load=load).exclude(
        pk__in=[rev.observation_id for rev in revised]
    )
    now = timezone.now()
    touched = set(created.values_list("series_id", flat=True))
    for rev in revised:
        obs = rev.observation
        Revision.objects.create(
            observation=obs,
            old_value=obs.value,
            new_value=rev.old_value,
            old_margin_of_error=obs.margin_of_error,
            new_margin_of_error=rev.old_margin_of_error,
            old_status=obs.status,
            new_status=rev.old_status,
            old_confidence_level=obs.confidence_level,
            old_numerator=obs.numerator,
            old_denominator=obs.denominator,
            old_load=load,
            load=None,
            changed_by=user,
            changed_at=now,
            reason=f"rollback of load #{load.pk}: {load.original_name}",
        )
        obs.value, obs.margin_of_error, obs.status = (
            rev.old_value,
            rev.old_margin_of_error,
            rev.old_status,
        )
        obs.confidence_level, obs.numerator = rev.old_confidence_level, rev.old_numerator
        obs.denominator, obs.load_id = rev.old_denominator, rev.old_load_id
        # A rollback is a write like any other: the restored state is public only if it is
        # the one last approved; otherwise the public keeps the approved copy until review.
        same = all(
            getattr(obs, field) == getattr(obs, public) for field, public in APPROVED_FIELDS.items()
        )
        approval = Approval.APPROVED if same else Approval.PENDING
        if approval != obs.approval:
            ApprovalEvent.objects.create(
                observation=obs,
                action="restored",
                old_approval=obs.approval,
                new_approval=approval,
                value=obs.value,
                user=user,
                note=f"rollback of load #{load.pk}",
            )
        obs.approval = approval
        obs.save()
        touched.add(obs.series_id)
    removed = created.count()
    created.delete()
    Series.objects.filter(pk__in=touched).update(version=F("version") + 1)
    data_cache.bump(load.collaborative_id)
    return {"removed": removed, "restored": len(revised)}
