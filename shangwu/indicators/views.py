import datetime
import os
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core import views as generic
from shangwu.core.access import can
from shangwu.core.exports import DOCX, XLSX, download
from shangwu.core.imports import UploadRejected
from shangwu.indicators import exports, filtersets, forms, selectors, services, tables
from shangwu.indicators.importers import parse_month, parse_values, template_xlsx
from shangwu.indicators.models import Indicator, IndicatorTarget, IndicatorValue
from shangwu.organization.models import Region


def requested_month(request) -> datetime.date | None:
    """?month=2026-05 (or None for the latest month with data)."""
    text = request.GET.get("month", "").strip()
    if not text:
        return selectors.value_latest_month(user=request.user)
    try:
        return parse_month(text)
    except ValueError:
        return selectors.value_latest_month(user=request.user)


# --- 月通报 --------------------------------------------------------------------------------------


class BulletinView(generic.BaseObjectView):
    """The bulletin for a month: a table and two charts per indicator, downloads as .xlsx/.docx."""

    queryset = IndicatorValue.objects.all()
    template_name = "indicators/bulletin.html"

    def get(self, request):
        month = requested_month(request)
        bulletin = selectors.bulletin_build(user=request.user, month=month) if month else None
        charts = {
            item.indicator.code: {
                "trend": item.trend,
                "counties": item.counties,
                "name": item.indicator.name,
            }
            for item in (bulletin.indicators if bulletin else [])
        }
        context = self.base_context(
            bulletin=bulletin,
            month=month,
            months=selectors.value_months_available(user=request.user),
            charts=charts,
        )
        if request.headers.get("HX-Request"):
            return render(request, "indicators/includes/bulletin_body.html", context)
        return render(request, self.template_name, context)


class BulletinDownloadView(generic.BaseObjectView):
    queryset = IndicatorValue.objects.all()
    action = "export"
    kind = "xlsx"

    def get(self, request):
        month = requested_month(request)
        if month is None:
            messages.warning(request, "暂无指标数据，无法生成通报。")
            return redirect("indicators:bulletin")
        bulletin = selectors.bulletin_build(user=request.user, month=month)
        if self.kind == "docx":
            content, ctype = exports.bulletin_docx(bulletin, user=request.user), DOCX
        else:
            content, ctype = exports.bulletin_xlsx(bulletin), XLSX
        audit_write(
            action=AuditAction.EXPORT,
            object_type="indicators.indicatorvalue",
            object_repr="月通报",
            detail=f"下载{bulletin.label}月通报（.{self.kind}）",
        )
        return download(content, f"{bulletin.title}.{self.kind}", ctype)


# --- Monthly values ------------------------------------------------------------------------------


class ValueListView(generic.ObjectListView):
    queryset = IndicatorValue.objects.select_related("indicator", "region", "updated_by")
    filterset = filtersets.IndicatorValueFilterSet
    table = tables.IndicatorValueTable
    template_name = "indicators/value_list.html"
    add_url_name = "indicators:value_add"
    export_url_name = "indicators:value_export"

    def extra_context(self):
        return {
            "computed": Indicator.objects.restrict(self.request.user).exclude(computation=""),
            "can_import": can(self.request.user, IndicatorValue.access, "import"),
            "is_city": getattr(self.request.user.region, "level", "") == "city",
        }


class ValueExportView(generic.ObjectExportView):
    queryset = ValueListView.queryset
    filterset = filtersets.IndicatorValueFilterSet
    table = tables.IndicatorValueTable


class ValueDetailView(generic.ObjectDetailView):
    queryset = IndicatorValue.objects.select_related("indicator", "region", "updated_by")
    template_name = "indicators/value_detail.html"

    def extra_context(self, obj):
        unit = obj.indicator.unit
        return {
            "fields": [
                ("指标", obj.indicator),
                ("地区", obj.region),
                ("月份", f"{obj.month:%Y年%m月}"),
                ("本月", f"{obj.month_value} {unit}" if obj.month_value is not None else "—"),
                (
                    "1—本月累计",
                    f"{obj.cumulative_value} {unit}" if obj.cumulative_value is not None else "—",
                ),
                ("上年同月", obj.prev_month_value if obj.prev_month_value is not None else "—"),
                (
                    "上年同期累计",
                    obj.prev_cumulative_value if obj.prev_cumulative_value is not None else "—",
                ),
                ("来源", obj.get_source_display()),
                ("填报人", obj.updated_by or "—"),
                ("修改时间", obj.updated_at),
            ],
            "revisions": obj.revisions.select_related("actor"),
        }


class ValueEditView(generic.BaseObjectView):
    """Enter one region's figures, or correct them (a reason is then required)."""

    queryset = IndicatorValue.objects.all()
    action = "add"
    template_name = "indicators/value_form.html"

    def get(self, request):
        initial = {
            k: request.GET[k] for k in ("indicator", "region", "month") if request.GET.get(k)
        }
        form = forms.ValueForm(initial=initial, user=request.user)
        return render(request, self.template_name, self.base_context(form=form))

    def post(self, request):
        form = forms.ValueForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            item = services.ValueInput(
                indicator=d["indicator"],
                region=d["region"],
                month_value=d["month_value"],
                cumulative_value=d["cumulative_value"],
                prev_month_value=d["prev_month_value"],
                prev_cumulative_value=d["prev_cumulative_value"],
            )
            try:
                result = services.value_save(
                    item=item, month=d["month"], reason=d["reason"], actor=request.user
                )
            except ValidationError as exc:
                form.add_error(
                    None,
                    exc.messages
                    if not hasattr(exc, "error_dict")
                    else [m for ms in exc.message_dict.values() for m in ms],
                )
            else:
                text = {
                    "created": "已保存",
                    "changed": "已更正（原值已记入更正记录）",
                    "unchanged": "数据无变化",
                }[result]
                messages.success(
                    request, f"{d['region']}{d['indicator']}{d['month']:%Y年%m月}：{text}。"
                )
                return redirect(f"{reverse('indicators:value_list')}?month={d['month']:%Y-%m-%d}")
        return render(request, self.template_name, self.base_context(form=form))


class ValueImportView(generic.BaseObjectView):
    """Upload the month's template: every error with its row and column; nothing saved unless
    the whole file is valid."""

    queryset = IndicatorValue.objects.all()
    action = "import"
    template_name = "indicators/value_import.html"

    def get(self, request):
        form = forms.ImportForm(initial={"month": requested_month(request)}, user=request.user)
        return render(request, self.template_name, self.base_context(form=form))

    def post(self, request):
        form = forms.ImportForm(request.POST, request.FILES, user=request.user)
        errors, upload_error = [], ""
        if form.is_valid():
            month = form.cleaned_data["month"]
            upload = form.cleaned_data["file"]
            indicators = list(Indicator.objects.restrict(request.user).filter(is_active=True))
            regions = list(forms.writable_regions(request.user)) + [
                r
                for r in Region.objects.filter(level__in=["city", "county"])
                if r not in forms.writable_regions(request.user)
            ]
            suffix = os.path.splitext(upload.name or "")[1].lower()
            with tempfile.NamedTemporaryFile(suffix=suffix) as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
                fh.flush()
                try:
                    month, items, errors = parse_values(
                        fh.name,
                        name=upload.name,
                        indicators=indicators,
                        regions=regions,
                        month=month,
                    )
                except UploadRejected as exc:
                    upload_error = str(exc)
                    items = []
            if not errors and not upload_error:
                try:
                    counts = services.values_import(items=items, month=month, actor=request.user)
                except ValidationError as exc:
                    upload_error = "；".join(exc.messages)
                else:
                    messages.success(
                        request,
                        f"导入完成：新增 {counts['created']} 条，更正 {counts['changed']} 条，"
                        f"无变化 {counts['unchanged']} 条。",
                    )
                    return redirect(f"{reverse('indicators:value_list')}?month={month:%Y-%m-%d}")
        return render(
            request,
            self.template_name,
            self.base_context(form=form, errors=errors, upload_error=upload_error),
        )


class ValueTemplateView(generic.BaseObjectView):
    queryset = IndicatorValue.objects.all()
    action = "import"

    def get(self, request):
        month = requested_month(request) or datetime.date.today().replace(day=1)
        indicators = Indicator.objects.restrict(request.user).filter(is_active=True, computation="")
        regions = list(forms.writable_regions(request.user))
        existing = {
            (v.indicator_id, v.region_id): v
            for v in selectors.value_list_for_entry(user=request.user, month=month)
        }
        content = template_xlsx(
            indicators=indicators, regions=regions, month=month, values=existing
        )
        return download(content, f"指标数据导入模板-{month:%Y-%m}.xlsx", XLSX)


class ValueComputeView(generic.BaseObjectView):
    """Recount the computed indicators for a month (city staff)."""

    queryset = IndicatorValue.objects.all()
    action = "change"

    def post(self, request):
        if getattr(request.user.region, "level", "") != "city":
            raise PermissionDenied("只有市级用户可以重新计算全市指标。")
        form = forms.MonthForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, "请选择要计算的月份（如 2026-05）。")
            return redirect("indicators:value_list")
        month = form.cleaned_data["month"]
        counts = services.values_compute(month=month, actor=request.user)
        messages.success(
            request,
            f"{month:%Y年%m月}平台计算指标已更新：新增 {counts['created']} 条，"
            f"更正 {counts['changed']} 条，无变化 {counts['unchanged']} 条。",
        )
        return redirect(f"{reverse('indicators:value_list')}?month={month:%Y-%m-%d}")


# --- Catalogue and targets -----------------------------------------------------------------------


class IndicatorListView(generic.ObjectListView):
    queryset = Indicator.objects.select_related("parent")
    filterset = filtersets.IndicatorFilterSet
    table = tables.IndicatorTable
    add_url_name = "indicators:indicator_add"


class IndicatorEditView(generic.ObjectEditView):
    queryset = Indicator.objects.all()
    form = forms.IndicatorForm


class IndicatorDetailView(generic.ObjectDetailView):
    queryset = Indicator.objects.select_related("parent")
    template_name = "core/object_detail.html"

    def extra_context(self, obj):
        return {
            "fields": [
                ("指标代码", obj.code),
                ("指标名称", obj.name),
                ("简称", obj.short_name or "—"),
                ("计量单位", obj.unit),
                ("数据来源", obj.get_source_display()),
                ("月度数据形式", obj.get_arrival_display()),
                ("越大越好", "是" if obj.higher_is_better else "否"),
                ("小数位数", obj.decimals),
                ("全市为各县区之和", "是" if obj.additive else "否"),
                ("上级指标", obj.parent or "—"),
                ("平台计算方式", obj.get_computation_display()),
                ("列入月通报", "是" if obj.in_bulletin else "否"),
                ("启用", "是" if obj.is_active else "否"),
            ]
        }


class TargetListView(generic.ObjectListView):
    queryset = IndicatorTarget.objects.select_related("indicator", "region")
    filterset = filtersets.IndicatorTargetFilterSet
    table = tables.IndicatorTargetTable
    template_name = "indicators/target_list.html"
    add_url_name = "indicators:target_add"

    def extra_context(self):
        try:
            year = int(self.request.GET.get("year") or datetime.date.today().year)
        except ValueError:
            year = datetime.date.today().year
        return {"year": year, "mismatches": selectors.target_mismatches(year=year)}


class TargetEditView(generic.BaseObjectView):
    queryset = IndicatorTarget.objects.all()
    action = "add"
    template_name = "core/object_edit.html"

    def get(self, request):
        form = forms.TargetForm(initial={"year": datetime.date.today().year}, user=request.user)
        return render(request, self.template_name, self.base_context(form=form, object=None))

    def post(self, request):
        form = forms.TargetForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.target_set(
                    indicator=d["indicator"],
                    year=d["year"],
                    region=d["region"],
                    value=d["value"],
                    note=d["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "年度目标已保存。")
                for text in selectors.target_mismatches(year=d["year"]):
                    messages.warning(request, f"任务分解不平衡：{text}")
                return redirect(f"{reverse('indicators:target_list')}?year={d['year']}")
        return render(request, self.template_name, self.base_context(form=form, object=None))
