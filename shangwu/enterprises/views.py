from django.core.exceptions import ValidationError
from django.urls import reverse

from shangwu.core import views as generic
from shangwu.enterprises import filtersets, forms, services, tables
from shangwu.enterprises.models import Enterprise


class EnterpriseListView(generic.ObjectListView):
    queryset = Enterprise.objects.select_related("county", "township").prefetch_related("tags")
    filterset = filtersets.EnterpriseFilterSet
    table = tables.EnterpriseTable
    add_url_name = "enterprises:enterprise_add"
    export_url_name = "enterprises:enterprise_export"


class EnterpriseExportView(generic.ObjectExportView, EnterpriseListView):
    pass


class EnterpriseDetailView(generic.ObjectDetailView):
    queryset = Enterprise.objects.select_related("county", "township").prefetch_related("tag_links__tag")
    template_name = "core/object_detail.html"

    def extra_context(self, obj):
        tags = "、".join(f"{link.tag}{f'（{link.since:%Y-%m-%d}纳统）' if link.since else ''}" for link in obj.tag_links.all())
        return {
            "fields": [
                ("统一社会信用代码", obj.credit_code), ("企业名称", obj.name), ("简称", obj.short_name),
                ("县(市、区)", obj.county), ("乡镇(街道)", obj.township), ("地址", obj.address),
                ("法定代表人", obj.legal_representative),
                ("行业", f"{obj.get_industry_section_display()} {obj.industry_division}".strip()),
                ("经济类型", obj.get_ownership_display()), ("注册资本（万元）", obj.registered_capital),
                ("成立日期", obj.established_on), ("状态", obj.get_status_display()),
                ("重点企业", "是" if obj.is_key else "否"), ("标签", tags),
            ],
            "edit_url": reverse("enterprises:enterprise_edit", args=[obj.pk]),
        }


class EnterpriseEditView(generic.ObjectEditView):
    queryset = Enterprise.objects.all()
    form = forms.EnterpriseForm

    def save(self, form):
        fields = form.service_fields()
        try:
            if form.instance.pk:
                return services.enterprise_update(enterprise=form.instance, actor=self.request.user, **fields)
            return services.enterprise_create(actor=self.request.user, **fields)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                raise ValidationError("请修改标红的字段后再保存。") from exc
            raise
