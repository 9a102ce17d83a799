from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "shangwu.vouchers"
    verbose_name = "消费券"
