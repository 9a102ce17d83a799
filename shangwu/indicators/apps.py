from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "shangwu.indicators"
    verbose_name = "指标与月通报"
