"""Importing the year's 工作要点: upload (.docx, or the template's .xlsx) or paste → preview tree
with a kind per line that the user can correct (re-parsed with htmx on every change; a plain POST
does the same) → save. The file's checks, reading and the save are the import contract's
(``tasks.imports.plan_importer``); the preview is this page's own, since a plan's lines are
corrected one by one rather than listed as errors."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from shangwu.core import imports
from shangwu.core import views as generic
from shangwu.core import views_import as generic_import
from shangwu.tasks import forms, parser, services
from shangwu.tasks.choices import LineKind
from shangwu.tasks.imports import plan_importer
from shangwu.tasks.models import Plan


class PlanImportView(generic.BaseObjectView):
    queryset = Plan.objects.all()
    action = "import"
    template_name = "tasks/plan_import.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            self.base_context(form=forms.PlanUploadForm(), model_name="工作要点"),
        )

    def post(self, request):
        if "lines_json" in request.POST:
            return self.preview_step()
        form = forms.PlanUploadForm(request.POST, request.FILES)
        uploaded = request.FILES.get("file")
        if not form.is_valid():
            return self.refuse(form, uploaded)
        data = form.cleaned_data
        if data.get("file"):
            try:
                rows = forms.plan_file_rows(data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
                return self.refuse(form, uploaded)
        else:
            rows = [[text] for text in parser.split_text(data["text"])]
        texts = plan_importer.lines(rows)
        if not texts:
            form.add_error(None, "文档中没有文字内容。")
            return self.refuse(form, uploaded)
        for error in plan_importer.line_errors(rows):
            form.add_error("file" if data.get("file") else "text", str(error))
        if form.errors:
            return self.refuse(form, uploaded)
        if data.get("file"):
            imports.audit_upload(
                model=Plan,
                name=uploaded.name,
                size=uploaded.size,
                detail=f"工作要点预览 {len(texts)} 行，尚未写入。",
            )
        settings = {
            "title": data.get("title") or "",
            "year": data["year"],
            "cycle": data["cycle"],
            "due_day": data["due_day"],
        }
        return self.render_preview(texts, overrides=None, settings=settings)

    def refuse(self, form, uploaded):
        """The form again with its errors; a file refused is audited with what the user read."""
        if uploaded is not None and form.errors:
            reasons = "；".join(str(m) for messages_ in form.errors.values() for m in messages_)
            imports.audit_upload(
                model=Plan, name=uploaded.name, size=uploaded.size, refused=reasons
            )
        return render(self.request, self.template_name, self.base_context(form=form), status=400)

    def preview_step(self):
        request = self.request
        try:
            texts = json.loads(request.POST["lines_json"])
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise ValueError
        except ValueError:
            messages.error(request, "预览数据已损坏，请重新上传。")
            return redirect("tasks:plan_import")
        overrides = {}
        for no in range(1, len(texts) + 1):
            kind = request.POST.get(f"kind_{no}")
            if kind in LineKind.values:
                overrides[no] = kind
        settings = {key: request.POST.get(key, "") for key in ("title", "year", "cycle", "due_day")}
        if "_save" in request.POST:
            return self.save(texts, overrides, settings)
        return self.render_preview(texts, overrides=overrides, settings=settings)

    def parse(self, texts, overrides, settings):
        try:
            year = int(settings.get("year") or 0) or None
        except ValueError:
            year = None
        return parser.parse_lines(
            texts, overrides=overrides, year=year, unit_names=services.unit_names()
        )

    def render_preview(self, texts, *, overrides, settings, errors=None, status=200):
        lines, tree = self.parse(texts, overrides, settings)
        context = self.base_context(
            lines=lines,
            tree=tree,
            settings=settings,
            lines_json=json.dumps(texts, ensure_ascii=False),
            kinds=LineKind.choices,
            errors=errors or [],
            cycles=forms.Cycle.choices,
            model_name="工作要点",
        )
        if self.request.headers.get("HX-Request"):
            return render(self.request, "tasks/includes/import_tree.html", context, status=status)
        return render(self.request, "tasks/plan_import_preview.html", context, status=status)

    def save(self, texts, overrides, settings):
        result = plan_importer.commit(
            rows=[[text] for text in texts],
            actor=self.request.user,
            file_name=settings.get("title") or "工作要点",
            title=settings.get("title"),
            year=settings.get("year"),
            cycle=settings.get("cycle"),
            due_day=settings.get("due_day"),
            overrides=overrides,
        )
        if not result.committed:
            errors = [str(e) for e in result.errors] + [m for m in [result.file_error] if m]
            return self.render_preview(
                texts, overrides=overrides, settings=settings, errors=errors, status=400
            )
        plan = result.plan
        sections = plan.sections.count()
        messages.success(
            self.request,
            f"已导入“{plan}”：{sections} 个章节、{result.created} 项任务。"
            "请核对各任务的牵头单位和配合单位。",
        )
        return redirect("tasks:plan_assign", pk=plan.pk)


class PlanImportTemplateView(generic_import.ImportTemplateView):
    """The 工作要点 template (.xlsx, one paragraph per row, with 填写说明)."""

    queryset = Plan.objects.all()
    importer = plan_importer
