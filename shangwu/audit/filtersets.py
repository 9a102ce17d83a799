import django_filters

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.audit.tables import object_type_choices
from shangwu.core.filtersets import BaseFilterSet


class AuditLogFilterSet(BaseFilterSet):
    search_fields = ("actor_username", "actor_name", "object_repr", "detail", "request_id", "ip")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label="操作")
    actor_username = django_filters.CharFilter(label="用户名")
    object_type = django_filters.ChoiceFilter(choices=object_type_choices, label="对象类型")
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="起始日期")
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="截止日期")

    class Meta:
        model = AuditLog
        fields = ["q", "action", "actor_username", "object_type", "since", "until"]
