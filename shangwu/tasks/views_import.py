"""Importing the year's 工作要点 on the shared import flow (core.views_import): upload a .docx,
the template's .xlsx, or paste the text → preview with the recognised tree and a kind per line
that the user can correct (re-previewed with htmx on every change; the button does the same
without JavaScript) → confirm. The checks, the reading and the save are the import contract's
(``tasks.imports.plan_importer``)."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shangwu.core import views_import as generic_import
from shangwu.tasks import forms, parser
from shangwu.tasks.imports import plan_importer
from shangwu.tasks.models import Plan

PASTED_NAME = "粘贴的文字.csv"


class PlanImport:
    queryset = Plan.objects.all()
    importer = plan_importer
    success_url_name = "tasks:plan_list"
    options_form = forms.PlanUploadForm
    file_fields = ("file", "text")
    upload_template = "tasks/plan_import.html"

    def file_from_form(self, form):
        """Pasted text, kept as the template's one-column .csv (a line a row), so that it is
        checked, stored and read again at the confirmation like any uploaded file."""
        text = form.cleaned_data.get("text") or ""
        if not text.strip():
            return None
        buffer = io.StringIO()
        csv.writer(buffer).writerows([line] for line in parser.split_text(text))
        return SimpleUploadedFile(PASTED_NAME, buffer.getvalue().encode("utf-8"))

    def success_url(self, options, result):
        return reverse("tasks:plan_assign", args=[result.plan.pk])


class PlanImportView(PlanImport, generic_import.ImportUploadView):
    pass


class PlanImportCommitView(PlanImport, generic_import.ImportCommitView):
    pass


class PlanImportErrorsView(PlanImport, generic_import.ImportErrorsView):
    pass


class PlanImportTemplateView(PlanImport, generic_import.ImportTemplateView):
    """The 工作要点 template (.xlsx, one paragraph per row, with 填写说明)."""
