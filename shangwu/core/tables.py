"""A small declarative table: the HTML list and the Excel export render the same columns."""

from __future__ import annotations

import datetime
import functools
import inspect

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.safestring import SafeString

from shangwu.core.html import escape, text
from shangwu.core.models import DocumentSetting, Vocabulary
from shangwu.core.rows import add_lookups, flatten, pk_url, str_plan, stub

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def local_datetime(value):
    """An aware datetime in the platform's time (Asia/Shanghai, settings.TIME_ZONE); anything
    else unchanged. The database keeps UTC; people read Beijing time."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_datetime(value) -> str:
    """2026-12-07 16:42:40 (Beijing time), as every list, detail and export shows a moment."""
    if value is None or value == "":
        return ""
    return local_datetime(value).strftime(DATETIME_FORMAT)


@functools.cache
def choice_labels(model, display_name: str) -> tuple[str, dict] | None:
    """(attname, {value: label}) when ``model.<display_name>`` is Django's own ``get_FOO_display``
    (a field with fixed choices), else None. ``get_FOO_display`` rebuilds that mapping on every
    call: once per cell of every list."""
    method = inspect.getattr_static(model, display_name, None)
    if not isinstance(method, functools.partialmethod):
        return None
    if method.func is not Model._get_FIELD_display:
        return None
    field = method.keywords["field"]
    return field.attname, {value: force_str(label) for value, label in field.flatchoices}


@functools.cache
def _direct_read(model, name: str) -> tuple[str, str, dict | None] | None:
    """How ``Column.value`` reads column ``name`` of a ``model`` record in one step: ("choice",
    attname, labels) for a field with fixed choices, ("field", name, None) for another field or a
    foreign key (the related record); None for anything else (a property, a many-to-many, a
    display method of the model's own), which takes the general path."""
    meta = getattr(model, "_meta", None)
    if meta is None:  # a plain object a table or export lists (not a model record)
        return None
    try:
        field = meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not field.concrete or field.many_to_many:
        return None
    labels = choice_labels(model, f"get_{name}_display")
    if labels is not None:
        return "choice", labels[0], labels[1]
    if inspect.getattr_static(model, f"get_{name}_display", None) is not None:
        return None
    return "field", name, None


class Column:
    def __init__(
        self,
        accessor: str,
        verbose_name: str | None = None,
        *,
        linkify: bool = False,
        display: bool = True,
        export: bool = True,
        mask: bool = False,
    ):
        self.accessor = accessor
        self.verbose_name = verbose_name
        self.linkify = linkify
        self.display = display
        self.export = export
        self.mask = mask
        self.path = [(part, f"get_{part}_display") for part in accessor.split("__")]

    def value(self, obj):
        read = _direct_read(type(obj), self.accessor) if len(self.path) == 1 else None
        if read is not None:
            kind, name, labels = read
            value = getattr(obj, name)
            if kind == "choice":
                value = labels[value] if value in labels else force_str(value, strings_only=True)
            return self.shown(value)
        value = obj
        for part, display_name in self.path:
            if value is None:
                return ""
            labels = choice_labels(type(value), display_name)
            if labels is not None:  # get_FOO_display(), without rebuilding its mapping
                raw = getattr(value, labels[0])
                value = labels[1][raw] if raw in labels[1] else force_str(raw, strings_only=True)
                continue
            display = getattr(value, display_name, None)
            value = display() if callable(display) else getattr(value, part, "")
            if callable(value) and not hasattr(value, "all"):
                value = value()
        if hasattr(value, "all"):
            value = "、".join(str(v) for v in value.all())
        return self.shown(value)

    def shown(self, value):
        """The value as a cell shows it: "" for None, 是/否, a moment in Beijing time, masked."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, datetime.datetime):
            value = local_datetime(value)
        if self.mask:
            from shangwu.audit.services import mask_value

            return mask_value(value)
        return value

    def html(self, obj, *, links: bool = True):
        """The cell; ``links=False``: without the row's link (see ``Table.link_action``)."""
        value = self.value(obj)
        moment = isinstance(value, datetime.datetime)
        if moment:
            value = format_datetime(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if links and self.linkify and hasattr(obj, "get_absolute_url"):
            cell = f'<a href="{escape(obj.get_absolute_url())}">{escape(value)}</a>'
        else:
            cell = escape(value)
        return SafeString(f'<span class="moment">{cell}</span>' if moment else cell)


class Table:
    columns: list[Column] = []
    model = None
    # The rows are read with ``values()``: only the fields the shown columns name (a foreign key
    # column: the related record's ``str_fields``), not whole records with their related records
    # (issue 18: reading and converting a case's 45 columns and its 4 related rows was most of a
    # list's table). A column that is not a field (a property of the model) needs the fields it
    # reads named here; None: such a table reads whole records.
    row_fields: tuple[str, ...] | None = None
    # The action a row's link needs: "change" where a model's page is its edit form, so that
    # a user who may not edit sees no link to a form they cannot submit.
    link_action = "view"

    links = True  # set per request by the list view
    checkboxes = False  # set by the list view when the page has bulk actions: a tick box per row

    def __init__(self, object_list):
        self.object_list = object_list
        for column in self.columns:
            if column.verbose_name is None:
                field = self.model._meta.get_field(column.accessor.split("__")[0])
                column.verbose_name = str(field.verbose_name)

    @property
    def headers(self):
        return [c.verbose_name for c in self.columns if c.display]

    def row_lookups(self, queryset) -> tuple[dict, list[str]] | None:
        """(tree, lookups) of what ``values()`` reads for the shown columns, or None when a
        column needs whole records."""
        tree = {"own": {self.model._meta.pk.attname}, "rel": {}}
        annotations = queryset.query.annotations
        for column in self.columns:
            if not column.display:
                continue
            first = column.accessor.split("__")[0]
            if first in annotations:
                tree["own"].add(first)
                continue
            try:
                field = self.model._meta.get_field(first)
            except FieldDoesNotExist:
                if self.row_fields is None:
                    return None
                continue
            if field.many_to_many or field.one_to_many:
                continue  # prefetched as for the records (the queryset's prefetch_related)
            if not add_lookups(tree, self.model, [column.accessor]):
                return None
        if not add_lookups(tree, self.model, self.row_fields or ()):
            return None
        return tree, flatten(tree)

    def row_objects(self):
        """The rows' records: for a queryset whose columns ``row_lookups`` covers, stubs built
        from ``values()`` (the queryset's prefetches applied to them); else the records."""
        objects = self.object_list
        if not isinstance(objects, QuerySet) or objects._result_cache is not None:
            return objects
        plan = self.row_lookups(objects)
        if plan is None:
            return objects
        tree, lookups = plan
        prefetches = objects._prefetch_related_lookups
        rows = objects.prefetch_related(None).values(*lookups)
        stubs = [stub(self.model, tree, row, "", objects.db) for row in rows]
        prefetches = [p for p in prefetches if not self.many_from_values(p, stubs, objects.db)]
        if prefetches:
            prefetch_related_objects(stubs, *prefetches)
        url = pk_url(self.model)
        if url is not None:
            for obj in stubs:
                obj.__dict__["get_absolute_url"] = url(obj.pk)
        return stubs

    def many_from_values(self, lookup, stubs, db) -> bool:
        """Fill a shown many-to-many column (``lookup``, prefetched by the list's queryset) of
        ``stubs`` from ``values()`` of its through table, in the related model's order, as the
        prefetch would (one query, no whole records); False when it cannot."""
        if not isinstance(lookup, str) or not any(
            c.display and c.accessor == lookup for c in self.columns
        ):
            return False
        try:
            field = self.model._meta.get_field(lookup)
        except FieldDoesNotExist:
            return False
        related = field.related_model
        plan = str_plan(related)
        if not field.many_to_many or field.auto_created or plan is None:
            return False
        if not related._meta.ordering:  # no order to keep: the prefetch's own
            return False
        tree, lookups = plan
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        ordering = [
            f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}"
            for o in related._meta.ordering
        ]
        rows = (
            through._base_manager.using(db)
            .filter(**{f"{source}__in": [obj.pk for obj in stubs]})
            .order_by(*ordering)
            .values(f"{source}_id", *(f"{target}__{name}" for name in lookups))
        )
        found = {obj.pk: [] for obj in stubs}
        for row in rows:
            found[row[f"{source}_id"]].append(stub(related, tree, row, f"{target}__", db))
        for obj in stubs:
            obj.__dict__.setdefault("_prefetched_objects_cache", {})[lookup] = found[obj.pk]
        return True

    def rows(self):
        shown = [c for c in self.columns if c.display]
        for obj in self.row_objects():
            yield (
                obj,
                [
                    c.html(obj) if self.links or not c.linkify else Column.html(c, obj, links=False)
                    for c in shown
                ],
            )

    def body_html(self) -> SafeString:
        """The rows as ``core/includes/object_table.html`` lays them out ("" for none), written
        here rather than by a template loop over every cell (issue 18: 50 rows × 10 cells were a
        third of a list page's time)."""
        out = []
        for obj, cells in self.rows():
            box = (
                '<td><input class="form-check-input" type="checkbox" name="pk" '
                f'value="{text(obj.pk)}" aria-label="选择"></td>'
                if self.checkboxes
                else ""
            )
            tds = "".join(f"<td>{text(cell)}</td>" for cell in cells)
            out.append(f"\n    <tr>{box}{tds}</tr>\n  ")
        return SafeString("".join(out))

    def export_headers(self):
        return [c.verbose_name for c in self.columns if c.export]

    def export_rows(self, objects):
        cols = [c for c in self.columns if c.export]
        for obj in objects:
            yield [c.value(obj) for c in cols]


class DocumentSettingTable(Table):
    model = DocumentSetting
    columns = [
        Column("kind", linkify=True),
        Column("organ_name"),
        Column("show_masthead"),
        Column("number_prefix"),
        Column("show_colophon"),
    ]


def vocabulary_columns(model: type[Vocabulary], *extra: str) -> list[Column]:
    """The columns of a managed list: name (linked), code, place, its own ``extra``, 启用."""
    return [
        Column("name", linkify=True),
        Column("code"),
        Column(model.sort_field),
        *(Column(name) for name in extra),
        Column("is_active"),
    ]
