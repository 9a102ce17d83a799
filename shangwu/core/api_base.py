"""API settings classes (permission, pagination, errors). Kept apart from ``api.py`` because DRF
imports them while its own views module loads."""

from urllib.parse import unquote_plus

from django.core.paginator import Paginator
from django.http import Http404
from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.access import refusal

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def api_action(request, view) -> str:
    # Action endpoints (POST /api/x/1/assign/) change an object; they are not creations.
    if getattr(view, "detail", False) and request.method == "POST":
        return "change"
    return METHOD_ACTIONS.get(request.method, "view")


class RolePermission(permissions.BasePermission):
    message = "您没有执行此操作的权限。"

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return True
        reason = refusal(request.user, queryset.model, api_action(request, view))
        if reason is not None:
            self.message = reason  # the scope rule's own words (e.g. only the city imports plans)
            audit_write(
                action=AuditAction.DENIED,
                object_type=queryset.model._meta.label_lower,
                object_repr=str(queryset.model._meta.verbose_name),
                detail="API：角色无权限（403）。",
            )
        return reason is None


# A list request for more rows than this per page is a bulk read: audited as an export (等保:
# what leaves the platform in bulk is recorded, whichever door it leaves by).
BULK_READ_ROWS = 100


class CountFromPagePaginator(Paginator):
    """Django's paginator that reads the page's rows first: a page that is not full is the last
    one, so the total is the rows before it plus its own, and the COUNT query is not run (a
    county's list of 30, the first page of any short list). A full page, or a page past the end
    (404 as before), is counted by Django's COUNT. The same rows and the same total either way."""

    def page(self, number):
        if self.orphans or "count" in self.__dict__:
            return super().page(number)
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            return super().page(number)  # Django's own answer (PageNotAnInteger)
        if wanted < 1:
            return super().page(number)
        bottom = (wanted - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if len(rows) < self.per_page and (rows or wanted == 1):
            self.count = bottom + len(rows)
        return self._get_page(rows, self.validate_number(wanted), self)


class Pagination(PageNumberPagination):
    """Every API list's pages. A page of more than ``BULK_READ_ROWS`` rows writes one EXPORT row
    naming the endpoint, the filters and the row count, for every viewset at once. The total
    is counted only when the page is full (``CountFromPagePaginator``)."""

    django_paginator_class = CountFromPagePaginator
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        size = self.get_page_size(request)
        if page is not None and size and size > BULK_READ_ROWS:
            model = queryset.model
            filters = request.query_params.copy()
            for key in ("page", self.page_size_query_param):
                filters.pop(key, None)
            audit_write(
                action=AuditAction.EXPORT,
                object_type=model._meta.label_lower,
                object_repr=str(model._meta.verbose_name),
                detail=(
                    f"API 批量读取 {request.method} {request.path}：每页 {size} 行"
                    f"（第 {self.page.number} 页），本页 {len(page)} 行，共 {self.page.paginator.count} 行；"
                    f"条件：{unquote_plus(filters.urlencode()) or '无'}"
                ),
            )
        return page


def exception_handler(exc, context):
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        from rest_framework.exceptions import NotFound

        exc = NotFound("对象不存在或不在您的数据范围内。")
    return drf_exception_handler(exc, context)
