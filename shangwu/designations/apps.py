from django.apps import AppConfig


class DesignationsConfig(AppConfig):
    name = "shangwu.designations"
    verbose_name = "荣誉认定与示范创建"
