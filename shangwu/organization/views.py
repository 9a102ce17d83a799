from django.contrib import messages
from django.urls import reverse
from django.utils.html import format_html

from shangwu.core import views as generic
from shangwu.organization import filtersets, forms, services, tables
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
        from shangwu.designations.selectors import designations_for_region

        return {
            "designations": designations_for_region(user=self.request.user, region=obj),
            "fields": [
                ("区划代码", obj.code),
                ("名称", obj.name),
                ("层级", obj.get_level_display()),
                ("上级区划", obj.parent),
            ],
            "children": obj.children.all(),
            "units": obj.org_units.all(),
            "edit_url": reverse("organization:region_edit", args=[obj.pk]),
            "delete_url": reverse("organization:region_delete", args=[obj.pk]),
        }


class ApprovedMoveEditMixin:
    """Edits save at once, except a move (``update_service``'s approved fields), which is filed as a
    change request for the 安全管理员; the page says so and links to it."""

    update_service = None  # service(*, <model>, data, actor) -> (obj, request or None)
    instance_kwarg = ""

    def save(self, form):
        if form.instance.pk is None:
            return form.save()
        obj, request = type(self).update_service(
            **{self.instance_kwarg: form.instance}, data=form.cleaned_data, actor=self.request.user
        )
        if request is not None:
            messages.info(
                self.request,
                format_html(
                    '{}须经安全管理员审批后生效，已提交申请 <a href="{}">#{}</a>。',
                    "、".join(c["label"] for c in request.changes),
                    request.get_absolute_url(),
                    request.pk,
                ),
            )
        return obj


class RegionEditView(ApprovedMoveEditMixin, generic.ObjectEditView):
    queryset = Region.objects.all()
    form = forms.RegionForm
    update_service = services.region_update
    instance_kwarg = "region"


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
            "fields": [
                ("单位名称", obj.name),
                ("简称", obj.short_name),
                ("类型", obj.get_kind_display()),
                ("所属区划", obj.region.full_name),
                ("上级单位", obj.parent),
                ("启用", "是" if obj.is_active else "否"),
            ],
            "edit_url": reverse("organization:orgunit_edit", args=[obj.pk]),
            "delete_url": reverse("organization:orgunit_delete", args=[obj.pk]),
        }


class OrgUnitEditView(ApprovedMoveEditMixin, generic.ObjectEditView):
    queryset = OrgUnit.objects.all()
    form = forms.OrgUnitForm
    update_service = services.orgunit_update
    instance_kwarg = "unit"


class OrgUnitDeleteView(generic.ObjectDeleteView):
    queryset = OrgUnit.objects.all()
    success_url_name = "organization:orgunit_list"
