"""Pages of §6 rectification: the hazard actions (整改, 复查, 销号, 转为案件, 移送); each is a
declarative ``ObjectActionView`` calling one service of ``rectification.py``."""

from shangwu.core import views as generic
from shangwu.inspections import forms_rectification as forms
from shangwu.inspections import rectification
from shangwu.inspections.models import Hazard, HazardPhoto
from shangwu.inspections.views import HazardListView


class HazardExportView(generic.ObjectExportView, HazardListView):
    """The hazard list as a spreadsheet (the same FilterSet and scope; audited as an export)."""


class HazardActionView(generic.ObjectActionView):
    queryset = Hazard.objects.select_related("site", "inspection")


class HazardRectifyView(HazardActionView):
    title = "报告整改"
    form_class = forms.HazardRectifyForm

    def make_form(self, obj, data=None, files=None):
        return self.form_class(data, files, user=self.request.user)

    def perform(self, obj, data):
        rectification.hazard_rectify(hazard=obj, actor=self.request.user, **data)
        return "已报告整改，待检查组复查。"


class HazardRecheckView(HazardActionView):
    title = "复查"
    form_class = forms.HazardRecheckForm

    def perform(self, obj, data):
        rectification.hazard_recheck(hazard=obj, actor=self.request.user, **data)
        return "已记录复查结果。"


class HazardCloseView(HazardActionView):
    title = "销号"
    form_class = forms.HazardCloseForm

    def perform(self, obj, data):
        rectification.hazard_close(hazard=obj, actor=self.request.user, **data)
        return "隐患已销号。"


class HazardReferView(HazardActionView):
    title = "移送其他部门"
    form_class = forms.HazardReferForm

    def perform(self, obj, data):
        rectification.hazard_refer(hazard=obj, actor=self.request.user, **data)
        return "已移送。"


class HazardCaseView(HazardActionView):
    title = "转为案件"
    form_class = forms.HazardCaseForm

    def perform(self, obj, data):
        self.case = rectification.hazard_open_case(hazard=obj, actor=self.request.user, **data)
        return f"已转为案件{self.case.number}。"


class HazardPhotoDownloadView(generic.FileDownloadView):
    """整改照片/材料, through the file service (in scope wherever its hazard is)."""

    queryset = HazardPhoto.objects.select_related("hazard")
