"""Demo 公文格式 of the demo city: the 月通报 goes out with the bureau's 版头, a 发文字号 and a
版记; the 督办通报 with a 版记 only. Idempotent: settings someone changed are kept.

Also ``insert_objects``, the bulk path of the demos that write rows directly (the cases'
lifecycles, the indicators' monthly figures)."""

from shangwu.core.choices import DocumentKind
from shangwu.core.imports import allocate_ids, insert_rows
from shangwu.core.models import DocumentSetting


def insert_objects(model, objs: list) -> None:
    """``model.objects.bulk_create(objs)`` on the import engine's bulk path: the same rows, ids
    in the same order (reserved first with ``allocate_ids``) and set on ``objs``, no signals
    either way, without bulk_create compiling every value into SQL (a few seconds of the full
    demo's cases). Inside the demo's transaction."""
    if not objs:
        return
    fields = model._meta.concrete_fields
    for obj, pk in zip(objs, allocate_ids(model, len(objs)), strict=True):
        obj.pk = pk
    insert_rows(
        model,
        [f.name for f in fields],
        # pre_save: what bulk_create writes (auto_now_add stamps, foreign keys' ids).
        ([f.pre_save(obj, True) for f in fields] for obj in objs),
    )
    for obj in objs:
        obj._state.adding, obj._state.db = False, "default"


def build(*, units, users, size="full") -> str:
    changed = 0
    for kind, fields in (
        (
            DocumentKind.INDICATOR_BULLETIN,
            {
                "show_masthead": True,
                "number_prefix": "云商",
                "show_colophon": True,
                "cc": "市政府办公室，市统计局",
                "printer": "云河市商务局办公室",
            },
        ),
        (
            DocumentKind.TASK_BULLETIN,
            {
                "show_colophon": True,
                "cc": "各县（市、区）商务主管部门",
                "printer": "云河市商务局办公室",
            },
        ),
    ):
        # The migration made each kind with nothing switched on; the demo switches it on once
        # (saved one by one, so the audit log records it).
        for setting in DocumentSetting.objects.filter(
            kind=kind, show_masthead=False, number_prefix="", show_colophon=False
        ):
            for name, value in fields.items():
                setattr(setting, name, value)
            setting.save()
            changed += 1
    return f"设置公文格式 {changed} 项" if changed else ""
