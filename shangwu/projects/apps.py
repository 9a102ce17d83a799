from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "shangwu.projects"
    verbose_name = "招商项目"
