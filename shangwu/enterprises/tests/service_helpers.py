"""Small helpers shared by the enterprise service tests (contacts, 包保, visits, coverage)."""

import datetime

from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.test import APIClient

COUNTY_A, COUNTY_B, TOWNSHIP_A1, TOWNSHIP_A2 = "419902", "419921", "419902001", "419902002"


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def grant_reveal(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="enterprises", codename="reveal_contact")
    )


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api
