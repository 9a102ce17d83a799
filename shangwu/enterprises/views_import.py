"""Excel/CSV import of the enterprise registry (the flow itself is core.views_import)."""

from shangwu.core import views_import as generic_import
from shangwu.enterprises import imports
from shangwu.enterprises.models import Enterprise


class EnterpriseImport:
    queryset = Enterprise.objects.all()
    importer = imports.enterprise_importer
    success_url_name = "enterprises:enterprise_list"


class EnterpriseImportView(EnterpriseImport, generic_import.ImportUploadView):
    pass


class EnterpriseImportCommitView(EnterpriseImport, generic_import.ImportCommitView):
    pass


class EnterpriseImportErrorsView(EnterpriseImport, generic_import.ImportErrorsView):
    pass


class EnterpriseImportTemplateView(EnterpriseImport, generic_import.ImportTemplateView):
    pass
