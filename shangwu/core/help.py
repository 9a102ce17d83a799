"""帮助: one Chinese user guide per module, opened from the top bar for the module the user is in
(chosen from the URL). The guides are templates under ``core/templates/core/help/``."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import TemplateView

# key → (title, URL prefixes of the module's pages)
MODULES = {
    "enterprises": ("企业库与包保服务", ("/enterprises/",)),
    "cases": ("诉求办理", ("/cases/",)),
    "projects": ("招商项目", ("/projects/",)),
    "indicators": ("指标与月通报", ("/indicators/",)),
    "tasks": ("重点任务督办", ("/tasks/",)),
    "calendar": ("节假日安排", ("/calendar/",)),
    "admin": ("账号、配置与审计", ("/accounts/", "/org/", "/audit/")),
}


def module_for_path(path: str) -> str:
    """The guide for the page at ``path``; "" (the overview) outside every module."""
    for key, (_title, prefixes) in MODULES.items():
        if path.startswith(prefixes):
            return key
    return ""


class HelpView(LoginRequiredMixin, TemplateView):
    """The overview (no module) or one module's guide. Every signed-in user may read every
    guide; a guide describes what each role can do there."""

    def get(self, request, *args, **kwargs):
        if kwargs.get("module", "") and kwargs["module"] not in MODULES:
            raise Http404("没有这个模块的帮助。")
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        module = self.kwargs.get("module", "")
        return [f"core/help/{module or 'index'}.html"]

    def get_context_data(self, **kwargs):
        module = kwargs.pop("module", "")
        return super().get_context_data(
            **kwargs,
            module=module,
            module_title=MODULES[module][0] if module else "使用帮助",
            modules=[(key, title) for key, (title, _p) in MODULES.items()],
        )
