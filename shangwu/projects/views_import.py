"""Excel/CSV import of projects: upload → preview → confirm (all or nothing), as in the registry.

The upload is checked before a row is read (core.imports.check_upload), kept under
MEDIA_ROOT/imports/ between preview and commit, and named in the session by a random token, so a
user can only confirm or download the error report of their own upload.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from shangwu.core import imports
from shangwu.core import views as generic
from shangwu.projects import importers
from shangwu.projects.models import Project

SESSION_KEY = "project_imports"
PREVIEW_ERRORS = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class _ImportBase(generic.BaseObjectView):
    queryset = Project.objects.all()
    action = "import"

    def uploads(self) -> dict:
        return self.request.session.get(SESSION_KEY, {})

    def remember(self, token: str, *, name: str, ext: str) -> None:
        uploads = dict(self.uploads())
        uploads[token] = {"name": name, "ext": ext}
        for stale in list(uploads)[:-5]:
            imports.discard_stored(stale)
            uploads.pop(stale)
        self.request.session[SESSION_KEY] = uploads

    def forget(self, token: str) -> None:
        uploads = dict(self.uploads())
        uploads.pop(token, None)
        self.request.session[SESSION_KEY] = uploads
        imports.discard_stored(token)

    def upload_of(self, token: str):
        info = self.uploads().get(token)
        path = imports.stored_path(token, info["ext"]) if info else None
        if path is None:
            raise Http404("导入文件已过期或不存在，请重新上传。")
        return path, info["name"], info["ext"].lstrip(".")

    def render_preview(self, result, token: str):
        if result.errors:
            report = imports.store_dir() / f"{token}.errors.xlsx"
            report.write_bytes(imports.error_report_xlsx(result.errors))
        return render(
            self.request,
            "projects/import_preview.html",
            self.base_context(
                result=result,
                token=token,
                errors=result.errors[:PREVIEW_ERRORS],
                more_errors=max(0, len(result.errors) - PREVIEW_ERRORS),
            ),
        )


class ProjectImportView(_ImportBase):
    template_name = "projects/import_upload.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            self.base_context(max_mb=imports.upload_max_bytes() // 1024 // 1024),
        )

    def post(self, request):
        uploaded = request.FILES.get("file")
        if uploaded is None:
            return self.refuse("请选择要上传的 .xlsx 或 .csv 文件。")
        name = uploaded.name or "upload"
        try:
            token, path = imports.store_upload(uploaded)
        except imports.UploadRejected as exc:
            return self.refuse(str(exc))
        try:
            kind = imports.check_upload(path, name=name)
            rows = imports.read_rows(path, kind, skip_sheets=(importers.HELP_SHEET_NAME,))
        except imports.UploadRejected as exc:
            imports.discard_stored(token)
            return self.refuse(str(exc))
        result = importers.project_import_preview(rows=rows, actor=request.user, file_name=name)
        if result.file_error:
            imports.discard_stored(token)
            return self.refuse(result.file_error)
        self.remember(token, name=name, ext=f".{kind}")
        return self.render_preview(result, token)

    def refuse(self, message: str):
        return render(
            self.request,
            self.template_name,
            self.base_context(
                upload_error=message, max_mb=imports.upload_max_bytes() // 1024 // 1024
            ),
            status=400,
        )


class ProjectImportCommitView(_ImportBase):
    def post(self, request, token):
        path, name, kind = self.upload_of(token)
        rows = imports.read_rows(path, kind, skip_sheets=(importers.HELP_SHEET_NAME,))
        result = importers.project_import_commit(rows=rows, actor=request.user, file_name=name)
        if not result.committed:
            if result.file_error:
                messages.error(request, result.file_error)
            return self.render_preview(result, token)
        self.forget(token)
        messages.success(
            request,
            f"已导入“{name}”：新增 {result.created} 个项目，更新 {result.updated} 个，"
            f"{result.unchanged} 个无变化。",
        )
        return redirect("projects:project_list")


class ProjectImportErrorsView(_ImportBase):
    def get(self, request, token):
        _, name, _ = self.upload_of(token)
        report = imports.stored_path(token, ".errors.xlsx")
        if report is None:
            raise Http404("没有错误报告。")
        return _xlsx_response(report.read_bytes(), f"导入错误报告-{name.rsplit('.', 1)[0]}.xlsx")


class ProjectImportTemplateView(_ImportBase):
    def get(self, request):
        return _xlsx_response(importers.project_import_template(), "招商项目导入模板.xlsx")
