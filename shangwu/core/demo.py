"""Demo 公文格式 of the demo city: the 月通报 goes out with the bureau's 版头, a 发文字号 and a
版记; the 督办通报 with a 版记 only. Idempotent: existing settings are kept."""

from shangwu.core.choices import DocumentKind
from shangwu.core.models import DocumentSetting


def build(*, units, users, size="full") -> str:
    created = 0
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
        _setting, new = DocumentSetting.objects.get_or_create(kind=kind, defaults=fields)
        created += new
    return f"新建公文格式设置 {created} 项" if created else ""
