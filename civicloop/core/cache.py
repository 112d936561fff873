"""Caching what is derived purely from a collaborative's data, keyed so it is never stale.

Why: an uncached member's indicator page or API answer costs tens of milliseconds of
CPU (ORM queries, the analyses, the chart spec), so at 50 concurrent connections two cores
answer in seconds (`benchmarks/site.py`). Most of that work gives the same answer until
the data changes. Each collaborative has a `DataVersion` stamp that every change of its
data or definition replaces with a new random number; cached entries are keyed on it, so
a change makes new keys at once and old entries are simply never read again.

What may be cached here: what follows from the data alone, for a given audience. Who may
see what (`civicloop.core.access`) is always decided per request, before a cache is read;
the audience (members, who read pending values, or the public, who read approved copies
only) is part of every key, so a pending value never reaches the public through a cache.

What changes the stamp (`bump`):
- any ``save``/``delete``/many-to-many change of a model of the data apps (results,
  measure, learn, table, declare, review) but the bulk rows `NOT_WATCHED`: the instance's
  collaborative, or every collaborative when the instance does not carry one (an
  indicator, an observation saved one by one);
- `measure.signals.observations_changed` (every load, refresh and rollback, which write
  in bulk) and `results.approval.approvals_changed`;
- bulk writes that send neither call `bump` themselves (learn's stored analyses, the
  set-up page's public/private switch).

As a backstop for a bulk write added later without a `bump`, entries also expire after
`TTL` seconds.

Where entries live: in the process, as the objects themselves (`_Store`). The stamp is
read from the database on every request, so a process-local store is never stale however
many processes or hosts serve the site; and it hands back the built objects rather than a
copy: a pickling store (Django's local-memory cache) spent more time unpickling a home
page's calendar (hundreds of rows with their indicators) than the page's own queries took.
So what is cached here is read-only to its readers: a view copies what it changes
(`dataclasses.replace`, a new list or dict), never mutates a cached row in place.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.utils import translation

T = TypeVar("T")

TTL = 600
# The least recently read go first. An entry is a page's part as objects, ~65 KB on
# average (1,000 member indicator pages' 3,000 entries: ~190 MB per process); deployments
# short of memory lower it with settings.CIVICLOOP_DATA_CACHE_ENTRIES.
MAX_ENTRIES = 3000
EVERY = 0  # the scope of a change whose collaborative is not known
DATA_APPS = {"results", "measure", "learn", "table", "declare", "review"}


def _new() -> int:
    return secrets.randbits(62)


def bump(collaborative_id: int | None = None) -> None:
    """A new stamp for the collaborative (None: for every collaborative), in the current
    transaction: readers see the new stamp no earlier than the data it stands for."""
    from civicloop.core.models import DataVersion

    scope = collaborative_id or EVERY
    rows = DataVersion.objects.filter(scope=scope)
    if rows.update(version=_new()):
        return
    # First change of this scope; a concurrent first change may insert it too, so write
    # ours over whichever row won.
    DataVersion.objects.bulk_create([DataVersion(scope=scope, version=0)], ignore_conflicts=True)
    rows.update(version=_new())


def version(collaborative_id: int) -> str:
    """The collaborative's stamp (with every collaborative's), in one query.

    Every cached page and answer asks this on every request, so it is one fixed statement
    rather than an ORM query (compiling that cost more than running it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL or _version_sql(), [EVERY, collaborative_id])
        found = dict(cursor.fetchall())
    return f"{found.get(EVERY, 0)}.{found.get(collaborative_id, 0)}"


_VERSION_SQL = ""


def _version_sql() -> str:
    from django.db import connection

    from civicloop.core.models import DataVersion

    global _VERSION_SQL
    q = connection.ops.quote_name
    _VERSION_SQL = (
        f"SELECT {q('scope')}, {q('version')} FROM {q(DataVersion._meta.db_table)} "
        f"WHERE {q('scope')} IN (%s, %s)"
    )
    return _VERSION_SQL


def cached(parts: tuple, stamp: str, build: Callable[[], T]) -> T:
    """`build()`'s value for `parts` (what it is of, for which audience) at data `stamp`,
    built once and then read from the cache until the stamp changes."""
    # Cached fragments hold sentences for people: the language is part of every key.
    raw = ":".join(str(p) for p in (*parts, translation.get_language()))
    key = f"civicloop:{stamp}:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"
    store = _store
    value = store.get(key)
    if value is not None:
        return value
    # Right after a change every request of a page misses at once: one thread of the
    # process builds the entry while the others asking for the same key wait for it, rather
    # than each building it again (under the GIL, N builders cost N times the CPU and all
    # finish late).
    with _guard:
        lock = _building.setdefault(key, threading.Lock())
    try:
        with lock:
            value = store.get(key)
            if value is None:
                value = build()
                store.set(key, value, TTL)
    finally:
        with _guard:
            if _building.get(key) is lock:
                del _building[key]
    return value


class _Store:
    """A bounded, thread-safe map of key to (expiry, value), least recently read evicted
    first; values are kept as they are (not pickled)."""

    def __init__(self, max_entries: int | None = None):
        self._max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[1]

    def set(self, key: str, value, ttl: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries():
                self._entries.popitem(last=False)

    def max_entries(self) -> int:
        if self._max_entries is not None:
            return self._max_entries
        from django.conf import settings

        return getattr(settings, "CIVICLOOP_DATA_CACHE_ENTRIES", MAX_ENTRIES)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_store = _Store()


def clear() -> None:
    """Forget every entry of this process (tests: a rolled-back test may bring a stamp
    back)."""
    _store.clear()


_guard = threading.Lock()
_building: dict[str, threading.Lock] = {}  # key: its builder's lock, while it builds


# -- what bumps the stamp ---------------------------------------------------------------------

# Rows written in bulk with their own announcement (a load, an approval, learn's analyse),
# or that no cached fragment shows. Listening to their deletes would also cost every bulk
# delete its fast path (Django then deletes row by row to send the signals).
NOT_WATCHED = {
    "results.Period",  # shared and never changed; a new one changes nothing shown
    "results.Revision",
    "results.ApprovalEvent",
    "measure.QuarantinedRow",
    "measure.Refresh",
    "learn.SeriesAnalysis",
    "learn.StrategyEffect",
    "table.ZipArea",
    "table.Ballot",
    "table.Score",
    "table.Dots",
    "declare.DeclarationEvent",
    "declare.Subscription",
    "declare.Watch",
    "declare.Alert",
}
# Saved one by one only outside the load path (the admin, a test); deleted in bulk by a
# rollback, which announces itself.
SAVES_ONLY = {"results.Observation"}


def _collaborative_of(instance) -> int | None:
    if instance._meta.label == "results.Collaborative":
        return instance.pk
    return getattr(instance, "collaborative_id", None)


def _changed(sender, instance, **kwargs) -> None:
    bump(_collaborative_of(instance))


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):
        bump(_collaborative_of(instance))


def _announced(sender=None, collaborative=None, **kwargs) -> None:
    bump(getattr(collaborative, "pk", None))


def connect() -> None:
    """Wire `bump` to every change (called once, from the core app's ``ready``)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from civicloop.measure.signals import observations_changed
    from civicloop.results.approval import approvals_changed

    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            name = model._meta.label
            if name in NOT_WATCHED:
                continue
            uid = f"civicloop-data-version-{name}"
            post_save.connect(_changed, sender=model, dispatch_uid=uid)
            if name not in SAVES_ONLY:
                post_delete.connect(_changed, sender=model, dispatch_uid=uid)
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    _m2m_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"{uid}-{field.name}",
                )
    observations_changed.connect(_announced, dispatch_uid="civicloop-data-version-load")
    approvals_changed.connect(_announced, dispatch_uid="civicloop-data-version-approval")
