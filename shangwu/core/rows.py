"""Records read with ``values()`` (issue 18): a list shows a few fields of 50 records and of their
related records, and reading whole records (a case has 45 columns, four related rows) was most of
a list's time. ``add_lookups`` turns what is shown into ``values()`` lookups, ``stub`` makes an
instance of the model from one row without ``__init__`` (only those fields set, related records
as stubs in the instance's related-object cache), so the model's own ``__str__``, properties and
``get_absolute_url`` still write what is shown.

A field left out of the lookups would be read from the database on first use, one query per row:
core/tests/test_tables.py renders every list both ways and counts the queries."""

from __future__ import annotations

import functools

from django.core.exceptions import FieldDoesNotExist
from django.db.models.base import ModelState
from django.db.models.fields import AutoFieldMixin
from django.forms.models import ModelChoiceField, ModelChoiceIterator
from django_filters.fields import ModelChoiceIterator as FilterChoiceIterator

from shangwu.core.reference import cached_choices


def str_lookups(model) -> tuple[str, ...] | None:
    """What ``str(obj)`` reads, as ``values()`` lookups (``Model.str_fields``; None: not
    declared, and a column showing such a record reads whole records). core/tests/test_tables.py
    checks every declaration against ``str()`` of every demo record."""
    return getattr(model, "str_fields", None)


def add_lookups(tree: dict, model, lookups) -> bool:
    """Put ``lookups`` (``name``, ``fk__name``, …) of ``model`` into ``tree``: {"own": {attname},
    "rel": {name: (field, subtree)}}; False for a path through anything but fields and forward
    foreign keys."""
    for lookup in lookups:
        node, m = tree, model
        parts = lookup.split("__")
        for i, part in enumerate(parts):
            try:
                field = m._meta.get_field(part)
            except FieldDoesNotExist:
                return False
            if not field.concrete or field.many_to_many:
                return False
            if not field.is_relation or part != field.name:  # a value, or a key's own id
                node["own"].add(field.attname)
                break
            node["own"].add(field.attname)
            related = field.related_model
            sub = node["rel"].setdefault(part, (field, {"own": set(), "rel": {}}))[1]
            sub["own"].add(related._meta.pk.attname)
            if i == len(parts) - 1:
                shown = str_lookups(related)
                if shown is None or not add_lookups(sub, related, shown):
                    return False
            node, m = sub, related
    return True


def flatten(tree: dict, prefix: str = "") -> list[str]:
    out = [prefix + name for name in sorted(tree["own"])]
    for name, (_field, sub) in sorted(tree["rel"].items()):
        out += flatten(sub, f"{prefix}{name}__")
    return out


def stub(model, tree: dict, row: dict, prefix: str, db: str):
    """An instance of ``model`` holding only the values of ``row`` (no ``__init__``, no field
    conversion: ``values()`` converted them), with its related records as stubs too."""
    obj = model.__new__(model)
    values = obj.__dict__
    for attname in tree["own"]:
        values[attname] = row[prefix + attname]
    state = ModelState()
    state.adding, state.db = False, db
    values["_state"] = state
    for name, (field, sub) in tree["rel"].items():
        state.fields_cache[name] = (
            None
            if values[field.attname] is None
            else stub(field.related_model, sub, row, f"{prefix}{name}__", db)
        )
    return obj


def str_plan(model, extra=()) -> tuple[dict, list[str]] | None:
    """(tree, lookups) for ``str(obj)`` of ``model``'s records and the ``extra`` lookups, or
    None when ``str_fields`` is not declared."""
    shown = str_lookups(model)
    if shown is None:
        return None
    tree = {"own": {model._meta.pk.attname}, "rel": {}}
    if not add_lookups(tree, model, (*shown, *extra)):
        return None
    return tree, flatten(tree)


class StubChoiceIterator(ModelChoiceIterator):
    """A model choice field's options from ``values()`` of what the label shows (the model's
    ``str_fields``): the same (value, label) pairs as Django's iterator, without whole records,
    and of reference data kept per process while its stamp is unchanged (``core.reference``).
    ``read_choices_from_values`` puts django-filter's null choice around it for its fields."""

    def __iter__(self):
        plan = str_plan(self.queryset.model, getattr(self.field, "stub_lookups", ()))
        if plan is None:
            yield from super().__iter__()
            return
        tree, lookups = plan
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        model, db = self.queryset.model, self.queryset.db

        def build(values):
            return [self.choice(stub(model, tree, row, "", db)) for row in values]

        # Kept per process while the reference data is unchanged (core.reference); a filter set
        # names its filter's query for the user (``kept_as``) while the field keeps that queryset.
        kept = getattr(self.field, "kept_as", None)
        key = kept[0] if kept is not None and kept[1] is self.queryset else None
        yield from cached_choices(self.queryset, lookups, build, key)


def read_choices_from_values(field) -> None:
    """Let a model choice field read its options with ``values()`` when its label is the model's
    ``str()`` and its widget shows nothing but the label (a widget reading more of each record,
    e.g. ``FollowingSelect``, keeps whole records)."""
    from django import forms

    from shangwu.core.forms import FollowingSelect

    widget = field.widget
    if (
        not isinstance(field, ModelChoiceField)
        or type(field).label_from_instance is not ModelChoiceField.label_from_instance
        or field.to_field_name
        or type(widget) not in (forms.Select, forms.SelectMultiple, FollowingSelect)
        or str_lookups(field.queryset.model) is None
    ):
        return
    if isinstance(widget, FollowingSelect):  # each option names its parent
        field.stub_lookups = (widget.parent_attr,)
    field.iterator = (
        StubFilterChoiceIterator
        if issubclass(field.iterator, FilterChoiceIterator)
        else StubChoiceIterator
    )
    field.widget.choices = field.choices


# A primary key no record has, and a database alias none is configured as: a record of only this
# key cannot read anything else of itself (Django's deferred loading fails on the alias).
_PROBE_PK = 918_273_645_546_372_819
_NO_DATABASE = "__rows_probe__"


class _Url(str):
    """A row's ``get_absolute_url``: called, it answers the URL."""

    def __call__(self):
        return str(self)


@functools.cache
def pk_url(model):
    """``(pk) -> get_absolute_url`` for a model whose ``get_absolute_url`` reads nothing but the
    primary key (``reverse(name, args=[self.pk])``), written from one ``reverse()`` per process
    instead of one per row (a fifth of a list's table); None for any other. Found by calling it on
    a record that holds only a probe key and cannot load any other field."""
    if not isinstance(model._meta.pk, AutoFieldMixin) or not hasattr(model, "get_absolute_url"):
        return None
    probe = model.__new__(model)
    state = ModelState()
    state.adding, state.db = False, _NO_DATABASE
    probe.__dict__.update({model._meta.pk.attname: _PROBE_PK, "_state": state})
    try:
        url = probe.get_absolute_url()
    except Exception:  # it reads another field (or the database): one reverse() per row
        return None
    key = str(_PROBE_PK)
    if not isinstance(url, str) or url.count(key) != 1:
        return None
    prefix, suffix = url.split(key)
    return lambda pk: _Url(f"{prefix}{pk}{suffix}")


class StubFilterChoiceIterator(FilterChoiceIterator, StubChoiceIterator):
    """django-filter's iterator (its ``null_label`` choice after the empty one) over
    ``StubChoiceIterator``'s options."""
