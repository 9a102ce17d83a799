from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shangwu.core"
    verbose_name = "核心"
