"""Import of the year's 工作要点 (the work plan) on the shared import contract (core.importer).

The plan arrives as the bureau writes it, a Word document (.docx), or as a workbook (.xlsx or
.csv) whose first column holds its paragraphs one per row (the template); text pasted on the
page is kept as such a .csv. Every file passes ``core.imports.check_upload`` before a byte of it
is parsed, and goes through the shared upload → preview → confirm flow (core.views_import). Its
rows are the plan's lines: ``parser`` classifies them (title, preamble, section, task…) and
``PlanImporter.save`` saves the tree (``services.plan_import``) with its IMPORT row in one
transaction, or nothing. The preview lets the user correct each line's kind
(``preview_include``; the corrections come back through ``corrections``) before confirming.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from shangwu.core.importer import Column, Importer, ImportResult, RowError
from shangwu.core.imports import HELP_SHEET_NAME, UploadRejected, cell_text, read_rows
from shangwu.tasks import parser, services
from shangwu.tasks.choices import Cycle, LineKind
from shangwu.tasks.models import Plan, Task

COLUMN = Column(
    "text",
    "工作要点",
    True,
    "每行一段：第一行标题，其后总体要求；章节以“一、”编号，任务以“1.”或“（1）”编号，"
    "任务中写明（牵头单位：××科；配合单位：××；完成时限：6月底前）",
    width=100,
)


class PlanImporter(Importer):
    """One plan per file; its tasks are the rows counted."""

    model = Plan
    noun = "工作要点"
    counted = "项任务"
    columns = [COLUMN]
    kinds = ("docx", "xlsx", "csv")
    sheet_name = "工作要点"
    template_filename = "工作要点导入模板.xlsx"
    preview_include = "tasks/includes/plan_preview.html"
    preview_fragment = "tasks/includes/import_tree.html"
    help_lines = (
        "1. 第1行为表头，请勿修改；从第2行起每行一段，顺序与原文一致；示例内容请替换为真实内容。",
        "2. 也可以直接上传 Word 文档（.docx）：自动编号会按原样读出。",
        f"3. 每行不超过 {parser.MAX_LINE_CHARS} 字，全文不超过 {parser.MAX_LINES} 行。",
        "4. 先预览后导入：预览中可逐行更正识别结果（章节、任务、未归类），确认后一次写入。",
    )

    def example_row(self):
        return tuple(
            {"text": text}
            for text in (
                "2026年全市商务工作要点",
                "2026年全市商务工作的总体要求是：稳外贸、促消费、扩投资。",
                "一、稳住外贸基本盘",
                "1．深化外贸企业包保服务。（牵头单位：外贸科；完成时限：6月底前）",
                "二、促进消费提质扩容",
                "2．组织开展促消费活动。（牵头单位：市场运行科；完成时限：12月底前）",
            )
        )

    def read(self, path, kind: str) -> list[list]:
        """The file's rows, one line of the plan each (a .docx's paragraphs, or the sheet)."""
        if kind != "docx":
            return read_rows(path, kind, skip_sheets=(HELP_SHEET_NAME,))
        try:
            with open(path, "rb") as fh:
                return [[line] for line in parser.docx_lines(fh)]
        except Exception as exc:  # zipfile, lxml: a document Word cannot have written
            raise UploadRejected(
                f"无法读取该 .docx 文件（{exc.__class__.__name__}），请用 Word 或 WPS 另存后重试。"
            ) from exc

    def numbered(self, rows) -> list[tuple[int, str]]:
        """(row number in the file, text) of the plan's lines: the template's header row and
        empty rows left out, the numbers those the user sees (sheet row, paragraph)."""
        texts = [cell_text(row[0]) if row else "" for row in rows]
        return [
            (no, text)
            for no, text in enumerate(texts, start=1)
            if text and not (no == 1 and text == COLUMN.header)
        ]

    def lines(self, rows) -> list[str]:
        return [text for _, text in self.numbered(rows)]

    def line_errors(self, rows) -> list[RowError]:
        """Lines the parser would cut short: named, not silently truncated."""
        return [
            RowError(
                no,
                COLUMN.header,
                text[:30] + "…",
                f"这一行有 {len(text)} 字，超过 {parser.MAX_LINE_CHARS} 字：请拆分后再导入。",
            )
            for no, text in self.numbered(rows)
            if len(text) > parser.MAX_LINE_CHARS
        ]

    def corrections(self, data) -> dict:
        """The plan's settings and the line kinds as corrected on the preview."""
        found = {key: data[key] for key in ("title", "year", "cycle", "due_day") if key in data}
        overrides = {
            int(key[5:]): kind
            for key, kind in data.items()
            if key.startswith("kind_") and key[5:].isdigit() and kind in LineKind.values
        }
        if overrides:
            found["overrides"] = overrides
        return found

    def success_message(self, result: ImportResult) -> str:
        plan = result.plan
        return (
            f"已导入“{plan}”：{plan.sections.count()} 个章节、{result.created} 项任务。"
            "请核对各任务的牵头单位和配合单位。"
        )

    def run(
        self,
        *,
        rows,
        actor,
        file_name: str,
        commit: bool,
        title: str = "",
        year=None,
        cycle: str = Cycle.MONTHLY,
        due_day=25,
        overrides=None,
        **options,
    ) -> ImportResult:
        """The plan read, classified and saved in a transaction that a preview rolls back, so
        the preview counts the tasks the commit saves. What the service refuses (no task
        recognised, a title taken) is a ``problem`` the user can correct on the preview."""
        result = ImportResult(file_name=file_name)
        texts = self.lines(rows)
        if not texts:
            result.file_error = "文档中没有文字内容。"
            return result
        if len(texts) > parser.MAX_LINES:
            result.file_error = (
                f"全文 {len(texts)} 行，超过 {parser.MAX_LINES} 行：请分成几份导入。"
            )
            return result
        result.errors = self.line_errors(rows)
        lines, tree = parser.parse_lines(
            texts, overrides=overrides, year=_year(year), unit_names=services.unit_names()
        )
        result.total = tree["task_count"]
        result.context = {
            "lines": lines,
            "tree": tree,
            "settings": {"title": title, "year": year, "cycle": cycle, "due_day": due_day},
            "kinds": LineKind.choices,
            "cycles": Cycle.choices,
        }
        if result.errors:
            return result
        try:
            with transaction.atomic():
                result.plan = self.save(
                    title=title or tree.get("title"),
                    year=year,
                    tree=tree,
                    cycle=cycle or Cycle.MONTHLY,
                    due_day=due_day or 25,
                    actor=actor,
                    file_name=file_name,
                    audit=commit,
                )
                result.created = Task.objects.filter(plan=result.plan).count()
                transaction.set_rollback(not commit)
        except ValidationError as exc:
            result.problems = exc.messages
            result.created = 0
            return result
        result.committed = commit
        return result

    def save(self, *, tree: dict, actor, file_name: str, audit: bool = True, **plan) -> Plan:
        """Save a recognised plan (``services.plan_import``) and write the IMPORT row that sums
        it up: the one path of the page, the API and the demo. ``plan``: title, year, cycle,
        due day… as ``plan_import`` takes them."""
        with transaction.atomic():
            saved = services.plan_import(tree=tree, actor=actor, **plan)
            if audit:
                tasks = saved.tasks.count()
                self.audit_import(
                    actor=actor,
                    result=ImportResult(file_name=file_name, total=tasks, created=tasks),
                    obj=saved,
                    about=f"工作要点“{saved.title}”（{saved.year}年）："
                    f"{saved.sections.count()} 个章节、{tasks} 项任务。",
                )
        return saved


def _year(value) -> int | None:
    try:
        return int(value or 0) or None
    except (TypeError, ValueError):
        return None


plan_importer = PlanImporter()
