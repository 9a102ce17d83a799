"""The audit log as the 审计管理员 reads it: who changed which fields of which record, when and
from where, in Chinese. Business records (``access == Access.BUSINESS``, and the child rows of
business records, which declare no access) show which fields changed but not their values
(「已修改」): the content of cases, visits and projects is not the auditor's to read (三权分立).
Configuration, account and security records show full before/after. The list, the detail page
and the export all render through ``ChangeRenderer``, so they never disagree."""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.dateparse import parse_datetime

from shangwu.audit.models import AuditLog
from shangwu.core.access import Access
from shangwu.core.tables import Column, Table, format_datetime

MASKED = "已修改"
EMPTY = "（空）"
# Rows fetched at a time when the export resolves foreign keys to names.
EXPORT_CHUNK = 500


def model_of(object_type: str):
    """The model named ``app_label.modelname`` (``AuditLog.object_type``), or None."""
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """The model's Chinese name (企业, 用户…); the stored code only for a model that is gone."""
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def object_type_choices() -> list[tuple[str, str]]:
    """Every kind of record the log can name, by its Chinese name (the app's name added where
    two models share one), for the list's filter."""
    found = [m for m in apps.get_models() if hasattr(m, "audited") or hasattr(m, "access")]
    names = [str(m._meta.verbose_name) for m in found]
    choices = []
    for model, name in zip(found, names, strict=True):
        if names.count(name) > 1:
            name = f"{name}（{model._meta.app_config.verbose_name}）"
        choices.append((model._meta.label_lower, name))
    return sorted(choices, key=lambda c: c[1])


def values_masked(model) -> bool:
    """Whether the auditor sees only which fields of ``model`` changed. Unknown models and
    models without a declared access (child rows of business records) count as business."""
    return model is None or getattr(model, "access", None) in (None, Access.BUSINESS)


def field_of(model, key: str):
    """The model field a changes key names (by name or by column, ``case_id``), or None."""
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except Exception:  # FieldDoesNotExist, or a key that is no field name at all  # noqa: BLE001
        for field in model._meta.concrete_fields:
            if field.attname == key:
                return field
    return None


def field_label(model, key: str) -> str:
    """The field's Chinese name; a relation that was given none is named by the model it points
    to (``EnterpriseTag.tag`` → 企业标签's 标签), never by its code."""
    field = field_of(model, key)
    if field is None:
        return key
    label = str(getattr(field, "verbose_name", "") or "")
    related = getattr(field, "related_model", None)
    if related is not None and (not label or label == field.name.replace("_", " ")):
        label = str(related._meta.verbose_name)
    return label or key


@dataclass(frozen=True)
class ChangeLine:
    field: str
    before: str
    after: str


class ChangeRenderer:
    """Turns rows' ``changes`` JSON into ``ChangeLine``s. Foreign keys of non-business records
    are shown by name (and id), fetched once per related model for a whole page or chunk
    (``prefetch``), never one query per value; a business record behind a key shows its id."""

    def __init__(self):
        self.names: dict[tuple[type, str], str] = {}

    @staticmethod
    def _sides(row) -> tuple[dict, dict]:
        changes = row.changes if isinstance(row.changes, dict) else {}
        if "before" in changes or "after" in changes:
            before, after = changes.get("before"), changes.get("after")
            return (before if isinstance(before, dict) else {}), (
                after if isinstance(after, dict) else {}
            )
        return {}, changes

    @staticmethod
    def _ordered_keys(model, before: dict, after: dict) -> list[str]:
        keys = list(dict.fromkeys([*before, *after]))
        if model is None:
            return keys
        order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
        order.update({f.attname: order[f.name] for f in model._meta.concrete_fields})
        return sorted(keys, key=lambda k: order.get(k, len(order)))

    def prefetch(self, rows) -> None:
        wanted: dict[type, set[str]] = {}
        for row in rows:
            model = model_of(row.object_type)
            if values_masked(model):
                continue
            before, after = self._sides(row)
            for key in [*before, *after]:
                field = field_of(model, key)
                related = getattr(field, "related_model", None)
                if related is None or values_masked(related):
                    continue
                for value in (before.get(key), after.get(key)):
                    for pk in value if isinstance(value, list) else [value]:
                        if (
                            isinstance(pk, (int, str))
                            and str(pk)
                            and (related, str(pk)) not in self.names
                        ):
                            wanted.setdefault(related, set()).add(str(pk))
        for related, pks in wanted.items():
            valid = []
            for pk in pks:
                try:
                    valid.append(related._meta.pk.to_python(pk))
                except Exception:  # noqa: BLE001 — a stored value that is no id: shown as it is
                    continue
            for obj in related._base_manager.filter(pk__in=valid):
                self.names[(related, str(obj.pk))] = str(obj)

    def value_text(self, field, value) -> str:
        if value is None or value == "" or value == []:
            return EMPTY
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(self.value_text(field, v) for v in value)
        if isinstance(value, dict):
            return "；".join(f"{k}：{v}" for k, v in value.items())
        if field is not None and getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(value, value))
        related = getattr(field, "related_model", None)
        if related is not None:
            name = self.names.get((related, str(value)))
            return f"{name}（ID {value}）" if name else f"ID {value}"
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            moment = parse_datetime(value)
            if isinstance(moment, datetime.datetime):
                return format_datetime(moment)
        return str(value)

    def lines(self, row) -> list[ChangeLine]:
        model = model_of(row.object_type)
        before, after = self._sides(row)
        masked = values_masked(model)
        lines = []
        for key in self._ordered_keys(model, before, after):
            old, new = before.get(key), after.get(key)
            if masked:
                if old in (None, "", []) and new in (None, "", []):
                    continue  # an empty field of a new record: nothing was written
                lines.append(ChangeLine(field_label(model, key), MASKED, MASKED))
                continue
            field = field_of(model, key)
            lines.append(
                ChangeLine(
                    field_label(model, key),
                    self.value_text(field, old) if key in before else "",
                    self.value_text(field, new) if key in after else "",
                )
            )
        return lines

    def text(self, row) -> str:
        """One cell: 「简称：外贸科 → 外贸」 lines, or 「企业名称：已修改」 for business records."""
        out = []
        for line in self.lines(row):
            if line.before == MASKED:
                out.append(f"{line.field}：{MASKED}")
            elif line.before and line.after:
                out.append(f"{line.field}：{line.before} → {line.after}")
            else:
                out.append(f"{line.field}：{line.before or line.after}")
        return "\n".join(out)


class ObjectTypeColumn(Column):
    def value(self, obj):
        return object_type_label(obj.object_type)


class ChangedFieldsColumn(Column):
    def value(self, obj):
        return "、".join(line.field for line in ChangeRenderer().lines(obj))


class ChangesColumn(Column):
    """The before/after text (masked for business records); ``renderer`` is set by the table so
    a page or export chunk resolves its foreign keys at once."""

    renderer: ChangeRenderer | None = None

    def value(self, obj):
        return (self.renderer or ChangeRenderer()).text(obj)


class AuditLogTable(Table):
    model = AuditLog
    columns = [
        Column("at", linkify=True),
        Column("actor_username"),
        Column("actor_name"),
        Column("ip"),
        Column("action"),
        ObjectTypeColumn("object_type"),
        Column("object_repr"),
        ChangedFieldsColumn("changes", "变更字段", export=False),
        Column("detail"),
        Column("request_id", display=False),
        ChangesColumn("changes", "变更内容", display=False),
    ]

    def __init__(self, object_list):
        # Own copies of the columns: the renderer set on them belongs to this table alone.
        self.columns = [copy.copy(column) for column in type(self).columns]
        super().__init__(object_list)

    def _renderer_for(self, objects) -> ChangeRenderer:
        renderer = ChangeRenderer()
        renderer.prefetch(objects)
        for column in self.columns:
            if isinstance(column, ChangesColumn):
                column.renderer = renderer
        return renderer

    def export_rows(self, objects):
        chunk = []
        for obj in objects:
            chunk.append(obj)
            if len(chunk) >= EXPORT_CHUNK:
                self._renderer_for(chunk)
                yield from super().export_rows(chunk)
                chunk = []
        if chunk:
            self._renderer_for(chunk)
            yield from super().export_rows(chunk)
