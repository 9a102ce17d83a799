"""The IMPORT row that sums up a month's indicator import: what the 审计管理员 reads after a
county officer imports their county's figures on the page (who, from where, which month, how
many figures were new, corrected or unchanged), one row per import."""

import re

from shangwu.audit.models import AuditLog
from shangwu.indicators.tests.test_import import post, workbook

ROWS = [["419902", "河东区", "12.5", "10", "300"]]


def summary_rows():
    """The IMPORT rows about indicator figures other than the upload rows (上传文件…)."""
    return AuditLog.objects.filter(
        action="import", object_type="indicators.indicatorvalue"
    ).exclude(detail__startswith="上传文件")


def counts(detail) -> tuple[int, int, int]:
    """New, corrected and unchanged figures as the row states them."""
    found = [re.search(rf"{word} (\d+)", detail) for word in ("新增", "更新", "未变")]
    return tuple(int(m.group(1)) for m in found)


def test_county_staff_importing_their_figures_leaves_one_row_per_import_with_its_counts(
    as_user, county_a
):
    client = as_user(county_a)
    assert post(client, workbook(ROWS)).status_code == 302
    row = summary_rows().get()
    assert (row.actor_id, row.actor_username, row.actor_name) == (
        county_a.pk,
        "county_a",
        county_a.name,
    )
    assert row.object_repr == "指标月度数据"
    assert row.path.startswith("/indicators/values/import/") and row.path.endswith("/commit/")
    assert row.ip == "127.0.0.1" and row.request_id
    assert "2026年05月" in row.detail and counts(row.detail) == (2, 0, 0)
    # The same file again with one figure changed: one corrected, the others unchanged.
    changed = [["419902", "河东区", "13.0", "10", "300"]]
    assert post(client, workbook(changed)).status_code == 302
    assert summary_rows().count() == 2
    assert counts(summary_rows().order_by("-id").first().detail) == (0, 1, 1)


def test_a_preview_and_a_refused_file_leave_no_summary_row(as_user, county_a):
    client = as_user(county_a)
    client.post("/indicators/values/import/", {"month": "2026-05", "file": workbook(ROWS)})
    refused = post(client, workbook([["419921", "云水县", "6", "", ""]]))
    assert refused.status_code != 302
    assert not summary_rows().exists()


def test_the_row_reads_like_every_importers_summary_with_the_file_and_the_month(
    as_user, city_staff
):
    assert post(as_user(city_staff), workbook(ROWS)).status_code == 302
    assert summary_rows().get().detail == (
        "导入文件“指标.xlsx”：共 2 行，新增 2，更新 0，未变 0。填报月份 2026年05月。"
    )
