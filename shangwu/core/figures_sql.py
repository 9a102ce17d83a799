"""The compiled SQL of figure selections, kept per process (issue 18).

The 工作台 counts some 26 selections per request (``core.figures.count_together`` and the sums
beside it): each a FilterSet's conditions over ``restrict(user)``, built and compiled by the ORM
on every request — about half of the page. The SQL such a selection compiles to is the same from
one request to the next as long as nothing it was made from has changed, so it is kept here and
only executed (every count is still read from the database: new records are counted at once).

What the SQL is made from, and how each is part of the key:

* the selection itself — its model, FilterSet and parameters (the period is a parameter);
* the asking user's record and scope — the user's id, role, region, unit and enterprise are in
  the key, and every scope rule is SQL of those ids (``restrict``: subqueries, never rows read
  into Python); the user's record is reference data, so changing it moves the reference stamp;
* reference data — regions, units, managed lists, indicators, users: the **reference stamp**
  (``core.reference``) read in the signed-in user's own query; the cache is emptied when it moves;
* the day — ``timezone.localdate()`` is in the key, so a condition may read today's date
  (``deadline < today``).

Anything else a condition might read is excluded by declaration: a selection is kept only when
every one of its conditions declares itself *pure* (``core.filtersets.pure_sql``; stock
django-filter lookups are pure by construction) and its FilterSet's own ``filter_queryset``, if
overridden, does too. A condition that reads business rows into Python and writes their ids
into the SQL (``IndicatorValueFilterSet.filter_lagging``, the work plan's report states) or the
clock finer than the day (``light``: ``timezone.now()``) is compiled on every request, as before.

Nothing is kept outside a signed-in request (no stamp: commands, the API's token requests), nor
for the rest of a request that itself changed reference data. At most ``MAX_ENTRIES`` entries per
process (least recently used first out)."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.utils import timezone

MAX_ENTRIES = 4096
# key -> (sql, params) of one selection's part of a statement; None: it can hold no rows
_cache: OrderedDict = OrderedDict()
_stamp: list = [None]  # the reference stamp the entries were compiled under
_lock = threading.Lock()
_MISSING = object()


@functools.cache
def _filterset_is_pure(filterset: type, names: frozenset) -> bool:
    from django_filters import FilterSet

    from shangwu.core.filtersets import filter_is_pure

    own = filterset.filter_queryset
    if own is not FilterSet.filter_queryset and not getattr(own, "pure_sql", False):
        return False
    return all(filter_is_pure(filterset, name) for name in names)


def is_pure(selection) -> bool:
    """Whether ``selection``'s SQL depends on nothing but its parameters, the user's scope, the
    reference data and the day (every condition it sets declares ``pure_sql``)."""
    return _filterset_is_pure(selection.filterset, frozenset(selection.params))


def scope_key(user) -> tuple:
    """What of the user a selection's SQL may read: id, role, region, unit, enterprise."""
    region = getattr(user, "region", None)  # the unit's region
    return (
        user.pk,
        getattr(user, "role", None),
        getattr(region, "pk", None),
        getattr(user, "org_unit_id", None),
        getattr(user, "enterprise_id", None),
        getattr(user, "is_active", None),
    )


def request_stamp():
    """The reference stamp of the current signed-in request, or None (nothing is kept)."""
    from shangwu.core import context, reference

    return reference.request_stamp(context.current().request)


def statement_key(kind, user, *parts):
    """The cache key of a statement ``kind`` made from ``parts`` for ``user`` today under the
    request's reference stamp, or None when nothing may be kept (no signed-in request, a part that
    is not hashable). The caller vouches that the statement reads nothing else (see above)."""
    stamp = request_stamp()
    if stamp is None:
        return None
    key = (kind, stamp, scope_key(user), timezone.localdate(), *parts)
    try:
        hash(key)
    except TypeError:  # e.g. a list-valued parameter
        return None
    return key


def selection_key(kind, selection, user, *extra):
    """``statement_key`` of ``selection`` compiled as ``kind`` (``extra``: what else the part
    reads, e.g. a sum's aggregate), or None when one of its conditions is not pure."""
    if not is_pure(selection):
        return None
    return statement_key(
        kind,
        user,
        selection.model,
        selection.filterset,
        tuple(selection.params.items()),
        *extra,
    )


def compiled(key, build):
    """``build()`` — (sql, params) of a statement or of one part of one, or None for a part that
    holds no rows (``EmptyResultSet``) — kept under ``key`` (``statement_key``); built every time
    when ``key`` is None."""
    if key is None:
        return _build(build)
    stamp = key[1]
    with _lock:  # threads of one worker share the cache
        if _stamp[0] != stamp:  # reference data changed: nothing compiled before is kept
            _cache.clear()
            _stamp[0] = stamp
        value = _cache.get(key, _MISSING)
        if value is not _MISSING:
            _cache.move_to_end(key)
            return value
    value = _build(build)  # outside the lock: other threads need not wait for a compile
    with _lock:
        if _stamp[0] == stamp:
            _cache[key] = value
            if len(_cache) > MAX_ENTRIES:
                _cache.popitem(last=False)
    return value


def _build(build):
    try:
        sql, params = build()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def clear() -> None:
    """Forget every kept statement (tests start each with none)."""
    _cache.clear()
    _stamp[0] = None
