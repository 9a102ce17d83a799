from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "shangwu.tasks"
    verbose_name = "重点任务督办"
