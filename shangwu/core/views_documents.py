"""The 系统管理员's 公文格式设置: per kind of document, the 版头, 发文字号 and 版记 (audited by
the model; the numbers handed out are listed on each kind's page)."""

from django.urls import reverse

from shangwu.core import filtersets, forms, tables
from shangwu.core import views as generic
from shangwu.core.access import restrict
from shangwu.core.models import DocumentNumber, DocumentSetting


class DocumentSettingListView(generic.ObjectListView):
    queryset = DocumentSetting.objects.all()
    filterset = filtersets.DocumentSettingFilterSet
    table = tables.DocumentSettingTable
    add_url_name = "core:documentsetting_add"


class DocumentSettingEditView(generic.ObjectEditView):
    queryset = DocumentSetting.objects.all()
    form = forms.DocumentSettingForm


class DocumentSettingDetailView(generic.ObjectDetailView):
    queryset = DocumentSetting.objects.all()
    template_name = "core/documentsetting_detail.html"

    def extra_context(self, obj):
        def yes(value):
            return "是" if value else "否"

        numbers = restrict(DocumentNumber.objects.all(), self.request.user, "view").filter(
            kind=obj.kind
        )[:50]
        return {
            "fields": [
                ("公文种类", obj.get_kind_display()),
                ("发文机关", obj.organ_name or "导出人所在的商务局"),
                ("使用版头", yes(obj.show_masthead)),
                (
                    "发文机关标志",
                    obj.masthead_text or (f"{obj.organ_name}文件" if obj.organ_name else ""),
                ),
                ("发文机关代字", obj.number_prefix or "不编号"),
                ("使用版记", yes(obj.show_colophon)),
                ("抄送机关", obj.cc),
                ("印发机关", obj.printer or "同发文机关"),
            ],
            "numbers": numbers,
            "edit_url": reverse("core:documentsetting_edit", args=[obj.pk]),
        }
