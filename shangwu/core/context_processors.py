from django.utils.functional import SimpleLazyObject, cached_property

from shangwu.core import fragments
from shangwu.core.help import module_for_path


class TopBar:
    """What the top bar shows on every page. The unread notifications (the registry's figure
    ``cases.notifications_unread``, one COUNT on the (recipient, read_at) index) are asked only
    when a page renders them, never for fragments or the API; the 工作台 computes the figure for
    its 通知 panel and the badge reads that one."""

    def __init__(self, request, user, path):
        self.request, self.user, self.path = request, user, path

    @cached_property
    def unread(self):
        from shangwu.core.views_dashboard import unread_figure

        return unread_figure(self.request)

    @cached_property
    def help_module(self) -> str:
        return module_for_path(self.path)


def navigation(request):
    """The menu is read only when a template shows it (fragments, e-mails and the API's pages
    render without it); it is built once per role in each process (``core.fragments.menu``:
    about 1 ms of every page before)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_menu": SimpleLazyObject(lambda: _menu(request, user)),
        "nav_path": request.path,
        "top_bar": TopBar(request, user, request.path),
    }


def _menu(request, user):
    menu = getattr(request, "_shangwu_nav_menu", None)
    if menu is None:
        menu = request._shangwu_nav_menu = fragments.menu(user)
    return menu
