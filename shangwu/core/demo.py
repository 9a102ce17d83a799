"""Demo 公文格式 of the demo city: the 月通报 goes out with the bureau's 版头, a 发文字号 and a
版记; the 督办通报 with a 版记 only. Idempotent: settings someone changed are kept."""

from shangwu.core.choices import DocumentKind
from shangwu.core.models import DocumentSetting


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
