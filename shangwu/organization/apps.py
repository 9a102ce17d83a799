from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "shangwu.organization"
    verbose_name = "区划与机构"
