from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "shangwu.audit"
    verbose_name = "安全审计"

    def ready(self):
        from shangwu.audit import signals

        signals.connect()
