from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "shangwu.subsidies"
    verbose_name = "以旧换新等补贴"
