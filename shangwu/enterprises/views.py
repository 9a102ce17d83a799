from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from shangwu.core import views as generic
from shangwu.enterprises import filtersets, forms, services, tables
from shangwu.enterprises.models import Enterprise, Tag
from shangwu.enterprises.selectors import enterprise_service_context, enterprise_timeline


class EnterpriseListView(generic.ObjectListView):
    queryset = Enterprise.objects.select_related("county", "township").prefetch_related("tags")
    filterset = filtersets.EnterpriseFilterSet
    table = tables.EnterpriseTable
    template_name = "enterprises/enterprise_list.html"
    add_url_name = "enterprises:enterprise_add"
    export_url_name = "enterprises:enterprise_export"
    bulk_actions = [
        ("enterprises:enterprise_bulk_tag", "批量加标签"),
        ("enterprises:assignment_bulk", "批量安排包保"),
    ]


class EnterpriseExportView(generic.ObjectExportView, EnterpriseListView):
    pass


class EnterpriseDetailView(generic.ObjectDetailView):
    queryset = Enterprise.objects.select_related("county", "township").prefetch_related(
        "tag_links__tag"
    )
    template_name = "enterprises/enterprise_detail.html"

    def extra_context(self, obj):
        from shangwu.designations.selectors import (
            designation_list_for_enterprise,
            designation_tags_of,
        )

        # 老字号 and the like: derived from the enterprise's current designations (one query
        # reads them for the tags and the page's list).
        designations = list(designation_list_for_enterprise(user=self.request.user, enterprise=obj))
        tags = "、".join(
            [
                f"{link.tag}{f'（{link.since:%Y-%m-%d}纳统）' if link.since else ''}"
                for link in obj.tag_links.all()
            ]
            + designation_tags_of(designations)
        )
        return {
            "fields": [
                ("统一社会信用代码", obj.credit_code),
                ("企业名称", obj.name),
                ("简称", obj.short_name),
                ("县(市、区)", obj.county),
                ("乡镇(街道)", obj.township),
                ("地址", obj.address),
                ("法定代表人", obj.legal_representative),
                ("行业", obj.industry_display),
                ("经济类型", obj.get_ownership_display()),
                ("注册资本（万元）", obj.registered_capital),
                ("成立日期", obj.established_on),
                ("状态", obj.get_status_display()),
                ("重点企业", "是" if obj.is_key else "否"),
                ("标签", tags),
            ],
            "events": enterprise_timeline(enterprise=obj),
            "designations": designations,
            **enterprise_service_context(user=self.request.user, enterprise=obj),
            **self.case_context(obj),
            "edit_url": reverse("enterprises:enterprise_edit", args=[obj.pk]),
            "status_url": reverse("enterprises:enterprise_status", args=[obj.pk]),
            "tags_url": reverse("enterprises:enterprise_tags", args=[obj.pk]),
        }

    def case_context(self, obj):
        from shangwu.cases.selectors import case_list_for_enterprise
        from shangwu.core.access import Access, can

        cases = case_list_for_enterprise(user=self.request.user, enterprise=obj)
        shown = list(cases[:10])
        return {
            "cases": shown,
            # Fewer than 10 is the whole set: counted only when the panel is full.
            "case_count": len(shown) if len(shown) < 10 else cases.count(),
            "can_add_case": can(self.request.user, Access.BUSINESS, "add"),
        }


def _form_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        raise ValidationError("请修改标红的字段后再保存。") from exc
    raise exc


class EnterpriseEditView(generic.ObjectEditView):
    queryset = Enterprise.objects.all()
    form = forms.EnterpriseForm

    def save(self, form):
        fields = form.service_fields()
        try:
            if form.instance.pk:
                return services.enterprise_update(
                    enterprise=form.instance, actor=self.request.user, **fields
                )
            return services.enterprise_create(actor=self.request.user, **fields)
        except ValidationError as exc:
            _form_errors(form, exc)


class EnterpriseStatusView(generic.BaseObjectView):
    """注销 / 吊销 / 迁出 with a reason: the enterprise and its history stay (no hard delete)."""

    queryset = Enterprise.objects.all()
    action = "change"
    template_name = "core/object_edit.html"

    def get(self, request, pk):
        obj = self.get_object()
        form = forms.EnterpriseStatusForm(initial={"status": obj.status})
        return render(request, self.template_name, self.base_context(form=form, object=obj))

    def post(self, request, pk):
        obj = self.get_object()
        form = forms.EnterpriseStatusForm(request.POST)
        if form.is_valid():
            try:
                services.enterprise_change_status(
                    enterprise=obj, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"“{obj}”状态已变更为“{obj.get_status_display()}”。")
                return redirect(obj.get_absolute_url())
        return render(request, self.template_name, self.base_context(form=form, object=obj))


class EnterpriseTagsView(generic.BaseObjectView):
    """One enterprise's tags: add one, change a 纳统 date, remove one (each a timeline entry)."""

    queryset = Enterprise.objects.all()
    action = "change"
    template_name = "enterprises/enterprise_tags.html"

    def show(self, obj, form):
        links = obj.tag_links.select_related("tag").order_by("tag__sort_order", "tag__name")
        return render(
            self.request, self.template_name, self.base_context(object=obj, form=form, links=links)
        )

    def get(self, request, pk):
        return self.show(self.get_object(), forms.EnterpriseTagForm())

    def post(self, request, pk):
        obj = self.get_object()
        if "remove" in request.POST:
            pk = request.POST["remove"]
            link = (
                obj.tag_links.select_related("tag").filter(pk=pk).first() if pk.isdigit() else None
            )
            if link is not None:
                services.enterprise_set_tag(
                    enterprise=obj, tag=link.tag, actor=request.user, remove=True
                )
                messages.success(request, f"已移除标签“{link.tag}”。")
            return redirect(reverse("enterprises:enterprise_tags", args=[obj.pk]))
        form = forms.EnterpriseTagForm(request.POST)
        if form.is_valid():
            try:
                changed = services.enterprise_set_tag(
                    enterprise=obj, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                tag = form.cleaned_data["tag"]
                messages.success(
                    request, f"已保存标签“{tag}”。" if changed else f"“{tag}”已是这样，未改动。"
                )
                return redirect(reverse("enterprises:enterprise_tags", args=[obj.pk]))
        return self.show(obj, form)


class EnterpriseBulkTagView(generic.ObjectBulkView):
    queryset = Enterprise.objects.all()
    filterset = filtersets.EnterpriseFilterSet
    form = forms.BulkTagForm
    title = "批量加标签"

    def apply(self, objects, form):
        tag = form.cleaned_data["tag"]
        added, already = services.enterprise_bulk_tag(
            enterprises=objects,
            tag=tag,
            since=form.cleaned_data["since"],
            actor=self.request.user,
        )
        return tag, added, already

    def success_message(self, result):
        tag, added, already = result
        kept = (
            f"；{already} 家已有此标签，保持原样" + ("（纳统日期未改动）" if tag.needs_date else "")
            if already
            else ""
        )
        return f"批量加标签：已为 {added} 家企业加上“{tag}”{kept}。"


class TagListView(generic.ObjectListView):
    queryset = Tag.objects.all()
    filterset = filtersets.TagFilterSet
    table = tables.TagTable
    add_url_name = "enterprises:tag_add"


class TagEditView(generic.ObjectEditView):
    queryset = Tag.objects.all()
    form = forms.TagForm


class TagDetailView(generic.VocabularyDetailView):
    queryset = Tag.objects.all()
    edit_url_name = "enterprises:tag_edit"
