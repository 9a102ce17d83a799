"""What a clerk's own workbook brings to an import: hidden and merged cells, headers written
their own way, stray quotes and control characters, amounts and industries given in part. Each
either imports as the clerk sees it or is refused with a message naming what to fix."""

import io

import openpyxl
import pytest

from shangwu.core import imports
from shangwu.enterprises import imports as enterprise_imports
from shangwu.enterprises.models import Enterprise
from shangwu.enterprises.tests.test_import import HEADERS, code, row, upload, xlsx

pytestmark = pytest.mark.django_db


def preview(rows, actor):
    return enterprise_imports.enterprise_import_preview(rows=rows, actor=actor, file_name="a.xlsx")


def commit(rows, actor):
    return enterprise_imports.enterprise_import_commit(rows=rows, actor=actor, file_name="a.xlsx")


def read(tmp_path, content: bytes, name="a.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return imports.read_rows(path, imports.check_upload(path, name=name), skip_sheets=("填写说明",))


def test_a_hidden_sheet_before_the_data_is_not_read(tmp_path):
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "旧版"
    old.append(HEADERS)
    old.append(row(code(seed=301), "旧名称有限公司"))
    old.sheet_state = "hidden"
    current = wb.create_sheet("企业信息")
    current.append(HEADERS)
    current.append(row(code(seed=301), "新名称有限公司"))
    buffer = io.BytesIO()
    wb.save(buffer)
    rows = read(tmp_path, buffer.getvalue())
    assert rows[1][1] == "新名称有限公司"


def test_merged_cells_in_the_data_are_refused_with_where_they_are(tmp_path, city_staff):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for seed in (302, 303, 304):
        ws.append(row(code(seed=seed), f"合并{seed}有限公司"))
    ws.merge_cells("E2:E4")  # 乡镇(街道) over three rows
    buffer = io.BytesIO()
    wb.save(buffer)
    result = preview(read(tmp_path, buffer.getvalue()), city_staff)
    assert "E2:E4" in result.file_error and "取消合并" in result.file_error


def test_title_rows_merged_above_the_header_are_fine(tmp_path, city_staff):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年重点企业名单"])
    ws.append(["填报单位：河东区商务局"])
    ws.append(HEADERS)
    ws.append(row(code(seed=319), "标题合并有限公司"))
    ws.merge_cells("A1:O1")
    ws.merge_cells("A2:O2")
    buffer = io.BytesIO()
    wb.save(buffer)
    result = preview(read(tmp_path, buffer.getvalue()), city_staff)
    assert not result.file_error and result.created == 1


def test_a_damaged_workbook_is_refused_in_plain_chinese(tmp_path):
    good = xlsx([row(code(seed=305), "完好有限公司")])
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut off mid-tag
            dst.writestr(info, data)
    with pytest.raises(imports.UploadRejected) as refused:
        read(tmp_path, out.getvalue())
    assert "文件已损坏" in str(refused.value) and "tag" not in str(refused.value)


def test_headers_written_the_usual_other_ways_are_read_and_unknown_ones_are_named(
    as_user, city_staff
):
    headers = [
        "统一社会信用代码",
        "企业名称",
        "法人代表",
        "注册资金(万元)",
        "成立时间",
        "是否重点企业",
        "备注",
    ]
    content = xlsx(
        [[code(seed=306), "别名表头有限公司", "王五", 88, "2019-03-04", "是", "老客户"]], headers
    )
    response = upload(as_user(city_staff), content)
    result = response.context["result"]
    assert result.created == 1 and not result.errors
    assert result.ignored_columns == ["备注"]
    assert "导入时将不读取：备注" in response.content.decode()
    commit(
        [headers, [code(seed=306), "别名表头有限公司", "王五", 88, "2019-03-04", "是", "老客户"]],
        city_staff,
    )
    made = Enterprise.objects.get(name="别名表头有限公司")
    assert (
        made.legal_representative,
        str(made.registered_capital),
        str(made.established_on),
        made.is_key,
    ) == (
        "王五",
        "88.00",
        "2019-03-04",
        True,
    )


@pytest.mark.parametrize("bad", ["乙商贸有限公司\n丙", "乙商贸\x00有限公司", "乙\t商贸有限公司"])
def test_line_breaks_and_control_characters_in_a_name_are_row_errors(city_staff, bad):
    result = commit(
        [HEADERS, row(code(seed=307), "甲商贸有限公司"), row(code(seed=308), bad)], city_staff
    )
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3, "企业名称")]
    assert "换行符" in result.errors[0].reason
    assert not Enterprise.objects.filter(name="甲商贸有限公司").exists()


def test_a_csv_quote_left_open_is_refused_not_run_into_the_next_rows(tmp_path):
    text = (
        ",".join(HEADERS)
        + "\n"
        + f'{code(seed=309)},"乙商贸有限公司,解放路2号\n{code(seed=310)},丙有限公司\n'
    )
    with pytest.raises(imports.UploadRejected, match="引号不成对"):
        read(tmp_path, text.encode("utf-8"), "a.csv")


def test_a_csv_cell_longer_than_the_reader_limit_is_a_row_error_not_a_refusal(tmp_path, city_staff):
    text = ",".join(HEADERS[:3]) + "\n" + f"{code(seed=311)},长名称有限公司,{'简' * 140_000}\n"
    rows = read(tmp_path, text.encode("utf-8"), "a.csv")
    result = preview(rows, city_staff)
    assert [(e.row, e.column) for e in result.errors] == [(2, "简称")]


def test_capital_with_more_than_two_places_is_refused_but_a_spreadsheets_float_noise_is_not(
    city_staff,
):
    result = preview(
        [
            HEADERS,
            row(code(seed=312), "三位小数有限公司", registered_capital="1.234"),
            row(code(seed=313), "浮点误差有限公司", registered_capital=1234.5600000000002),
        ],
        city_staff,
    )
    assert [(e.row, e.reason) for e in result.errors] == [
        (2, "注册资本以万元为单位，最多两位小数。")
    ]


def test_a_division_without_its_section_column_sets_the_section(city_staff, make_enterprise):
    stored = make_enterprise(name="门类跟随有限公司", industry_section="F", industry_division="51")
    only_division = ["统一社会信用代码", "企业名称", "行业大类"]
    result = commit(
        [
            only_division,
            [stored.credit_code, stored.name, "13"],
            [code(seed=314), "新农副有限公司", "13"],
        ],
        city_staff,
    )
    assert result.committed and (result.created, result.updated) == (1, 1)
    stored.refresh_from_db()
    new = Enterprise.objects.get(name="新农副有限公司")
    assert (stored.industry_section, stored.industry_division) == ("C", "13")
    assert (new.industry_section, new.industry_division) == ("C", "13")


def test_a_section_alone_that_leaves_the_stored_division_outside_it_is_an_error(
    city_staff, make_enterprise
):
    stored = make_enterprise(name="只改门类有限公司", industry_section="F", industry_division="51")
    result = commit(
        [["统一社会信用代码", "企业名称", "行业门类"], [stored.credit_code, stored.name, "C"]],
        city_staff,
    )
    assert not result.committed
    assert [(e.column, e.reason) for e in result.errors] == [
        ("行业门类", "库中的行业大类51不属于门类C：请同时填写行业大类。")
    ]
    stored.refresh_from_db()
    assert (stored.industry_section, stored.industry_division) == ("F", "51")


def test_a_file_with_only_its_header_says_so(city_staff):
    result = preview([HEADERS, [""] * len(HEADERS)], city_staff)
    assert result.file_error == "文件中除表头外没有数据行。"


def test_a_township_officers_row_for_another_township_names_the_township_column(township_a1):
    result = preview(
        [
            HEADERS,
            row(code(seed=315), "邻街企业有限公司", township="滨江街道"),
            row(code(seed=316), "无街道有限公司", township=""),
        ],
        township_a1,
    )
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "乡镇(街道)", "您只能导入“东湖街道”的企业。"),
        (3, "乡镇(街道)", "您只能导入“东湖街道”的企业。"),
    ]


def test_a_year_typed_alone_is_no_date(city_staff):
    result = preview(
        [HEADERS, row(code(seed=320), "只填年份有限公司", established_on=2019)], city_staff
    )
    assert [(e.column, e.value) for e in result.errors] == [("成立日期", "2019")]


def test_a_full_width_code_and_a_date_typed_into_a_general_cell_are_read_as_meant(city_staff):
    half = code(seed=317)
    full = half.translate(
        {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
    )  # ９１４１… as typed in a Chinese IME
    result = commit([HEADERS, row(full, "全角代码有限公司", established_on=43969)], city_staff)
    assert result.committed, result.errors
    made = Enterprise.objects.get(name="全角代码有限公司")
    assert (made.credit_code, str(made.established_on)) == (half, "2020-05-18")


def test_a_title_row_above_the_header_is_skipped_and_row_numbers_stay_excels(city_staff):
    title = ["2026年河东区重点企业名单", *[""] * (len(HEADERS) - 1)]
    result = preview(
        [title, HEADERS, row(code(seed=318), "标题行企业有限公司"), row("BAD", "坏代码有限公司")],
        city_staff,
    )
    assert result.created == 1 and [(e.row, e.column) for e in result.errors] == [
        (4, "统一社会信用代码")
    ]
    missing = preview([["名单"], ["序号", "单位"], ["1", "甲"]], city_staff)
    assert "未找到表头" in missing.file_error and "统一社会信用代码" in missing.file_error


def test_a_row_that_leaves_the_industry_alone_is_not_held_to_a_stored_mismatch(
    city_staff, make_enterprise
):
    stored = make_enterprise(name="历史数据有限公司", industry_section="F", industry_division="51")
    Enterprise.objects.filter(pk=stored.pk).update(
        industry_division="13"
    )  # as an old import left it
    result = commit(
        [["统一社会信用代码", "企业名称", "地址"], [stored.credit_code, stored.name, "新地址1号"]],
        city_staff,
    )
    assert result.committed and result.updated == 1


def test_the_preview_spells_out_each_update_and_flags_the_ones_that_clear_something(
    as_user, city_staff, make_enterprise
):
    from shangwu.enterprises.models import Tag
    from shangwu.enterprises.services import enterprise_set_tag

    kept = make_enterprise(
        name="预览变更有限公司", legal_representative="王五", township="419902001"
    )
    enterprise_set_tag(enterprise=kept, tag=Tag.objects.get(name="外贸实绩"), actor=None)
    headers = ["统一社会信用代码", "企业名称", "法定代表人", "乡镇(街道)", "标签"]
    response = upload(
        as_user(city_staff), xlsx([[kept.credit_code, kept.name, "", "滨江街道", ""]], headers)
    )
    result = response.context["result"]
    assert result.updated == 1 and result.changes_clear
    ((rowno, name, lines, clears),) = result.changes
    assert (rowno, name, clears) == (2, "预览变更有限公司", True)
    assert lines == [
        ("乡镇(街道)", "东湖街道", "滨江街道"),
        ("法定代表人", "王五", "（空）"),
        ("标签", "外贸实绩", "（空）"),
    ]
    page = response.content.decode()
    assert "法定代表人：王五 → （空）" in page and "文件中留空的单元格表示清空" in page


def test_a_tags_statistics_date_in_the_future_or_before_the_founding_is_refused(city_staff):
    result = preview(
        [
            HEADERS,
            row(code(seed=321), "未来纳统有限公司", tags="限上零售(2099-03-01)"),
            row(
                code(seed=322),
                "早于成立有限公司",
                established_on="2020-05-18",
                tags="限上零售(2019-03-01)",
            ),
        ],
        city_staff,
    )
    assert [(e.row, e.reason) for e in result.errors] == [
        (2, "标签“限上零售”的纳统日期不能早于1900年或晚于今天。"),
        (3, "标签“限上零售”的纳统日期早于成立日期2020-05-18。"),
    ]


def test_errors_come_row_by_row_whatever_found_them(city_staff):
    result = preview(
        [
            HEADERS,
            row(
                code(seed=323), "第二行有限公司", township="不存在街道"
            ),  # found against the stored records
            row("BAD", "第三行有限公司"),  # found in the cells
        ],
        city_staff,
    )
    assert [e.row for e in result.errors] == [2, 3]
