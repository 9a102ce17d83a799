"""Reference dropdowns kept per process, stale-proof by a change stamp (issue 18).

Every list page's filter form offers regions, units, managed lists (类别, 标签, 阶段, 产业链),
indicators and officials; reading them was 4–5 queries and their compilation on every request.
The options a dropdown read (``core.rows.StubChoiceIterator``) are kept in this process, keyed by
the dropdown's compiled query — so a county user's dropdown, narrowed to their county, never
shares an entry with another scope — and by the **reference stamp**: one row
(``core.ReferenceStamp``) set to a fresh random value whenever a *reference model* is saved or
deleted (the signals below; ``QuerySet.update``, ``bulk_create`` and ``bulk_update`` through
``RestrictedQuerySet``, which every reference model's manager uses). The stamp is read in the
signed-in user's own query (``accounts.backends.UserBackend``), never by a query of its own, and
kept on the request (``request.reference_stamp``): a county renamed by one worker shows in the
next page every worker serves.

A reference model is one whose records are reference data or accounts and that a dropdown shows
by ``str()`` (``str_fields``): Region, OrgUnit, every ``Vocabulary``, Indicator, User; and a
business model that says so (``kept_in_dropdowns = True``: a work plan and its sections, changed a
few times a year, whose view scope reads nothing but their own table). A dropdown
is kept only when every table its query reads is such a model's (a query reading a business
table, e.g. the tasks of a plan, is read on every request as before). Outside a signed-in request
(commands, services, the API's token requests) nothing is kept. A request that itself changes
reference data reads every dropdown afresh for the rest of the request.

Random, not a counter: a rolled-back transaction (a failed save, a test) puts the old value back,
and a later change must never be handed the value the rolled-back one had, whose options may
already be kept."""

from __future__ import annotations

import functools
import re
import secrets

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, transaction
from django.db.models import TextField
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

from shangwu.core import context
from shangwu.core.access import Access

STAMP_ROW = 1
STAMP_TABLE = "core_referencestamp"

# The stamp, as a column of a query the request makes anyway (the signed-in user's).
REFERENCE_STAMP = RawSQL(
    f'(SELECT "value" FROM "{STAMP_TABLE}" WHERE "id" = {STAMP_ROW})', (), output_field=TextField()
)

_ACCESS = (Access.REFERENCE, Access.ACCOUNTS)
# At most this many entries (a dropdown's options per scope, a filter's query per user); past it,
# start again.
MAX_ENTRIES = 20_000

# {"stamp": the stamp the entries were read under,
#  ("query", db, sql, params): [(value, label), …],
#  (filter set class, filter name, user id): ("query", db, sql, params) or _NOT_KEPT}
_cache: dict = {}


@functools.cache
def is_reference(model) -> bool:
    """Whether changing ``model``'s records moves the stamp (and a dropdown of them may be kept)."""
    if model._meta.abstract or getattr(model, "str_fields", None) is None:
        return False
    return getattr(model, "access", None) in _ACCESS or getattr(model, "kept_in_dropdowns", False)


def touches(model, fields) -> bool:
    """Whether writing ``fields`` (None: the whole record) of ``model`` changes reference data.
    A model lists in ``reference_stamp_ignores`` the fields no dropdown reads that change all the
    time (a user's sign-in bookkeeping)."""
    if not is_reference(model):
        return False
    ignored = getattr(model, "reference_stamp_ignores", frozenset())
    return fields is None or not set(fields) <= ignored


def reference_changed() -> None:
    """Move the stamp: called by the signals and querysets below whenever reference data changes,
    inside the same transaction (a rollback puts the old stamp back with the old data)."""
    from shangwu.core.models import ReferenceStamp

    value = secrets.token_hex(16)
    if not ReferenceStamp.objects.filter(pk=STAMP_ROW).update(value=value):
        try:
            with transaction.atomic():
                ReferenceStamp.objects.create(pk=STAMP_ROW, value=value)
        except IntegrityError:  # created a moment ago by another worker
            ReferenceStamp.objects.filter(pk=STAMP_ROW).update(value=value)
    request = context.current().request
    if request is not None:
        request.reference_stamp = None  # read the rest of this request afresh
    _cache.clear()


def request_stamp(request) -> str | None:
    """The stamp this request reads dropdowns under (``request.reference_stamp``): the one the
    signed-in user's query brought along; None outside a signed-in request."""
    if request is None:
        return None
    try:
        return request.reference_stamp
    except AttributeError:
        pass
    user = getattr(request, "user", None)
    stamp = None
    if user is not None and getattr(user, "is_authenticated", False):
        stamp = getattr(user, "reference_stamp", None)
    request.reference_stamp = stamp
    return stamp


@functools.cache
def _tables() -> tuple[frozenset, frozenset]:
    every = frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    reference = frozenset(m._meta.db_table for m in apps.get_models() if is_reference(m))
    return every, reference


_QUOTED = re.compile(r'"([^"]+)"')
_UNQUOTED_SOURCE = re.compile(r'\b(?:FROM|JOIN)\s+(?!")', re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def reads_only_reference(sql: str) -> bool:
    """Whether a compiled query reads reference tables only (every table the ORM names is quoted;
    a source that is not a quoted table, e.g. a raw subquery, is not kept)."""
    if _UNQUOTED_SOURCE.search(sql):
        return False
    every, reference = _tables()
    read = set(_QUOTED.findall(sql)) & every
    return bool(read) and read <= reference


# A dropdown whose query reads more than reference tables (its options are read every time).
_NOT_KEPT = "not kept"


def cached_choices(queryset, lookups, build, key=None):
    """``build(values)``, the options made from ``queryset.values(*lookups)``, kept for this
    process while the request's stamp is unchanged, under the compiled query (so the user's scope
    is part of it). ``key`` (a filter set's filter, for one user: ``BaseFilterSet``) names the
    compiled query once it is known, so a page served again compiles nothing. Built afresh
    outside a signed-in request, for a query reading anything but reference tables, or for one
    that cannot be keyed."""
    stamp = request_stamp(context.current().request)
    if stamp is None:
        return build(queryset.values(*lookups))
    if _cache.get("stamp") != stamp or len(_cache) > MAX_ENTRIES:
        _cache.clear()
        _cache["stamp"] = stamp
    query_key = _cache.get(key) if key is not None else None
    values = None
    if query_key is None:
        values = queryset.values(*lookups)
        query_key = _query_key(values)
        if key is not None:
            _cache[key] = query_key
    if query_key is _NOT_KEPT:
        return build(values if values is not None else queryset.values(*lookups))
    choices = _cache.get(query_key)
    if choices is None:
        choices = _cache[query_key] = build(
            values if values is not None else queryset.values(*lookups)
        )
    return choices


def kept(key, build):
    """``build()``, kept for this process under ``key`` while the request's stamp is unchanged
    (``BaseFilterSet``: a filter set's dropdown querysets narrowed to a user, which depend on the
    user's record and the reference data alone). Built afresh outside a signed-in request. The
    value kept must not be handed out itself where it could be evaluated: callers clone it."""
    stamp = request_stamp(context.current().request)
    if stamp is None:
        return build()
    if _cache.get("stamp") != stamp or len(_cache) > MAX_ENTRIES:
        _cache.clear()
        _cache["stamp"] = stamp
    try:
        return _cache[key]
    except KeyError:
        value = _cache[key] = build()
        return value


def _query_key(values):
    """(database, SQL, parameters) of a ``values()`` query reading reference tables only, or
    ``_NOT_KEPT``."""
    try:
        sql, params = values.query.get_compiler(values.db).as_sql()
        query_key = ("query", values.db, sql, tuple(params))
        hash(query_key)
    except (EmptyResultSet, TypeError):
        return _NOT_KEPT
    return query_key if reads_only_reference(sql) else _NOT_KEPT


def clear() -> None:
    """Forget every kept dropdown (tests start each with none)."""
    _cache.clear()


def _saved(sender, update_fields=None, **kwargs):
    if touches(sender, update_fields):
        reference_changed()


def _deleted(sender, **kwargs):
    if is_reference(sender):
        reference_changed()


def connect() -> None:
    post_save.connect(_saved, dispatch_uid="reference_stamp_saved")
    post_delete.connect(_deleted, dispatch_uid="reference_stamp_deleted")
