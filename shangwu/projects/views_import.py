"""Excel/CSV import of the investment projects (the flow itself is core.views_import)."""

from shangwu.core import views_import as generic_import
from shangwu.projects import importers
from shangwu.projects.models import Project


class ProjectImport:
    queryset = Project.objects.all()
    app_template_dir = "projects"
    preview = staticmethod(importers.project_import_preview)
    commit = staticmethod(importers.project_import_commit)
    template = staticmethod(importers.project_import_template)
    template_filename = "招商项目导入模板.xlsx"
    success_url_name = "projects:project_list"
    counted = "个"


class ProjectImportView(ProjectImport, generic_import.ImportUploadView):
    pass


class ProjectImportCommitView(ProjectImport, generic_import.ImportCommitView):
    pass


class ProjectImportErrorsView(ProjectImport, generic_import.ImportErrorsView):
    pass


class ProjectImportTemplateView(ProjectImport, generic_import.ImportTemplateView):
    pass
