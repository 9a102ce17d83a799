"""``GET /api/figures/`` (the registered figures) and ``GET /api/figures/<key>/`` (one figure for
a period and region, within the asking user's scope, with its drill-down URLs).

Region (``region=<区划代码>``): the user's own region or one inside it narrows the figure; a
region containing the user's own (the city, for a county user) is answered for the user's own
scope, which is all of it they may see (the answer's ``region`` says so); a region outside the
scope (another county) is 404, audited like any out-of-scope record.

Breakdown (``by=<筛选条件>`` or ``by=month``): the figure for each value of one of its list's
filters (``category``, ``county``…) or each calendar month of the period, each group with its own
drill-down (the figure's lists with the group's filter added); the figure itself is the total of
the groups (``core.figures.breakdown``). A figure whose list has no such filter is a 400.
"""

import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from shangwu.core import figures
from shangwu.core.access import Access, can


def _check_business(user):
    if not can(user, Access.BUSINESS, "view"):
        raise PermissionDenied("您没有查看业务数据的权限。")


class FigureSpecSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="如 cases.on_time_rate")
    label = serializers.CharField()
    unit = serializers.CharField()
    definition = serializers.CharField()
    current = serializers.BooleanField(help_text="为真时是查询时的状态，不随期间变化")


class FigureSerializer(FigureSpecSerializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    display = serializers.CharField(help_text="按单位格式化（四舍五入到1位小数）")
    period = serializers.DictField(child=serializers.DateField(), help_text="{from, to}")
    region = serializers.DictField(
        allow_null=True, help_text="{code, name, level}；空为本人数据范围"
    )
    count = serializers.IntegerField(help_text="指标所依据的记录数（比率为分母记录数）")
    numerator_count = serializers.IntegerField(required=False)
    drill = serializers.DictField(help_text="{page, api}，或比率的 {numerator, denominator}")
    by = serializers.CharField(required=False, help_text="分组条件（请求了 by 时）")
    groups = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="各组的 {value, params, figure}；figure 与本指标同形，含其下钻清单",
    )


class FigureListView(APIView):
    @extend_schema(responses=FigureSpecSerializer(many=True), summary="统计指标清单")
    def get(self, request):
        _check_business(request.user)
        return Response(
            [
                {
                    "key": spec.key,
                    "label": spec.label,
                    "unit": spec.unit,
                    "definition": spec.definition,
                    "current": spec.current,
                }
                for spec in sorted(figures.all(), key=lambda s: s.key)
            ]
        )


class FigureDetailView(APIView):
    @extend_schema(
        responses=FigureSerializer,
        summary="一项统计指标的值及其下钻清单",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="期间起（默认当年1月1日）"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="期间止（默认今天）"),
            OpenApiParameter("region", str, description="区划代码；范围外的地区返回404"),
            OpenApiParameter(
                "by",
                str,
                description="分组：列表的筛选条件名（如 county、category）或 month（按月）",
            ),
        ],
    )
    def get(self, request, key):
        _check_business(request.user)
        if figures.get(key) is None:
            raise NotFound(f"没有名为“{key}”的统计指标。")
        params = request.query_params
        today = timezone.localdate()
        try:
            date_to = figures.parse_date(params["to"], "to") if params.get("to") else today
            date_from = (
                figures.parse_date(params["from"], "from")
                if params.get("from")
                else datetime.date(date_to.year, 1, 1)
            )
            region = figures.resolve_region(request.user, params.get("region"))
            if params.get("by"):
                return Response(
                    _breakdown_answer(
                        key,
                        by=params["by"],
                        user=request.user,
                        date_from=date_from,
                        date_to=date_to,
                        region=region,
                    )
                )
            figure = figures.compute(
                key, user=request.user, date_from=date_from, date_to=date_to, region=region
            )
        except figures.FigureError as exc:
            raise ValidationError({exc.param: [exc.message]}) from None
        except LookupError:
            from shangwu.audit.services import audit_denied
            from shangwu.organization.models import Region

            code = params.get("region")
            audit_denied(
                model=Region,
                object_id=Region.objects.filter(code=code).values_list("pk", flat=True).first(),
                detail=f"统计指标 {key}：地区 {code} 不在用户的数据范围内，已返回404。",
            )
            raise NotFound(f"地区“{code}”不在您的数据范围内。") from None
        return Response(figure.as_dict())


def _group_value(value):
    if value is None or isinstance(value, int | str):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _breakdown_answer(key, *, by, user, date_from, date_to, region) -> dict:
    """The figure (the groups' total) with its ``groups``: each the filter's value, the
    parameters added to its drill-down, and the group's own figure."""
    if date_from > date_to:
        raise figures.FigureError("from", "参数 from 不能晚于 to。")
    try:
        table = figures.breakdown(
            [key], by=by, user=user, date_from=date_from, date_to=date_to, region=region
        )
    except figures.FigureError:
        raise
    except ValueError:  # a figure of its own kind (a ratio of two sums) has no groups
        raise figures.FigureError("by", f"指标 {key} 不支持分组统计（by={by}）。") from None
    groups = sorted(table.groups, key=lambda g: (g.value is None, str(_group_value(g.value))))
    return {
        **table.totals[key].as_dict(),
        "by": by,
        "groups": [
            {
                "value": _group_value(g.value),
                "params": {k: _group_value(v) for k, v in g.params.items()},
                "figure": g.figures[key].as_dict(),
            }
            for g in groups
        ],
    }
