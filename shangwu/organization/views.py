from django.urls import reverse

from shangwu.core import views as generic
from shangwu.organization import filtersets, forms, tables
from shangwu.organization.models import OrgUnit, Region


class RegionListView(generic.ObjectListView):
    queryset = Region.objects.select_related("parent")
    filterset = filtersets.RegionFilterSet
    table = tables.RegionTable
    add_url_name = "organization:region_add"
    export_url_name = "organization:region_export"


class RegionExportView(generic.ObjectExportView, RegionListView):
    pass


class RegionDetailView(generic.ObjectDetailView):
    queryset = Region.objects.select_related("parent")
    template_name = "organization/region_detail.html"

    def extra_context(self, obj):
        return {
            "fields": [("区划代码", obj.code), ("名称", obj.name), ("层级", obj.get_level_display()),
                       ("上级区划", obj.parent)],
            "children": obj.children.all(),
            "units": obj.org_units.all(),
            "edit_url": reverse("organization:region_edit", args=[obj.pk]),
            "delete_url": reverse("organization:region_delete", args=[obj.pk]),
        }


class RegionEditView(generic.ObjectEditView):
    queryset = Region.objects.all()
    form = forms.RegionForm


class RegionDeleteView(generic.ObjectDeleteView):
    queryset = Region.objects.all()
    success_url_name = "organization:region_list"


class OrgUnitListView(generic.ObjectListView):
    queryset = OrgUnit.objects.select_related("region")
    filterset = filtersets.OrgUnitFilterSet
    table = tables.OrgUnitTable
    add_url_name = "organization:orgunit_add"
    export_url_name = "organization:orgunit_export"


class OrgUnitExportView(generic.ObjectExportView, OrgUnitListView):
    pass


class OrgUnitDetailView(generic.ObjectDetailView):
    queryset = OrgUnit.objects.select_related("region", "parent")
    template_name = "core/object_detail.html"

    def extra_context(self, obj):
        return {
            "fields": [("单位名称", obj.name), ("简称", obj.short_name), ("类型", obj.get_kind_display()),
                       ("所属区划", obj.region.full_name), ("上级单位", obj.parent),
                       ("启用", "是" if obj.is_active else "否")],
            "edit_url": reverse("organization:orgunit_edit", args=[obj.pk]),
            "delete_url": reverse("organization:orgunit_delete", args=[obj.pk]),
        }


class OrgUnitEditView(generic.ObjectEditView):
    queryset = OrgUnit.objects.all()
    form = forms.OrgUnitForm


class OrgUnitDeleteView(generic.ObjectDeleteView):
    queryset = OrgUnit.objects.all()
    success_url_name = "organization:orgunit_list"
