"""Excel/CSV import of the investment projects (the flow itself is core.views_import)."""

from shangwu.core import views_import as generic_import
from shangwu.projects import imports
from shangwu.projects.models import Project


class ProjectImport:
    queryset = Project.objects.all()
    importer = imports.project_importer
    success_url_name = "projects:project_list"


class ProjectImportView(ProjectImport, generic_import.ImportUploadView):
    pass


class ProjectImportCommitView(ProjectImport, generic_import.ImportCommitView):
    pass


class ProjectImportErrorsView(ProjectImport, generic_import.ImportErrorsView):
    pass


class ProjectImportTemplateView(ProjectImport, generic_import.ImportTemplateView):
    pass
