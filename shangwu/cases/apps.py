from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "shangwu.cases"
    verbose_name = "诉求与交办件"
