import django_filters

from shangwu.accounts.choices import ChangeKind, ChangeStatus, Role
from shangwu.accounts.models import ApiToken, ChangeRequest, User
from shangwu.core.filtersets import BaseFilterSet
from shangwu.organization.models import OrgUnit


class UserFilterSet(BaseFilterSet):
    search_fields = ("username", "name")
    role = django_filters.ChoiceFilter(choices=Role.choices, label="角色")
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label="所属单位")
    locked = django_filters.BooleanFilter(method="filter_locked", label="已锁定")

    class Meta:
        model = User
        fields = ["q", "role", "org_unit", "is_active"]

    def filter_locked(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        now = timezone.now()
        return (
            queryset.filter(locked_until__gt=now)
            if value
            else queryset.exclude(locked_until__gt=now)
        )


class ApiTokenFilterSet(BaseFilterSet):
    search_fields = ("user__username", "user__name", "name", "prefix")
    state = django_filters.ChoiceFilter(
        choices=[("active", "有效"), ("expired", "已过期"), ("revoked", "已撤销")],
        method="filter_state",
        label="状态",
    )

    class Meta:
        model = ApiToken
        fields = ["q", "state"]

    def filter_state(self, queryset, name, value):
        from django.utils import timezone

        now = timezone.now()
        if value == "active":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if value == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if value == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class ChangeRequestFilterSet(BaseFilterSet):
    search_fields = ("target_repr", "requester__username", "requester__name")
    status = django_filters.ChoiceFilter(choices=ChangeStatus.choices, label="状态")
    kind = django_filters.ChoiceFilter(choices=ChangeKind.choices, label="申请类型")

    class Meta:
        model = ChangeRequest
        fields = ["q", "status", "kind"]
