from django.db.models import Count, Q
from django.urls import reverse

from shangwu.enterprises.choices import EnterpriseStatus
from shangwu.enterprises.models import Enterprise


def enterprise_dashboard_panel(*, user) -> dict:
    qs = Enterprise.objects.restrict(user, "view")
    figures = qs.aggregate(
        total=Count("id", filter=Q(status=EnterpriseStatus.ACTIVE)),
        key=Count("id", filter=Q(status=EnterpriseStatus.ACTIVE, is_key=True)),
    )
    url = reverse("enterprises:enterprise_list")
    return {
        "title": "企业库",
        "icon": "buildings",
        "figures": [
            ("存续企业", figures["total"], f"{url}?status=active"),
            ("重点企业", figures["key"], f"{url}?status=active&is_key=true"),
        ],
    }
