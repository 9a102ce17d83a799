import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core import imports
from shangwu.core import views as generic
from shangwu.core import views_import as generic_import
from shangwu.core.access import permits
from shangwu.core.exports import DOCX, XLSX, download
from shangwu.indicators import exports, filtersets, forms, selectors, services, tables
from shangwu.indicators.imports import parse_month, value_importer
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetProposal,
    IndicatorTargetVersion,
    IndicatorValue,
)


def requested_month(request, default=selectors.value_latest_month) -> datetime.date | None:
    """?month=2026-05, else ``default(user=…)``: the latest month with data for entry pages,
    the latest complete month for the bulletin."""
    text = request.GET.get("month", "").strip()
    if not text:
        return default(user=request.user)
    try:
        return parse_month(text)
    except ValueError:
        return default(user=request.user)


# --- 月通报 --------------------------------------------------------------------------------------


class BulletinView(generic.BaseObjectView):
    """The bulletin for a month: a table and two charts per indicator, downloads as .xlsx/.docx."""

    queryset = IndicatorValue.objects.all()
    template_name = "indicators/bulletin.html"

    def get(self, request):
        month = requested_month(request, selectors.value_latest_complete_month)
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
            # The body, and the download links out of band so they follow the month chosen.
            context["oob"] = True
            return render(request, "indicators/includes/bulletin_body.html", context)
        return render(request, self.template_name, context)


class BulletinDownloadView(generic.BaseObjectView):
    queryset = IndicatorValue.objects.all()
    action = "export"
    kind = "xlsx"

    def get(self, request):
        month = requested_month(request, selectors.value_latest_complete_month)
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
            "can_import": self.allowed("import"),
            "can_compute": self.allowed("compute"),
            "can_grid": forms.writable_regions(self.request.user).exists(),
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


def parse_grid_number(raw: str, label: str) -> tuple[Decimal | None, str]:
    """A grid cell as typed or pasted from Excel/WPS ("1,234.5", " 12 "), or the error."""
    text = (raw or "").strip().replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None, ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"{label}：“{raw.strip()}”不是有效的数字。"
    if not value.is_finite():
        return None, f"{label}：“{raw.strip()}”不是有效的数字。"
    if value.as_tuple().exponent < -4:
        return None, f"{label}：“{raw.strip()}”最多保留4位小数。"
    if abs(value) >= Decimal(10) ** 14:
        return None, f"{label}：“{raw.strip()}”数值过大。"
    return value, ""


class ValueGridView(generic.BaseObjectView):
    """Grid entry: a month of one indicator for all counties (or all indicators of one county)
    in one page, saved in one transaction; corrections of saved figures need a reason."""

    queryset = IndicatorValue.objects.all()
    action = "add"
    template_name = "indicators/value_grid.html"

    def grid(self, data):
        user = self.request.user
        month_text = (data.get("month") or "").strip()
        try:
            month = parse_month(month_text) if month_text else None
        except ValueError:
            month = None
        month = month or selectors.value_latest_month(user=user)
        month = month or datetime.date.today().replace(day=1)
        indicators = list(Indicator.objects.restrict(user).filter(is_active=True, computation=""))
        regions = list(forms.writable_regions(user))
        counties = [r for r in regions if r.level == "county"]
        region = next((r for r in regions if str(r.pk) == str(data.get("region", ""))), None)
        if region is not None:
            indicator = None
            rows = selectors.value_grid_rows(
                user=user, month=month, indicators=indicators, regions=[region]
            )
        else:
            indicator = next(
                (i for i in indicators if str(i.pk) == str(data.get("indicator", ""))),
                indicators[0] if indicators else None,
            )
            # The city's own row only where the city total is not the counties' sum.
            shown = counties + [
                r for r in regions if r.level == "city" and indicator and not indicator.additive
            ]
            rows = selectors.value_grid_rows(
                user=user, month=month, indicators=[indicator] if indicator else [], regions=shown
            )
        return {
            "month": month,
            "indicator": indicator,
            "region": region,
            "rows": rows,
            "indicators": indicators,
            "regions": regions,
        }

    def render_grid(self, grid, posted=None, invalid=None, **extra):
        def plain(value):
            return "" if value is None else format(value.normalize(), "f")

        for row in grid["rows"]:
            for prefix, saved in (("v", row.value), ("p", row.prev)):
                name = f"{prefix}-{row.key}"
                typed = (posted or {}).get(name)
                setattr(row, f"input_{prefix}", plain(saved) if typed is None else typed)
                setattr(row, f"saved_{prefix}", plain(saved))
                setattr(row, f"error_{prefix}", (invalid or {}).get(name, ""))
        return render(self.request, self.template_name, self.base_context(**grid, **extra))

    def get(self, request):
        return self.render_grid(self.grid(request.GET))

    def post(self, request):
        grid = self.grid(request.POST)
        month = grid["month"]
        try:
            parse_month(request.POST.get("month", "").strip())
        except ValueError:
            # Never save into a month the user did not choose.
            return self.render_grid(grid, errors=["月份格式应为 2026-05，未保存。"])
        errors, invalid, cells = [], {}, []
        for row in grid["rows"]:
            value, error = parse_grid_number(request.POST.get(f"v-{row.key}", ""), row.label)
            prev, prev_error = parse_grid_number(
                request.POST.get(f"p-{row.key}", ""), f"{row.label}（上年同期）"
            )
            for name, message in ((f"v-{row.key}", error), (f"p-{row.key}", prev_error)):
                if message:
                    errors.append(message)
                    invalid[name] = message
            if value is None and prev is None:
                continue
            item = services.ValueInput(indicator=row.indicator, region=row.region)
            setattr(item, row.field, value)
            setattr(item, row.prev_field, prev)
            cells.append(services.GridCell(label=row.label, item=item))
        posted = {k: v for k, v in request.POST.items() if k[:2] in ("v-", "p-")}
        if not errors:
            try:
                counts = services.values_grid_save(
                    cells=cells,
                    month=month,
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    f"{month:%Y年%m月}已保存：新增 {counts['created']} 条，"
                    f"更正 {counts['changed']} 条，无变化 {counts['unchanged']} 条。",
                )
                target = "region" if grid["region"] else "indicator"
                obj = grid["region"] or grid["indicator"]
                return redirect(
                    f"{reverse('indicators:value_grid')}?month={month:%Y-%m}&{target}={obj.pk}"
                )
        return self.render_grid(
            grid,
            errors=errors,
            invalid=invalid,
            posted=posted,
            reason=request.POST.get("reason", ""),
        )


class ValueImport:
    """The month's template uploaded through the shared import flow (core.views_import): every
    error with its row and column; nothing saved unless the whole file is valid."""

    queryset = IndicatorValue.objects.all()
    importer = value_importer
    url_prefix = "indicators:value"
    success_url_name = "indicators:value_list"
    options_form = forms.ImportForm
    upload_template = "indicators/value_import.html"
    template_url_name = "indicators:value_template"

    def initial_options(self):
        return {"month": requested_month(self.request)}

    def success_url(self, options, result):
        return f"{reverse('indicators:value_list')}?month={options['month']}"


class ValueImportView(ValueImport, generic_import.ImportUploadView):
    pass


class ValueImportCommitView(ValueImport, generic_import.ImportCommitView):
    pass


class ValueImportErrorsView(ValueImport, generic_import.ImportErrorsView):
    pass


class ValueTemplateView(generic.BaseObjectView):
    queryset = IndicatorValue.objects.all()
    action = "import"

    def get(self, request):
        month = requested_month(request) or datetime.date.today().replace(day=1)
        content = value_importer.template(user=request.user, month=month)
        filename = value_importer.template_filename_for(month)
        # The template carries the month's figures already entered: a download of data, audited.
        imports.audit_file_download(
            model=IndicatorValue, what="导入模板（含已填报数据）", name=filename
        )
        return download(content, filename, XLSX)


class ValueComputeView(generic.BaseObjectView):
    """Recount the computed indicators for a month (city staff)."""

    queryset = IndicatorValue.objects.all()
    action = "compute"  # the city's (IndicatorValue.scope)

    def post(self, request):
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
        may_write = permits(self.request.user, IndicatorTarget, "add")
        return {
            "add_url_name": self.add_url_name if may_write else None,
            "year": year,
            "mismatches": selectors.target_mismatches(year=year),
            "version_text": selectors.target_version_text(year=year),
            "pending": IndicatorTargetProposal.objects.restrict(self.request.user)
            .filter(status="pending")
            .count(),
        }


class TargetEditView(generic.BaseObjectView):
    """City staff set a target (a new version, with the reason for a change); a county officer
    gets the proposal form for their own county's figure instead."""

    queryset = IndicatorTarget.objects.all()
    action = "add"
    template_name = "core/object_edit.html"

    def form_class(self):
        return (
            forms.TargetForm
            if permits(self.request.user, IndicatorTarget, "target")
            else forms.TargetProposalForm
        )

    def render_form(self, form):
        if isinstance(form, forms.TargetProposalForm):
            return render(
                self.request,
                "indicators/target_proposal_form.html",
                self.base_context(form=form, county=self.request.user.region),
            )
        return render(self.request, self.template_name, self.base_context(form=form, object=None))

    def get(self, request):
        initial = {"year": datetime.date.today().year}
        for key in ("indicator", "region", "year"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        return self.render_form(self.form_class()(initial=initial, user=request.user))

    def post(self, request):
        form = self.form_class()(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_form(form)
        d = form.cleaned_data
        try:
            if isinstance(form, forms.TargetProposalForm):
                services.target_propose(
                    indicator=d["indicator"],
                    year=d["year"],
                    region=request.user.region,
                    value=d["value"],
                    reason=d["reason"],
                    actor=request.user,
                )
            else:
                services.target_set(
                    indicator=d["indicator"],
                    year=d["year"],
                    region=d["region"],
                    value=d["value"],
                    note=d["note"],
                    reason=d["reason"],
                    actor=request.user,
                )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.render_form(form)
        if isinstance(form, forms.TargetProposalForm):
            messages.success(request, "目标调整申请已提交，待市局审核；审核通过前仍按原目标通报。")
            return redirect("indicators:proposal_list")
        messages.success(request, "年度目标已保存，已记入目标版本。")
        for text in selectors.target_mismatches(year=d["year"]):
            messages.warning(request, f"任务分解不平衡：{text}")
        return redirect(f"{reverse('indicators:target_list')}?year={d['year']}")


class ProposalListView(generic.ObjectListView):
    queryset = IndicatorTargetProposal.objects.select_related(
        "indicator", "region", "proposed_by", "decided_by"
    )
    filterset = filtersets.IndicatorTargetProposalFilterSet
    table = tables.IndicatorTargetProposalTable
    add_url_name = "indicators:target_add"


class ProposalDetailView(generic.ObjectDetailView):
    queryset = ProposalListView.queryset
    template_name = "indicators/proposal_detail.html"

    def extra_context(self, obj):
        unit = obj.indicator.unit
        fields = [
            ("指标", obj.indicator),
            ("年度", obj.year),
            ("地区", obj.region),
            ("现目标", f"{obj.current_value} {unit}" if obj.current_value is not None else "—"),
            ("建议目标", f"{obj.value} {unit}"),
            ("调整理由", obj.reason),
            ("申请人", obj.proposed_by or "—"),
            ("申请时间", obj.proposed_at),
            ("状态", obj.get_status_display()),
            ("审核人", obj.decided_by or "—"),
            ("审核时间", obj.decided_at or "—"),
            ("审核意见", obj.decision_reason or "—"),
            ("形成的目标版本", obj.version.label if obj.version else "—"),
        ]
        can_decide = obj.status == "pending" and permits(
            self.request.user, IndicatorTarget, "target"
        )
        return {
            "fields": fields,
            "decision_form": forms.ProposalDecisionForm(user=self.request.user)
            if can_decide
            else None,
        }


class ProposalDecideView(generic.BaseObjectView):
    queryset = IndicatorTargetProposal.objects.all()
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        proposal = self.get_object()
        form = forms.ProposalDecisionForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, "请选择审核结果（批准或退回）。")
            return redirect(proposal)
        d = form.cleaned_data
        try:
            services.target_proposal_decide(
                proposal=proposal,
                approve=d["decision"] == "approve",
                reason=d["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request,
                "已批准，新目标已记入目标版本。" if d["decision"] == "approve" else "已退回。",
            )
        return redirect(proposal)


class TargetVersionListView(generic.ObjectListView):
    queryset = IndicatorTargetVersion.objects.select_related("indicator", "region", "actor")
    filterset = filtersets.IndicatorTargetVersionFilterSet
    table = tables.IndicatorTargetVersionTable
