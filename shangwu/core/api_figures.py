"""``GET /api/figures/`` (the registered figures) and ``GET /api/figures/<key>/`` (one figure for
a period and region, within the asking user's scope, with its drill-down URLs).

Region (``region=<区划代码>``): the user's own region or one inside it narrows the figure; a
region containing the user's own (the city, for a county user) is answered for the user's own
scope, which is all of it they may see (the answer's ``region`` says so); a region outside the
scope (another county) is 404, audited like any out-of-scope record.
"""

import datetime

from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from shangwu.core import figures
from shangwu.core.access import Access, can


def _check_business(user):
    if not can(user, Access.BUSINESS, "view"):
        raise PermissionDenied("您没有查看业务数据的权限。")


class FigureListView(APIView):
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
