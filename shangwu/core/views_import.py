"""The generic Excel/CSV import flow: upload → preview → confirm (all or nothing).

The uploaded file is checked before a row is read (core.imports.check_upload), kept under
MEDIA_ROOT/imports/ between preview and commit, and named in the session by a random token,
so a user can only confirm or download the report of their own upload.

A model's import is four small subclasses that name its ``queryset`` and
its ``importer`` (a ``core.importer.Importer``: preview, commit, template); see
enterprises/views_import.py. Every importer's page, preview, confirmation, error report and
template therefore look and read the same.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url

from shangwu.core import imports
from shangwu.core import views as generic
from shangwu.core.exports import download
from shangwu.core.importer import Importer

HELP_SHEET_NAME = imports.HELP_SHEET_NAME
PREVIEW_ERRORS = 200


class ImportBaseView(generic.BaseObjectView):
    """Shared state of the four import views. Subclasses set ``queryset``, ``importer`` (the
    app's ``Importer``) and ``success_url_name``.

    An import that needs more than the file (the indicators' month) names an ``options_form``
    (a form with a ``file`` field and the options, taking ``user=``); its other cleaned values
    go to the importer's preview and commit as keyword arguments (kept with the upload, as
    text, between the two). An importer whose preview the user corrects before confirming (the
    工作要点's line kinds) gives ``preview_include``: the preview form then carries it, and its
    fields go back to the importer (``Importer.corrections``) on a re-preview and on commit.
    """

    action = "import"
    importer: Importer | None = None
    success_url_name = ""
    url_prefix = ""  # "<app>:<name>" when the URL names do not follow the model's name
    template_url_name = ""  # the template's URL name, when not ``<url_prefix>_import_template``
    upload_template = "core/import_upload.html"  # or an app page extending it
    options_form = None
    file_fields = ("file",)  # the options form's fields that are the file, not options

    @property
    def session_key(self) -> str:
        return f"{self.model._meta.label_lower}_imports"

    def url_names(self) -> dict:
        """The flow's URL names, by the convention ``<app>:<model>_import[_commit|_errors]``."""
        base = self.url_prefix or f"{self.model._meta.app_label}:{self.model._meta.model_name}"
        return {
            "url_upload": f"{base}_import",
            "url_commit": f"{base}_import_commit",
            "url_errors": f"{base}_import_errors",
            "url_template": self.template_url_name or f"{base}_import_template",
            "url_list": self.success_url_name,
        }

    def uploads(self) -> dict:
        return self.request.session.get(self.session_key, {})

    def remember(self, token: str, *, name: str, ext: str, options: dict) -> None:
        uploads = dict(self.uploads())
        uploads[token] = {"name": name, "ext": ext, "options": options}
        for stale in list(uploads)[:-5]:  # keep the last few uploads of this session
            imports.discard_stored(stale)
            uploads.pop(stale)
        self.request.session[self.session_key] = uploads

    def forget(self, token: str) -> None:
        uploads = dict(self.uploads())
        uploads.pop(token, None)
        self.request.session[self.session_key] = uploads
        imports.discard_stored(token)

    def upload_of(self, token: str):
        """(path, original name, kind, options) of this session's upload ``token``, or 404."""
        info = self.uploads().get(token)
        path = imports.stored_path(token, info["ext"]) if info else None
        if path is None:
            raise Http404("导入文件已过期或不存在，请重新上传。")
        return path, info["name"], info["ext"].lstrip("."), info.get("options") or {}

    def success_url(self, options: dict, result) -> str:
        return resolve_url(self.success_url_name)

    def render_preview(self, result, token: str, *, status: int = 200):
        """The shared preview page; an htmx re-preview of a correcting importer gets only its
        fragment (the same URL serves both)."""
        if result.errors:
            report = imports.store_dir() / f"{token}.errors.xlsx"
            report.write_bytes(imports.error_report_xlsx(result.errors))
        context = self.base_context(
            result=result,
            token=token,
            errors=result.errors[:PREVIEW_ERRORS],
            more_errors=max(0, len(result.errors) - PREVIEW_ERRORS),
            preview_include=self.importer.preview_include,
            **result.context,
            **self.url_names(),
        )
        template = "core/import_preview.html"
        if self.request.headers.get("HX-Request") and self.importer.preview_fragment:
            template = self.importer.preview_fragment
        return render(self.request, template, context, status=status)


class ImportUploadView(ImportBaseView):
    """GET: the upload form. POST: check the file, validate every row, show the preview."""

    def get_template_name(self):
        return self.upload_template

    def get(self, request):
        return render(request, self.get_template_name(), self.page_context())

    def page_context(self, form=None, **extra):
        if form is None and self.options_form is not None:
            form = self.options_form(initial=self.initial_options(), user=self.request.user)
        kinds = self.importer.kinds
        return self.base_context(
            form=form,
            max_mb=(self.importer.upload_limit() or imports.upload_max_bytes()) // 1024 // 1024,
            noun=self.importer.noun,
            kinds=kinds,
            kinds_text=" 或 ".join(f".{kind}" for kind in kinds),
            accept=",".join(f".{kind}" for kind in kinds),
            **self.url_names(),
            **extra,
        )

    def initial_options(self) -> dict:
        return {}

    def file_from_form(self, form):
        """The file to import when none was uploaded (the 工作要点 pasted as text), or None."""
        return None

    def post(self, request):
        uploaded = request.FILES.get("file")
        options, form = {}, None
        if self.options_form is not None:
            form = self.options_form(request.POST, request.FILES, user=request.user)
            if not form.is_valid():
                reasons = "；".join(str(m) for errors in form.errors.values() for m in errors)
                return self.refuse(reasons, uploaded=uploaded, form=form)
            options = {
                key: value.isoformat() if hasattr(value, "isoformat") else value
                for key, value in form.cleaned_data.items()
                if key not in self.file_fields
            }
            if uploaded is None:
                uploaded = self.file_from_form(form)
        if uploaded is None:
            kinds = " 或 ".join(f".{kind}" for kind in self.importer.kinds)
            return self.refuse(f"请选择要上传的 {kinds} 文件。", form=form)
        name = uploaded.name or "upload"
        try:
            token, path = imports.store_upload(uploaded, max_bytes=self.importer.upload_limit())
        except imports.UploadRejected as exc:
            return self.refuse(str(exc), uploaded=uploaded, form=form)
        try:
            kind = imports.check_upload(
                path, name=name, kinds=self.importer.kinds, max_bytes=self.importer.upload_limit()
            )
            rows = self.importer.read(path, kind)
        except imports.UploadRejected as exc:
            imports.discard_stored(token)
            return self.refuse(str(exc), uploaded=uploaded, form=form)
        result = self.importer.preview(rows=rows, actor=request.user, file_name=name, **options)
        if result.file_error:
            imports.discard_stored(token)
            return self.refuse(result.file_error, uploaded=uploaded, form=form)
        imports.audit_upload(
            model=self.model,
            name=name,
            size=uploaded.size,
            detail=f"预览 {result.total} 行，错误 {len(result.errors)} 处，尚未写入。",
        )
        self.remember(token, name=name, ext=f".{kind}", options=options)
        return self.render_preview(result, token)

    def refuse(self, message: str, *, uploaded=None, form=None):
        if uploaded is not None:  # every file refused is audited, with the reason the user got
            imports.audit_upload(
                model=self.model, name=uploaded.name, size=uploaded.size, refused=message
            )
        if form is not None and form.errors:
            message = ""  # the form shows its own errors
        return render(
            self.request,
            self.get_template_name(),
            self.page_context(form=form, upload_error=message),
            status=400,
        )


class ImportCommitView(ImportBaseView):
    """POST: validate the stored file again and write it all, or nothing. With ``_preview``:
    the preview again, with the corrections made on it (nothing written)."""

    def post(self, request, token):
        path, name, kind, options = self.upload_of(token)
        options = {**options, **self.importer.corrections(request.POST)}
        rows = self.importer.read(path, kind)
        if "_preview" in request.POST:
            result = self.importer.preview(rows=rows, actor=request.user, file_name=name, **options)
            return self.render_preview(result, token)
        result = self.importer.commit(rows=rows, actor=request.user, file_name=name, **options)
        if not result.committed:
            # The importer audits what it writes; a confirmation that wrote nothing is audited here.
            reason = result.file_error or f"{len(result.errors)} 处错误"
            imports.audit_upload(
                model=self.model, name=name, refused=f"确认导入未写入任何数据（{reason}）"
            )
            if result.file_error:
                messages.error(request, result.file_error)
            return self.render_preview(result, token, status=400)
        self.forget(token)
        messages.success(request, self.importer.success_message(result))
        return redirect(self.success_url(options, result))


class ImportErrorsView(ImportBaseView):
    """GET: the row-level error report of this session's upload, as .xlsx."""

    def get(self, request, token):
        _, name, _, _ = self.upload_of(token)
        report = imports.stored_path(token, ".errors.xlsx")
        if report is None:
            raise Http404("没有错误报告。")
        filename = f"导入错误报告-{name.rsplit('.', 1)[0]}.xlsx"
        imports.audit_file_download(model=self.model, what="导入错误报告", name=filename)
        return download(report.read_bytes(), filename)


class ImportTemplateView(ImportBaseView):
    """GET: the import template with Chinese headers and a 填写说明 sheet."""

    def get(self, request):
        content = self.importer.template()
        name = self.importer.template_filename
        imports.audit_file_download(model=self.model, what="导入模板", name=name)
        return download(content, name)
