from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "shangwu.enterprises"
    verbose_name = "企业库"
