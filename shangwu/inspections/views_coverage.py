"""Pages of §7 coverage: the coverage table (kind, plan, period; by county or township) and the
fuel-station annual coverage with the stations not inspected this year. Every number links to
its list (``coverage.py``)."""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone

from shangwu.core import views as generic
from shangwu.core.forms import BaseForm
from shangwu.inspections import coverage
from shangwu.inspections.forms import date_field
from shangwu.inspections.models import InspectionKind, Plan, Site
from shangwu.organization.selectors import region_list_counties

FUEL_KIND = "fuel_station_annual"
MISSING_SHOWN = 200


class CoverageForm(BaseForm):
    kind = forms.ModelChoiceField(
        label="检查类型", queryset=None, required=False, empty_label="（默认：加油站）"
    )
    plan = forms.ModelChoiceField(
        label="检查计划", queryset=None, required=False, empty_label="（不限计划，按期间）"
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    date_from = date_field("期间自", required=False)
    date_to = date_field("期间至", required=False)
    county = forms.ModelChoiceField(
        label="县(市、区)", queryset=None, required=False, empty_label="全部"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = InspectionKind.objects.filter(is_active=True)
        self.fields["plan"].queryset = Plan.objects.restrict(self.user, "view").select_related(
            "kind"
        )
        self.fields["county"].queryset = region_list_counties(user=self.user)

    def clean(self):
        data = super().clean()
        plan = data.get("plan")
        if plan is not None:
            data["kind"] = plan.kind
            data["date_from"], data["date_to"] = plan.start_on, plan.end_on
            return data
        if data.get("kind") is None:
            data["kind"] = self.fields["kind"].queryset.filter(code=FUEL_KIND).first() or (
                self.fields["kind"].queryset.first()
            )
        year = data.get("year") or timezone.localdate().year
        data["date_from"] = data.get("date_from") or datetime.date(year, 1, 1)
        data["date_to"] = data.get("date_to") or datetime.date(year, 12, 31)
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", "期间结束日期不能早于开始日期。")
        return data


class CoverageView(generic.BaseObjectView):
    """覆盖率与检查结果."""

    queryset = Site.objects.all()
    template_name = "inspections/coverage.html"
    title = "检查覆盖率与结果"
    fuel = False

    def get(self, request, *args, **kwargs):
        params = request.GET.copy()
        if self.fuel:
            params["kind"] = str(
                InspectionKind.objects.filter(code=FUEL_KIND).values_list("pk", flat=True).first()
                or ""
            )
            params.pop("plan", None)
            params.pop("date_from", None)
            params.pop("date_to", None)
        form = CoverageForm(params, user=request.user)
        context = {
            "form": form,
            "title": self.title,
            "columns": coverage.COLUMNS,
            "fuel": self.fuel,
        }
        if form.is_valid() and form.cleaned_data.get("kind") is not None:
            data = form.cleaned_data
            context["rows"] = coverage.coverage_table(
                user=request.user,
                kind=data["kind"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                plan=data.get("plan"),
                county=data.get("county"),
            )
            context["period"] = (data["date_from"], data["date_to"])
            context["kind"] = data["kind"]
            if self.fuel:
                year = data["date_from"].year
                selection = coverage.sites_not_inspected_selection(
                    kind=data["kind"], year=year, county=data.get("county")
                )
                missing = coverage.sites_not_inspected(
                    user=request.user, kind=data["kind"], year=year, county=data.get("county")
                )
                context["year"] = year
                context["missing"] = missing[:MISSING_SHOWN]
                context["missing_count"] = missing.count()
                context["missing_url"] = selection.urls()["page"]
        status = 200 if form.is_valid() else 400
        return render(request, self.template_name, self.base_context(**context), status=status)


class FuelCoverageView(CoverageView):
    """加油站年度检查覆盖: the year's coverage and the stations still missing."""

    title = "加油站年度检查覆盖"
    fuel = True
