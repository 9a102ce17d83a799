from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "shangwu.inspections"
    verbose_name = "市场秩序与安全生产检查"
