from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shangwu.accounts"
    verbose_name = "账号与安全"

    def ready(self):
        from shangwu.accounts import schema  # noqa: F401  (registers the OpenAPI extensions)
