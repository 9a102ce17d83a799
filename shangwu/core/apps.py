from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shangwu.core"
    verbose_name = "核心"

    def ready(self):
        from shangwu.core import reference

        reference.connect()
